"""Quiz papers: each attempt asks the questions in its own order, and attempts are paced."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from learnhub.catalog.models import Choice, Question
from learnhub.catalog.services import course_modules
from learnhub.core.errors import DomainError
from learnhub.extensions import db
from learnhub.learning import services as learning
from learnhub.learning.models import QuizAttempt
from tests.conftest import quiz_answers


def _quiz(course):
    return {m.key: (m, r) for m, r in course_modules(course)}["check"]


def _more_questions(revision, count=6):
    """A quiz of eight questions, so that orders can differ in many ways."""
    for n in range(count):
        revision.questions.append(
            Question(
                position=10 + n,
                kind="single",
                text=f"附加题 {n}",
                explanation="说明",
                choices=[Choice(position=c, text=f"选项 {n}-{c}", is_correct=c == 0) for c in range(4)],
            )
        )
    db.session.flush()


def test_five_attempts_draw_five_papers_and_each_keeps_the_one_it_showed(client, auth, make_user, make_course):
    make_user("paper-worker")
    auth.login("paper-worker")
    course = make_course("papers", max_attempts=0)
    module, revision = _quiz(course)
    _more_questions(revision)
    auth.post("/courses/papers/enrol")
    orders = []
    for _attempt in range(5):
        page = client.get("/courses/papers/check").get_data(as_text=True)
        shown = [int(n) for n in re.findall(r'name="q(\d+)" value="\d+"', page)]
        shown = list(dict.fromkeys(shown))  # question ids in the order the page shows them
        choices = [int(n) for n in re.findall(r'name="q\d+" value="(\d+)"', page)]
        auth.post("/courses/papers/check/quiz", quiz_answers(revision, right=False))
        attempt = db.session.scalar(db.select(QuizAttempt).order_by(QuizAttempt.id.desc()))
        assert [question for question, _c in attempt.paper] == shown  # what was asked is what is kept
        assert [c for _q, ids in attempt.paper for c in ids] == choices
        orders.append(tuple(shown))
    assert len(set(orders)) == 5


@pytest.fixture
def paced(app, monkeypatch):
    """The deployment's pacing (the suite's configuration turns it off), and a clock to move."""
    saved = {k: app.config[k] for k in ("QUIZ_ATTEMPTS_PER_DAY", "QUIZ_COOLDOWN_MINUTES")}
    app.config.update(QUIZ_ATTEMPTS_PER_DAY=3, QUIZ_COOLDOWN_MINUTES=5)
    clock = {"now": datetime(2026, 12, 2, 1, 0, tzinfo=UTC)}  # 9:00 in Beijing
    monkeypatch.setattr(learning, "_now", lambda: clock["now"])
    yield clock
    app.config.update(saved)


def test_a_failed_attempt_waits_a_while_and_a_day_allows_three(paced, make_user, make_course):
    worker = make_user("paced-worker")
    course = make_course("paced", max_attempts=0)
    module, revision = _quiz(course)
    learning.enrol(worker, course)
    wrong = {str(q.id): [str(c.id) for c in q.choices if not c.is_correct][:1] for q in revision.questions}

    def attempt():
        return learning.submit_quiz(worker, course, module, revision, wrong)

    attempt()
    with pytest.raises(DomainError, match="5分钟后可以再做一次"):
        attempt()
    paced["now"] += timedelta(minutes=5)
    attempt()
    paced["now"] += timedelta(minutes=10)
    attempt()
    paced["now"] += timedelta(minutes=10)
    with pytest.raises(DomainError, match="3次机会已经用完"):
        attempt()
    paced["now"] += timedelta(hours=15)  # the next morning in Beijing
    assert attempt().is_passed is False


def test_a_quiz_passed_too_fast_is_flagged_for_the_union(app, make_user, make_course, monkeypatch):
    from learnhub.core.audit import AuditEvent

    clock = {"now": datetime(2026, 12, 2, 1, 0, tzinfo=UTC)}
    monkeypatch.setattr(learning, "_now", lambda: clock["now"])
    worker = make_user("quick-worker")
    course = make_course("quick")
    module, revision = _quiz(course)
    learning.enrol(worker, course)
    learning.open_module(worker, course, module)  # the quiz page's first heartbeat
    clock["now"] += timedelta(seconds=8)
    learning.open_module(worker, course, module)
    right = quiz_answers(revision)
    learning.submit_quiz(worker, course, module, revision, {k[1:]: v for k, v in right.items()})
    [event] = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "learning.quick_pass")).all()
    assert event.details["seconds"] == 8 and event.details["questions"] == 2
    assert event.org_path == worker.org.path  # the admins of the worker's union read it
