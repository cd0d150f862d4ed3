"""Studio fixtures: a trainer signed in, a studio course, media in a temporary folder."""

import pytest

from learnhub.extensions import db
from learnhub.studio import modules as authoring
from learnhub.studio import services as studio

DETAILS = {
    "title": "班组安全交底",
    "summary": "每天开工前怎样做安全交底。",
    "category": "safety",
    "occupation": "all",
    "target_level": "none",
    "language": "zh_CN",
    # No credits and (below, in studio_course) for the trainer's own union: published without
    # review. tests/studio/test_review.py is about the courses that need one.
    "credits": "0",
    "hours": "2",  # 90 minutes: two 学时 of 45
    "tags": "安全, 交底",
    "audience": "",
}


@pytest.fixture(autouse=True)
def _instance(app, tmp_path, monkeypatch):
    """Uploads and published media go to a temporary folder, not the developer's."""
    monkeypatch.setattr(app, "instance_path", str(tmp_path / "instance"))
    return tmp_path


@pytest.fixture(autouse=True)
def _english(app):
    """Services run outside a request speak English here, whatever the default language."""
    from learnhub.core.i18n import force_locale

    with force_locale("en"):
        yield


@pytest.fixture
def trainer(make_user, tree):
    return make_user("trainer1", role="trainer", org=tree.prov_a, name="周老师", locale="en")


@pytest.fixture
def studio_course(trainer):
    """studio_course(**details) -> a draft course of `trainer` with a lesson and a quiz."""

    def make(slug="shift-briefing", lesson="## 为什么\n\n交底让每个人知道今天的危险。", **details):
        course = studio.create_course(trainer, {**DETAILS, "audience": str(trainer.org_id), **details}, slug=slug)
        authoring.add_module(trainer, course, "lesson", "为什么要交底", key="why")
        authoring.save_lesson(
            trainer,
            course,
            "why",
            {"title": "为什么要交底", "minutes": "20", "credits": "0", "body": lesson, "is_required": "y"},
        )
        authoring.add_module(trainer, course, "quiz", "小测验", key="check")
        authoring.save_quiz_settings(
            trainer,
            course,
            "check",
            {
                "title": "小测验",
                "minutes": "10",
                "credits": "0",
                "pass_mark": "50",
                "attempts": "3",
                "is_required": "y",
            },
        )
        authoring.save_question(
            trainer,
            course,
            "check",
            None,
            "single",
            "交底在什么时候做？",
            [("开工前", True), ("下班后", False)],
            "开工前交底，才能防患于未然。",
        )
        authoring.save_question(
            trainer,
            course,
            "check",
            None,
            "multiple",
            "交底要讲哪些？",
            [("危险点", True), ("防护措施", True), ("午饭吃什么", False)],
            "危险点和防护措施都要讲。",
        )
        db.session.commit()  # as a request would: a view's rollback must not undo the set-up
        return course

    return make
