from decimal import Decimal

import pytest
from sqlalchemy import select

from learnhub.catalog.models import Course, Module, ModuleRevision
from learnhub.catalog.services import course_modules, get_module
from learnhub.core.errors import DomainError, NotFound
from learnhub.credits.models import LedgerEntry
from learnhub.extensions import db
from learnhub.learning import services as learning
from learnhub.learning.models import Progress
from learnhub.studio import modules as authoring
from learnhub.studio import publishing
from learnhub.studio import services as studio
from tests.studio.conftest import DETAILS


def _live(course):
    return {module.key: revision for module, revision in course_modules(course)}


def test_a_new_course_is_a_draft_nobody_else_sees(studio_course, make_user):
    course = studio_course()
    assert course.status == "draft"
    assert course_modules(course) == []  # nothing live until published
    assert [m.key for _d, m, _r in studio.working_modules(course)] == ["why", "check"]


def test_publish_makes_the_working_copy_live(studio_course, trainer):
    course = studio_course()
    assert publishing.publish(trainer, course) == 1
    assert course.status == "published"
    live = _live(course)
    assert list(live) == ["why", "check"]
    assert "<h2>为什么</h2>" in live["why"].body_html
    assert [q.text for q in live["check"].questions] == ["交底在什么时候做？", "交底要讲哪些？"]
    assert course.title == "班组安全交底" and course.minutes == 90 and course.credits == Decimal("0.00")
    assert not studio.get_draft(course).has_changes


def test_editing_a_published_course_leaves_learners_on_the_published_version(studio_course, trainer, make_user):
    course = studio_course()
    publishing.publish(trainer, course)
    worker = make_user("worker1")
    learning.enrol(worker, course)
    why, why_rev = get_module(course, "why")
    learning.complete_module(worker, course, why, why_rev)

    authoring.save_lesson(
        trainer,
        course,
        "why",
        {"title": "为什么要交底（新版）", "minutes": "20", "credits": "0", "body": "## 新的正文", "is_required": "y"},
    )
    studio.update_details(
        trainer, course, {**DETAILS, "title": "班组安全交底（修订）", "audience": str(trainer.org_id)}
    )
    authoring.add_module(trainer, course, "lesson", "事故案例", key="cases")
    authoring.save_lesson(
        trainer,
        course,
        "cases",
        {"title": "事故案例", "minutes": "10", "credits": "0", "body": "一个案例。", "is_required": "y"},
    )
    # Workers still see version 1, the studio shows the draft.
    assert _live(course)["why"].title == "为什么要交底" and "cases" not in _live(course)
    assert course.title == "班组安全交底"
    assert studio.get_draft(course).has_changes

    publishing.publish(trainer, course)
    live = _live(course)
    assert list(live) == ["why", "check", "cases"] and live["why"].title == "为什么要交底（新版）"
    assert course.title == "班组安全交底（修订）"
    # The module kept its identity: progress and credits survive the new revision.
    module, revision = get_module(course, "why")
    assert module.id == why.id and revision.revision == 2
    progress = db.session.scalar(select(Progress).where(Progress.user_id == worker.id, Progress.module_id == why.id))
    assert progress.completed_at is not None
    assert (
        db.session.scalar(
            select(LedgerEntry).where(LedgerEntry.source_type == "module", LedgerEntry.source_id == str(why.id))
        )
        is not None
    )
    # Revision 1 is untouched for whoever answered or read it.
    old = db.session.scalar(
        select(ModuleRevision).where(ModuleRevision.module_id == why.id, ModuleRevision.revision == 1)
    )
    assert old.title == "为什么要交底"


def test_quiz_attempts_on_an_old_revision_survive_a_new_one(studio_course, trainer, make_user):
    from tests.conftest import quiz_answers

    course = studio_course()
    publishing.publish(trainer, course)
    worker = make_user("worker1")
    learning.enrol(worker, course)
    module, revision = get_module(course, "check")
    attempt = learning.submit_quiz(
        worker, course, module, revision, {k[1:]: v for k, v in quiz_answers(revision).items()}
    )
    authoring.save_question(
        trainer,
        course,
        "check",
        1,
        "single",
        "交底在什么时候做？（改）",
        [("开工前", True), ("下班后", False)],
        "开工前。",
    )
    publishing.publish(trainer, course)
    assert get_module(course, "check")[1].revision == 2
    assert db.session.get(ModuleRevision, attempt.revision_id).questions[0].text == "交底在什么时候做？"


def test_removing_and_reordering_take_effect_on_publish(studio_course, trainer):
    course = studio_course()
    authoring.add_module(trainer, course, "lesson", "附录", key="extra")
    authoring.save_lesson(trainer, course, "extra", {"title": "附录", "minutes": "0", "credits": "0", "body": "附录"})
    authoring.move_module(trainer, course, "extra", -1)
    assert [m.key for _d, m, _r in studio.working_modules(course)] == ["why", "extra", "check"]
    publishing.publish(trainer, course)
    assert list(_live(course)) == ["why", "extra", "check"]
    assert not _live(course)["check"] is None
    authoring.remove_module(trainer, course, "why")
    assert "why" in _live(course)  # still there for learners
    publishing.publish(trainer, course)
    assert list(_live(course)) == ["extra", "check"]
    why = db.session.scalar(select(Module).where(Module.course_id == course.id, Module.key == "why"))
    assert why.is_retired  # kept, so that progress on it stays explainable


def test_discard_goes_back_to_the_published_version(studio_course, trainer):
    course = studio_course()
    publishing.publish(trainer, course)
    authoring.remove_module(trainer, course, "why")
    studio.update_details(trainer, course, {**DETAILS, "title": "换个标题", "audience": str(trainer.org_id)})
    publishing.discard_changes(trainer, course)
    assert [m.key for _d, m, _r in studio.working_modules(course)] == ["why", "check"]
    assert studio.get_draft(course).title == "班组安全交底" and not studio.get_draft(course).has_changes


def test_unpublish_and_archive(studio_course, trainer, make_user):
    course = studio_course()
    publishing.publish(trainer, course)
    publishing.unpublish(trainer, course)
    assert db.session.scalar(select(Course).where(Course.id == course.id)).status == "draft"
    publishing.archive(trainer, course)
    with pytest.raises(DomainError):
        authoring.add_module(trainer, course, "lesson", "x")
    publishing.restore(trainer, course)
    kinds = [event.kind for event in studio.history(course)]
    assert kinds[:4] == ["restored", "archived", "unpublished", "published"]
    assert all(event.user_id == trainer.id for event in studio.history(course))


def test_publish_refuses_an_incomplete_course(trainer):
    course = studio.create_course(trainer, DETAILS, slug="empty-one")
    with pytest.raises(DomainError):
        publishing.publish(trainer, course)
    authoring.add_module(trainer, course, "quiz", "空测验")
    assert any("空测验" in p for p in publishing.problems(course))
    studio.update_details(trainer, course, {**DETAILS, "credits": "0"})
    authoring.save_quiz_settings(
        trainer,
        course,
        "quiz-1",
        {"title": "空测验", "minutes": "1", "credits": "1", "pass_mark": "60", "attempts": "0"},
    )
    assert any("more than" in p for p in publishing.problems(course))


def test_scope_owner_co_trainer_and_admins_of_the_subtree(studio_course, trainer, make_user, tree):
    course = studio_course()
    co = make_user("co1", role="trainer", org=tree.ent_b1)
    other = make_user("other1", role="trainer", org=tree.prov_a)
    admin_above = make_user("adm1", role="admin", org=tree.national)
    admin_below = make_user("adm2", role="admin", org=tree.city_a)
    admin_elsewhere = make_user("adm3", role="admin", org=tree.prov_b)
    worker = make_user("w1", org=tree.prov_a)
    studio.add_editor(trainer, course, "co1")
    for user, allowed in [
        (trainer, True),
        (co, True),
        (admin_above, True),
        (other, False),
        (admin_below, False),
        (admin_elsewhere, False),
        (worker, False),
    ]:
        assert studio.can_edit(user, course) is allowed, user
        if not allowed:
            with pytest.raises(NotFound):
                studio.get_course_for_editing(user, course.slug)
    with pytest.raises(DomainError):
        studio.add_editor(co, course, "other1")  # co-trainers do not hand out access
    assert [c.slug for c, _d in studio.my_courses(co)] == [course.slug]
    assert [c.slug for c, _d in studio.my_courses(admin_above)] == [course.slug]
    assert studio.my_courses(other) == []


@pytest.mark.parametrize(
    "values, field",
    [
        ({"title": "安全\u202e交底"}, "title"),
        ({"title": "  "}, "title"),
        ({"title": "长" * 121}, "title"),
        ({"credits": "-1"}, "credits"),
        ({"credits": "1.234"}, "credits"),
        ({"hours": "abc"}, "hours"),
        ({"category": "cooking"}, "category"),
        ({"audience": "99999"}, "audience"),
        ({"tags": "a|b"}, "tags"),
    ],
)
def test_bad_course_details_get_a_message_on_their_field(trainer, values, field):
    with pytest.raises(DomainError) as caught:
        studio.create_course(trainer, {**DETAILS, **values})
    assert caught.value.field == field


def test_emoji_in_a_title_is_fine(trainer):
    course = studio.create_course(trainer, {**DETAILS, "title": "⚡ 用电安全 ⚡"})
    assert studio.get_draft(course).title == "⚡ 用电安全 ⚡"


@pytest.mark.parametrize("slug", ["Bad Slug", "a", "new", "../x"])
def test_bad_addresses_are_refused(trainer, slug):
    with pytest.raises(DomainError) as caught:
        studio.create_course(trainer, DETAILS, slug=slug)
    assert caught.value.field == "slug"


@pytest.mark.parametrize(
    "kind, choices, message",
    [
        ("single", [("甲", True)], "at least two"),
        ("single", [("甲", True), ("乙", True)], "exactly one right"),
        ("multiple", [("甲", False), ("乙", False)], "right answer"),
        ("true_false", [("对", True), ("错", False), ("不知道", False)], "exactly two"),
        ("single", [("甲", True), ("甲", False)], "same"),
    ],
)
def test_bad_questions_are_refused(studio_course, trainer, kind, choices, message):
    course = studio_course()
    with pytest.raises(DomainError) as caught:
        authoring.save_question(trainer, course, "check", None, kind, "题目", choices, "解释")
    assert message in caught.value.message


def test_a_true_or_false_question_gets_its_two_choices(studio_course, trainer):
    course = studio_course()
    authoring.save_question(
        trainer,
        course,
        "check",
        None,
        "true_false",
        "交底可以省略。",
        [("", False), ("", True), ("", False)],
        "不能省略。",
    )
    question = authoring.get_working_module(course, "check")[2].questions[-1]
    assert [(c.text, c.is_correct) for c in question.choices] == [("True", False), ("False", True)]


def test_module_addresses(studio_course, trainer):
    course = studio_course()
    for key in ("enrol", "complete", "big key!", "why"):
        with pytest.raises(DomainError):
            authoring.add_module(trainer, course, "lesson", "x", key=key)
    assert authoring.add_module(trainer, course, "lesson", "x").key == "lesson-1"


# ---------------------------------------------------------------- the hours rule


@pytest.fixture
def hours_rule(app, monkeypatch):
    monkeypatch.setitem(app.config, "HOURS_RULE_CHECKED", True)


def test_a_trainer_cannot_save_a_lesson_declaring_far_more_minutes_than_its_text(studio_course, trainer, hours_rule):
    from learnhub.studio import modules as authoring

    course = studio.create_course(trainer, {**DETAILS, "credits": "0", "hours": "0"}, slug="short")
    authoring.add_module(trainer, course, "lesson", "为什么", key="why")
    values = {"title": "为什么", "minutes": "600", "credits": "0", "body": "交底让每个人知道今天的危险。"}
    with pytest.raises(DomainError) as refused:
        authoring.save_lesson(trainer, course, "why", values)
    assert refused.value.field == "minutes" and "At most 1 minutes" in refused.value.message
    with pytest.raises(DomainError) as refused:
        authoring.save_lesson(trainer, course, "why", {**values, "minutes": "1", "credits": "999999.99"})
    assert refused.value.field == "credits" and "At most 0.00 credits for 1 minutes" in refused.value.message


def test_a_trainer_cannot_save_course_credits_beyond_its_hours(trainer, hours_rule):
    with pytest.raises(DomainError) as refused:
        studio.create_course(trainer, {**DETAILS, "credits": "999999.99", "hours": "2"}, slug="rich")
    assert refused.value.field == "credits" and "At most 0.12 credits for 90 minutes" in refused.value.message


def test_a_trainer_cannot_publish_a_course_paying_more_than_the_rule_allows(studio_course, trainer, app):
    course = studio_course(credits="2")  # 2 credits for 90 minutes, a lesson of 20 minutes for one sentence
    app.config["HOURS_RULE_CHECKED"] = True
    try:
        found = publishing.problems(course)
        with pytest.raises(DomainError):
            publishing.publish(trainer, course)
    finally:
        app.config["HOURS_RULE_CHECKED"] = False
    assert any("为什么要交底" in problem and "At most 1 minutes" in problem for problem in found)
    assert any(problem.startswith("The course details: At most") for problem in found)
    assert course.status == "draft"
