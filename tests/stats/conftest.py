"""Helpers for the statistics tests: people who learn, and admins who look."""

import pytest

from learnhub.catalog.services import course_modules
from learnhub.learning import services as learning


def _answers(revision, right=True):
    answers = {}
    for question in revision.questions:
        wanted = [c.id for c in question.choices if c.is_correct == right]
        answers[str(question.id)] = [str(i) for i in (wanted if question.kind == "multiple" else wanted[:1])]
    return answers


@pytest.fixture
def learn():
    """learn(user, course, modules=None): enrol and do the first `modules` modules (all if None)."""

    def do(user, course, modules=None):
        learning.enrol(user, course)
        for index, (module, revision) in enumerate(course_modules(course)):
            if modules is not None and index >= modules:
                break
            if module.kind == "quiz":
                learning.submit_quiz(user, course, module, revision, _answers(revision))
            else:
                learning.complete_module(user, course, module, revision)

    return do


@pytest.fixture
def admin_of(make_user, auth):
    """admin_of(org): an admin of `org`, logged in."""
    counter = iter(range(1000))

    def make(org):
        username = f"admin-{next(counter)}"
        admin = make_user(username, role="admin", org=org, occupation=None)
        auth.login(username)
        return admin

    return make


@pytest.fixture
def drain():
    """drain(): what the task queue does every minute, until the outbox is empty."""
    from learnhub.stats.rollups import drain_outbox

    def do():
        while drain_outbox():
            pass

    return do
