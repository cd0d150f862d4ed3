from decimal import Decimal

import pytest

from learnhub.catalog.services import course_modules
from learnhub.core.errors import DomainError
from learnhub.credits.models import LedgerEntry
from learnhub.credits.services import balance, get_account
from learnhub.extensions import db
from learnhub.learning import services as learning
from learnhub.learning.models import ActivityDay
from learnhub.learning.signals import course_completed, module_completed


def _modules(course):
    return {module.key: (module, revision) for module, revision in course_modules(course)}


def _answers(revision, right=True):
    answers = {}
    for question in revision.questions:
        wanted = [c.id for c in question.choices if c.is_correct == right]
        answers[str(question.id)] = [str(i) for i in (wanted if question.kind == "multiple" else wanted[:1])]
    return answers


def test_learning_a_course_pays_its_credits_once(make_user, make_course):
    worker = make_user("worker1")
    course = make_course(credits=Decimal("2"), minutes=45)  # modules pay 1.5 and 30 minutes
    mods = _modules(course)
    learning.enrol(worker, course)
    learning.enrol(worker, course)  # a second tap changes nothing
    seen = []

    def on_module(sender, **kw):
        seen.append(("module", sender.key))

    def on_course(sender, **kw):
        seen.append(("course", sender.slug))

    # Only our own listeners, and only for this block: features above subscribe too.
    with module_completed.connected_to(on_module), course_completed.connected_to(on_course):
        assert learning.complete_module(worker, course, *mods["intro"]) is True
        assert learning.complete_module(worker, course, *mods["intro"]) is False  # no double pay
        attempt = learning.submit_quiz(worker, course, *mods["check"], _answers(mods["check"][1]))
    assert attempt.score == 100 and attempt.is_passed
    assert seen == [("module", "intro"), ("module", "check"), ("course", course.slug)]
    assert balance(get_account(worker)) == (Decimal("2.00"), 45)
    kinds = db.session.scalars(db.select(LedgerEntry.kind).order_by(LedgerEntry.id)).all()
    assert kinds == ["module", "module", "course"]
    assert learning.get_enrolment(worker, course).completed_at is not None
    assert db.session.scalar(db.select(db.func.count()).select_from(ActivityDay)) == 1


def test_course_is_not_complete_while_a_required_module_is_missing(make_user, make_course):
    worker = make_user("worker1")
    course = make_course(modules=(("a", "lesson", "1", 10), ("b", "lesson", "1", 10)))
    mods = _modules(course)
    learning.enrol(worker, course)
    learning.complete_module(worker, course, *mods["a"])
    assert learning.get_enrolment(worker, course).completed_at is None


def test_progress_needs_an_enrolment(make_user, make_course):
    worker = make_user("worker1")
    course = make_course()
    mods = _modules(course)
    with pytest.raises(learning.NotEnrolled):
        learning.complete_module(worker, course, *mods["intro"])
    with pytest.raises(learning.NotEnrolled):
        learning.submit_quiz(worker, course, *mods["check"], _answers(mods["check"][1]))
    assert get_account(worker) is None


def test_a_failed_quiz_pays_nothing_and_attempts_run_out(make_user, make_course):
    worker = make_user("worker1")
    course = make_course(max_attempts=2)
    module, revision = _modules(course)["check"]
    learning.enrol(worker, course)
    for _ in range(2):
        attempt = learning.submit_quiz(worker, course, module, revision, _answers(revision, right=False))
        assert attempt.score == 0 and not attempt.is_passed
    with pytest.raises(DomainError):
        learning.submit_quiz(worker, course, module, revision, _answers(revision))
    assert get_account(worker) is None or balance(get_account(worker)) == (Decimal("0.00"), 0)


def test_half_right_is_scored_on_the_server(make_user, make_course):
    worker = make_user("worker1")
    course = make_course(pass_mark=60)
    module, revision = _modules(course)["check"]
    learning.enrol(worker, course)
    answers = _answers(revision)
    multiple = revision.questions[1]
    answers[str(multiple.id)] = [str(multiple.choices[0].id)]  # only one of the two right ones
    attempt = learning.submit_quiz(worker, course, module, revision, answers)
    assert attempt.score == 50 and not attempt.is_passed


@pytest.mark.parametrize("tamper", ["other_question", "foreign_choice", "junk", "two_for_single", "missing"])
def test_tampered_answers_are_refused_and_nothing_is_written(make_user, make_course, tamper):
    worker = make_user("worker1")
    course = make_course()
    other = make_course("other-course")
    module, revision = _modules(course)["check"]
    foreign = _modules(other)["check"][1]
    learning.enrol(worker, course)
    answers = _answers(revision)
    first = revision.questions[0]
    if tamper == "other_question":  # a question of another quiz is not an answer to this one
        answers = {str(foreign.questions[0].id): [str(foreign.questions[0].choices[0].id)]}
    elif tamper == "foreign_choice":
        answers[str(first.id)] = [str(foreign.questions[0].choices[0].id)]
    elif tamper == "junk":
        answers[str(first.id)] = ["1 OR 1=1"]
    elif tamper == "two_for_single":
        answers[str(first.id)] = [str(c.id) for c in first.choices]
    elif tamper == "missing":
        del answers[str(first.id)]
    with pytest.raises(DomainError):
        learning.submit_quiz(worker, course, module, revision, answers)


@pytest.mark.parametrize("value", ["-1", "NaN", "inf", "1e309", "1_000", "１２", "abc", "", "90000"])
def test_absurd_video_positions_are_refused(value):
    with pytest.raises(DomainError):
        learning.parse_position(value)


def test_video_position_is_saved(make_user, make_course):
    worker = make_user("worker1")
    course = make_course(modules=(("clip", "video", "1", 10),))
    module, _revision = _modules(course)["clip"]
    learning.enrol(worker, course)
    assert learning.save_position(worker, course, module, "125.6").position_s == 125


def test_continue_learning_shows_where_i_left_off(make_user, make_course):
    worker = make_user("worker1")
    course = make_course()
    module, _revision = _modules(course)["check"]
    learning.enrol(worker, course)
    learning.open_module(worker, course, module)
    assert learning.continue_learning(worker) == [(course, "check")]


def test_suggestions_leave_out_courses_i_have_started(make_user, make_course):
    worker = make_user("worker1")
    started, fresh = make_course("started"), make_course("fresh")
    learning.enrol(worker, started)
    assert learning.suggestions(worker) == [fresh]


def test_suggestions_in_my_language_come_before_a_copy_for_my_trade_in_another(make_user, make_course):
    """A Chinese reader sees every suitable course in Chinese before the English copy of one for their trade."""
    worker = make_user("worker1")  # an electrician
    english = make_course("trade-en", title="Electrical safety", language="en", occupation="electrician")
    mine = make_course("trade-zh", title="电工安全", language="zh_CN", occupation="electrician")
    everyone = make_course("all-zh", title="劳动法入门", language="zh_CN", occupation="all")
    assert learning.suggestions(worker, language="zh_CN") == [mine, everyone, english]
    assert learning.suggestions(worker, language="en") == [english, mine, everyone]
