"""Publication review (审核): a course that pays credits or reaches beyond its union waits for an admin."""

import pytest
from sqlalchemy import select

from learnhub.catalog.services import course_modules
from learnhub.core.audit import AuditEvent
from learnhub.core.errors import DomainError, NotFound
from learnhub.extensions import db
from learnhub.studio import modules as authoring
from learnhub.studio import publishing, review
from learnhub.studio import services as studio


@pytest.fixture
def admins(make_user, tree):
    """Admins at each level of the tree: root (national), root2, prov_a, city_a, prov_b."""
    return type(
        "Admins",
        (),
        dict(
            root=make_user("root1", role="admin", org=tree.national, locale="en"),
            root2=make_user("root2", role="admin", org=tree.national, locale="en"),
            prov_a=make_user("keeper1", role="admin", org=tree.prov_a, locale="en"),
            city_a=make_user("cityadmin1", role="admin", org=tree.city_a, locale="en"),
            prov_b=make_user("keeper2", role="admin", org=tree.prov_b, locale="en"),
        ),
    )


def _actions(course):
    return [
        e.action
        for e in db.session.scalars(
            select(AuditEvent).where(AuditEvent.subject_id == course.slug).order_by(AuditEvent.id)
        )
    ]


def _live_titles(course):
    return [revision.title for _module, revision in course_modules(course)]


def test_a_course_for_its_own_union_paying_nothing_goes_live_at_once(studio_course, trainer):
    course = studio_course()
    assert not review.needs_review(course)
    assert publishing.publish(trainer, course) == 1 and course.status == "published"


def test_a_course_for_all_unions_waits_for_an_admins_review_the_author_cannot_approve_it(
    studio_course, trainer, admins, tree
):
    course = studio_course(audience="")
    assert review.needs_review(course)
    assert publishing.publish(trainer, course) is None
    pending = review.pending_review(course)
    assert course.status == "draft" and _live_titles(course) == []
    # For everyone: reviewed at the top of the tree, not by the province or city below it.
    assert pending.org_id == tree.national.id
    assert not review.can_review(trainer, course, pending)
    for admin in (admins.prov_a, admins.city_a, admins.prov_b):
        with pytest.raises(NotFound):
            review.get_review(admin, course.slug)
    with pytest.raises(DomainError):
        publishing.approve(trainer, course, pending)
    with pytest.raises(DomainError):
        publishing.publish(trainer, course)  # already waiting

    assert publishing.approve(admins.root, course, pending) == 1
    assert course.status == "published" and pending.status == "approved" and pending.decided_by_id == admins.root.id
    assert _actions(course) == ["course.submitted", "course.approved", "course.published"]


def test_an_admin_who_wrote_the_course_cannot_approve_it(admins, tree):
    course = studio.create_course(
        admins.root,
        {
            "title": "全国通用课",
            "summary": "人人都能学。",
            "category": "safety",
            "credits": "1",
            "hours": "1",
            "audience": "",
        },
        slug="for-all",
    )
    authoring.add_module(admins.root, course, "lesson", "第一课", key="one")
    authoring.save_lesson(admins.root, course, "one", {"title": "第一课", "minutes": "1", "body": "正文。"})
    publishing.publish(admins.root, course)
    pending = review.pending_review(course)
    assert pending is not None and not review.can_review(admins.root, course, pending)
    assert [row[1].slug for row in review.review_queue(admins.root)] == []
    with pytest.raises(NotFound):
        review.get_review(admins.root, "for-all")
    assert [row[1].slug for row in review.review_queue(admins.root2)] == ["for-all"]
    assert review.get_review(admins.root2, "for-all") == (course, pending)


def test_a_course_paying_credits_is_reviewed_by_an_admin_of_its_audience_or_above(studio_course, trainer, admins, tree):
    course = studio_course(credits="1")  # for the trainer's own province
    publishing.publish(trainer, course)
    pending = review.pending_review(course)
    assert pending.org_id == tree.prov_a.id
    assert review.can_review(admins.prov_a, course, pending) and review.can_review(admins.root, course, pending)
    assert not review.can_review(admins.city_a, course, pending)  # below the audience
    assert not review.can_review(admins.prov_b, course, pending)  # another tree
    assert publishing.approve(admins.prov_a, course, pending) == 1


def test_a_returned_course_keeps_its_published_version_and_says_why(studio_course, trainer, admins):
    course = studio_course()
    publishing.publish(trainer, course)
    studio.update_details(
        trainer,
        course,
        {**_details(course), "title": "班组安全交底（第二版）", "credits": "1", "audience": str(trainer.org_id)},
    )
    assert publishing.publish(trainer, course) is None
    pending = review.pending_review(course)
    # While it waits, learners see version 1 and the working copy cannot change.
    assert course.title == "班组安全交底" and course.status == "published"
    with pytest.raises(DomainError, match="waiting for review"):
        studio.update_details(trainer, course, {**_details(course), "title": "再改"})
    with pytest.raises(DomainError) as refused:
        publishing.return_for_changes(admins.prov_a, course, pending, "  ")
    assert refused.value.field == "reason"
    publishing.return_for_changes(admins.prov_a, course, pending, "学分太高：这门课只有一节课。")
    latest = review.latest_review(course)
    assert latest.status == "returned" and latest.reason == "学分太高：这门课只有一节课。"
    assert course.title == "班组安全交底" and review.pending_review(course) is None
    # The trainer changes it and sends it again.
    studio.update_details(trainer, course, {**_details(course), "credits": "0.5", "audience": str(trainer.org_id)})
    assert publishing.publish(trainer, course) is None
    assert _actions(course) == [
        "course.published",
        "course.submitted",
        "course.returned",
        "course.submitted",
    ]


def test_withdrawing_lets_the_trainer_edit_again(studio_course, trainer):
    course = studio_course(credits="1")
    publishing.publish(trainer, course)
    with pytest.raises(DomainError):
        authoring.add_module(trainer, course, "lesson", "又一课")
    publishing.withdraw(trainer, course)
    authoring.add_module(trainer, course, "lesson", "又一课")
    assert review.latest_review(course).status == "withdrawn"
    assert _actions(course)[-2:] == ["course.submitted", "course.withdrawn"]


def test_the_reviewer_sees_what_changed_since_the_published_version(studio_course, trainer):
    course = studio_course()
    publishing.publish(trainer, course)
    authoring.save_lesson(
        trainer,
        course,
        "why",
        {"title": "为什么要交底", "minutes": "20", "body": "## 为什么\n\n交底让每个人知道今天的危险和防护。"},
    )
    authoring.add_module(trainer, course, "lesson", "事故案例", key="cases")
    studio.update_details(trainer, course, {**_details(course), "credits": "1", "audience": str(trainer.org_id)})
    found = review.changes(course)
    assert not found.is_first
    assert [(str(label), before, after) for label, before, after in found.details] == [("Credits", "0.00", "1.00")]
    kinds = {change.title: change.kind for change in found.modules}
    assert kinds == {"为什么要交底": "changed", "事故案例": "added"}
    why = next(change for change in found.modules if change.kind == "changed")
    assert ("-", "交底让每个人知道今天的危险。") in why.lines
    assert ("+", "交底让每个人知道今天的危险和防护。") in why.lines


def test_archiving_a_course_in_review_withdraws_it(studio_course, trainer, admins):
    course = studio_course(credits="1")
    publishing.publish(trainer, course)
    pending = review.pending_review(course)
    publishing.archive(trainer, course)
    assert pending.status == "withdrawn"
    assert not review.can_review(admins.prov_a, course, review.pending_review(course))


def _details(course):
    draft = studio.get_draft(course)
    return {
        "title": draft.title,
        "summary": draft.summary,
        "category": draft.category,
        "occupation": draft.occupation,
        "target_level": draft.target_level,
        "language": draft.language,
        "credits": str(draft.credits),
        "hours": "2",
        "tags": ", ".join(draft.tag_list),
        "audience": str(draft.audience_org_id or ""),
    }


# ---------------------------------------------------------------- the pages


def test_an_admin_reviews_from_the_queue_and_the_trainer_reads_the_reason(client, auth, studio_course, trainer, admins):
    course = studio_course(credits="1")
    publishing.publish(trainer, course)
    db.session.commit()

    auth.login("trainer1")
    page = client.get(f"/studio/{course.slug}/").get_data(as_text=True)
    assert "Waiting for review by an admin of 甲省总工会" in page and "Withdraw from review" in page
    assert client.get("/studio/reviews/").status_code == 404  # trainers have no queue
    assert client.get(f"/studio/{course.slug}/review").status_code == 404
    auth.logout()

    auth.login("keeper1")
    queue = client.get("/studio/reviews/").get_data(as_text=True)
    assert "班组安全交底" in queue and f"/studio/{course.slug}/review" in queue
    page = client.get(f"/studio/{course.slug}/review")
    assert page.status_code == 200 and "everything is new" in page.get_data(as_text=True)
    refused = auth.post(f"/studio/{course.slug}/review/return", {"reason": ""})
    assert refused.status_code == 400 and "Please fill in “What should change”." in refused.get_data(as_text=True)
    response = auth.post(f"/studio/{course.slug}/review/return", {"reason": "请补充一道关于防护的题。"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/studio/reviews/")
    auth.logout()

    auth.login("trainer1")
    page = client.get(f"/studio/{course.slug}/").get_data(as_text=True)
    assert "Returned by" in page and "请补充一道关于防护的题。" in page
    response = auth.post(f"/studio/{course.slug}/publish")
    assert "Sent for review" in client.get(response.headers["Location"]).get_data(as_text=True)
    auth.logout()

    auth.login("keeper1")
    response = auth.post(f"/studio/{course.slug}/review/approve")
    assert response.status_code == 302
    assert "Approved: version 1" in client.get(response.headers["Location"]).get_data(as_text=True)
    db.session.expire_all()
    assert course.status == "published"


def test_a_city_admin_cannot_open_a_review_for_the_province(client, auth, studio_course, trainer, admins):
    course = studio_course(credits="1")
    publishing.publish(trainer, course)
    db.session.commit()
    auth.login("cityadmin1")
    assert "班组安全交底" not in client.get("/studio/reviews/").get_data(as_text=True)
    assert client.get(f"/studio/{course.slug}/review").status_code == 404
    assert auth.post(f"/studio/{course.slug}/review/approve").status_code == 404
