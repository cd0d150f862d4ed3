"""Issue 16, item 3, from the attacker's side: credits cannot be created without review.

A trainer posts to the studio's forms and to publishing what the hours rule forbids
(999999.99 credits, 600-minute modules), and a course for every union: none of it reaches a
worker. The rule itself is tested in tests/catalog/test_hours.py; here, with it on as in
production, what a trainer's requests can and cannot do.
"""

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from learnhub.catalog.models import Course
from learnhub.extensions import db
from learnhub.studio import modules as authoring
from learnhub.studio import review
from learnhub.studio import services as studio
from learnhub.studio.models import CourseDraft

# 9,000 Han characters: thirty minutes' reading, so the lesson may declare at most 45 minutes
# (one 学时) and 0.06 credits (45 of the 720 minutes a credit stands for, rounded down).
TEXT = "\n\n".join(["安全生产人人有责" * 25] * 45)
DETAILS = {
    "title": "班组安全交底",
    "summary": "每天开工前怎样做安全交底。",
    "category": "safety",
    "occupation": "all",
    "target_level": "none",
    "language": "zh_CN",
    "credits": "0",
    "hours": "0",
    "tags": "安全",
}
LESSON = {"title": "为什么要交底", "minutes": "45", "credits": "0", "body": TEXT, "is_required": "y", "video": ""}


@pytest.fixture
def rule_on(app, monkeypatch):
    """The hours rule as production checks it (TestConfig leaves it off for other tests)."""
    monkeypatch.setitem(app.config, "HOURS_RULE_CHECKED", True)


@pytest.fixture
def course(trainer, rule_on):
    """A draft of the trainer's, for their own province, that keeps the rule."""
    course = studio.create_course(trainer, {**DETAILS, "audience": str(trainer.org_id)}, slug="briefing")
    authoring.add_module(trainer, course, "lesson", "为什么要交底", key="why")
    authoring.save_lesson(trainer, course, "why", LESSON)
    db.session.commit()
    return course


@pytest.fixture
def far_worker(make_user, tree):
    return make_user("far.worker", org=tree.ent_b1)


def _error_beside(response, field):
    page = response.get_data(as_text=True)
    return response.status_code in (200, 400) and f'id="{field}-error"' in page


def _draft_numbers(course):
    db.session.expire_all()
    draft = db.session.get(CourseDraft, course.id)
    revision = authoring.get_working_module(course, "why")[2]
    return draft.credits, draft.minutes, revision.credits, revision.minutes


def _live_for(client, auth, who, slug):
    auth.logout()
    auth.login(who)
    return client.get(f"/courses/{slug}").status_code == 200


def test_posting_credits_and_minutes_beyond_the_rule_to_the_studio_forms_is_refused(client, auth, trainer, course):
    auth.login("trainer1")
    base = f"/studio/{course.slug}"
    before = _draft_numbers(course)
    for url, data, field in (
        (f"{base}/details", {**DETAILS, "audience": str(trainer.org_id), "credits": "999999.99"}, "credits"),
        (f"{base}/details", {**DETAILS, "audience": str(trainer.org_id), "hours": "600"}, "hours"),
        (f"{base}/modules/why", {**LESSON, "credits": "999999.99"}, "credits"),
        (f"{base}/modules/why", {**LESSON, "minutes": "600"}, "minutes"),
        (f"{base}/modules/why", {**LESSON, "credits": "0.07"}, "credits"),  # a cent beyond the 45 minutes
        (f"{base}/modules/why", {**LESSON, "minutes": "46"}, "minutes"),  # a minute beyond half again
    ):
        response = auth.post(url, data)
        assert _error_beside(response, field), (url, field)
        assert _draft_numbers(course) == before, "stored"
    # A new course cannot start out of the rule either.
    courses = db.session.scalar(select(func.count()).select_from(Course))
    response = auth.post("/studio/new", {**DETAILS, "audience": "", "slug": "rich", "credits": "999999.99"})
    assert _error_beside(response, "credits")
    assert db.session.scalar(select(func.count()).select_from(Course)) == courses
    # What the rule allows goes through (else every refusal above could be for another reason).
    assert auth.post(f"{base}/modules/why", {**LESSON, "credits": "0.06"}).status_code == 302


def test_publishing_refuses_a_working_copy_beyond_the_rule_however_it_got_there(
    app, client, auth, trainer, course, far_worker, monkeypatch
):
    # Out-of-rule numbers in the working copy (saved while the rule was off, or before it was
    # written): publishing checks them again and nothing goes live.
    monkeypatch.setitem(app.config, "HOURS_RULE_CHECKED", False)
    studio.update_details(
        trainer, course, {**DETAILS, "audience": str(trainer.org_id), "credits": "999999.99", "hours": "10"}
    )
    authoring.save_lesson(trainer, course, "why", {**LESSON, "minutes": "600", "credits": "999999.99"})
    db.session.commit()
    monkeypatch.setitem(app.config, "HOURS_RULE_CHECKED", True)

    auth.login("trainer1")
    response = auth.post(f"/studio/{course.slug}/publish")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'class="flash error"' in page
    db.session.expire_all()
    assert course.status == "draft" and course.credits != Decimal("999999.99")
    assert review.pending_review(course) is None  # not even sent for review
    assert not _live_for(client, auth, "far.worker", course.slug)


@pytest.mark.parametrize("credits", ["0", "0.06"])
def test_a_course_for_every_union_does_not_go_live_without_an_admins_review(
    client, auth, trainer, course, make_user, tree, credits
):
    make_user("near.worker", org=tree.ent_a1)
    auth.login("trainer1")
    base = f"/studio/{course.slug}"
    assert auth.post(f"{base}/modules/why", {**LESSON, "credits": credits}).status_code == 302
    details = {**DETAILS, "audience": "", "credits": credits, "hours": "1"}
    assert auth.post(f"{base}/details", details).status_code == 302
    assert auth.post(f"{base}/publish").status_code == 302
    db.session.expire_all()
    assert course.status == "draft" and review.pending_review(course) is not None
    # The author cannot approve it, nor publish around the review.
    assert auth.post(f"{base}/review/approve").status_code == 404
    assert auth.post(f"{base}/publish").status_code == 302
    db.session.expire_all()
    assert course.status == "draft"
    assert not _live_for(client, auth, "near.worker", course.slug)

    # An admin at the top of the tree approves it: then, and only then, it is live for all.
    make_user("root.admin", role="admin", org=tree.national)
    auth.logout()
    auth.login("root.admin")
    assert auth.post(f"{base}/review/approve").status_code == 302
    assert _live_for(client, auth, "near.worker", course.slug)
