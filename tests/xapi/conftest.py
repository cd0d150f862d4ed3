"""Fixtures of the xAPI tests: a worker learning a whole course, and a real Ralph LRS."""

import os

import pytest

from learnhub.catalog.services import course_modules
from learnhub.extensions import db
from learnhub.learning import services as learning
from learnhub.xapi.models import XapiStatement

BASE = "https://learn.example.cn"


@pytest.fixture
def xapi_on(app, monkeypatch):
    """Statements are recorded (an LRS is configured; by default one where nothing listens)."""
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", BASE)
    monkeypatch.setitem(app.config, "XAPI_LRS_URL", "http://127.0.0.1:9/xAPI")
    return app


def answers_to(revision, right=True):
    """A quiz's answers as learning.submit_quiz takes them: all right or all wrong."""
    answers = {}
    for question in revision.questions:
        wanted = [c.id for c in question.choices if c.is_correct == right]
        answers[str(question.id)] = [str(i) for i in (wanted if question.kind == "multiple" else wanted[:1])]
    return answers


def learn_whole_course(worker, course):
    """Enrol, read the lesson, watch the video in two sittings, fail then pass the quiz: the course is done."""
    mods = {module.key: (module, revision) for module, revision in course_modules(course)}
    learning.enrol(worker, course)
    assert learning.complete_module(worker, course, *mods["intro"]) is True
    assert learning.complete_module(worker, course, *mods["intro"]) is False  # a second tap: nothing new
    learning.save_position(worker, course, mods["clip"][0], "300", played="0-300")
    learning.save_position(worker, course, mods["clip"][0], "300", played="0-300")  # nothing newly played
    learning.save_position(worker, course, mods["clip"][0], "600", played="250-600")
    assert learning.complete_module(worker, course, *mods["clip"]) is True
    learning.submit_quiz(worker, course, *mods["check"], answers_to(mods["check"][1], right=False))
    learning.submit_quiz(worker, course, *mods["check"], answers_to(mods["check"][1]))
    assert learning.get_enrolment(worker, course).completed_at is not None
    db.session.flush()


COURSE_MODULES = (("intro", "lesson", "0.5", 20), ("clip", "video", "0.5", 10), ("check", "quiz", "1", 10))


def queued():
    """The statements in the outbox, oldest first."""
    return [row.statement for row in db.session.scalars(db.select(XapiStatement).order_by(XapiStatement.id))]


def verbs(statements):
    return [s["verb"]["id"].rsplit("/", 1)[-1] for s in statements]


@pytest.fixture(scope="session")
def ralph(tmp_path_factory):
    """A real LRS for this run (Ralph, in its own virtualenv `.venv-ralph`), started on first use, stopped after."""
    from tests.lrs import RalphUnavailable, ensure_ralph, start_ralph

    try:
        executable = ensure_ralph()
    except RalphUnavailable as reason:
        if os.environ.get("CI"):
            pytest.fail(f"no Ralph LRS: {reason}")
        pytest.skip(f"no Ralph LRS: {reason}")
    server = start_ralph(executable, tmp_path_factory.mktemp("ralph"))
    yield server
    server.stop()
