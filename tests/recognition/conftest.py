"""Fixtures of the credit bank: a signing key of the test's own, pathways, finished courses."""

import pytest

from learnhub.demo import finish_course
from learnhub.extensions import db


@pytest.fixture(autouse=True)
def _signing_key(app, tmp_path, monkeypatch):
    """Each test signs with a fresh key in a temporary folder, never in instance/."""
    monkeypatch.setitem(app.config, "CREDENTIAL_KEY_PATH", str(tmp_path / "signing-key.pem"))
    monkeypatch.setitem(app.config, "CREDENTIAL_KEY", None)
    app.extensions.pop("recognition_signing_key", None)
    yield
    app.extensions.pop("recognition_signing_key", None)


@pytest.fixture
def finish():
    """finish(user, course): enrol and complete every module, passing quizzes."""

    def run(user, course):
        finish_course(user, course)
        db.session.flush()

    return run


@pytest.fixture
def make_pathway(tree, safety_course):
    """make_pathway(org=tree.national, code=None, **rule fields) -> PathwayVersion.

    By default: academic credit, 2 credits of “电工安全技术” at 滨江职业技术学院, requiring the
    course `safety-a` and 1 credit in work safety.
    """
    from learnhub.recognition.pathways import load_pathway

    counter = iter(range(1, 1000))

    def make(org=None, code=None, **fields):
        fields.setdefault("title", "电工安全学分转换")
        fields.setdefault("target_kind", "academic")
        fields.setdefault("institution", "滨江职业技术学院")
        fields.setdefault("programme", "电气自动化技术专业")
        fields.setdefault("course_name", "电工安全技术")
        fields.setdefault("target_credits", "2")
        fields.setdefault("required_courses", "safety-a")
        fields.setdefault("min_credits", "1")
        fields.setdefault("categories", ["safety"])
        return load_pathway(code or f"test-{next(counter)}", org or tree.national, **fields)

    return make


@pytest.fixture
def safety_course(make_course):
    """A published work-safety course worth 1.5 credits and 30 minutes (a lesson and a quiz)."""
    return make_course(
        "safety-a",
        modules=(("intro", "lesson", "0.5", 20), ("check", "quiz", "1", 10)),
        category="safety",
        occupation="electrician",
    )
