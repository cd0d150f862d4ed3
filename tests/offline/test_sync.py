"""What a phone learnt offline counts when it syncs, under the rules of online study, once."""

import re
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from learnhub.catalog.services import course_modules
from learnhub.credits.models import LedgerEntry
from learnhub.extensions import db
from learnhub.learning import services as learning
from learnhub.learning.models import Progress, QuizAttempt
from learnhub.offline.models import SyncItem
from tests.conftest import quiz_answers


@pytest.fixture
def rules(app):
    """Lessons count after 60 % of their reading time, as deployed (the suite turns it off)."""
    saved = app.config["LESSON_READ_SHARE"]
    app.config["LESSON_READ_SHARE"] = 0.6
    yield
    app.config["LESSON_READ_SHARE"] = saved


@pytest.fixture
def phone(client, auth, make_user, make_course):
    """A worker enrolled in a course of a 10-minute lesson and a quiz, who downloaded its pages."""
    worker = make_user("worker1")
    course = make_course("offline-course", modules=(("read", "lesson", "0.5", 10), ("check", "quiz", "1", 10)))
    learning.enrol(worker, course)
    auth.login("worker1")
    return Phone(client, worker, course)


class Phone:
    """The pages as downloaded, and the queue a phone would send from them."""

    def __init__(self, client, worker, course):
        self.client, self.worker, self.course = client, worker, course
        self.downloaded_at = int(time.time() * 1000)
        self.pages = {
            key: client.get(f"/courses/{course.slug}/{key}").get_data(as_text=True) for key in ("read", "check")
        }

    def opened(self, key):
        return re.search(r'name="opened" value="([^"]+)"', self.pages[key]).group(1)

    def item(self, key, kind, seconds_after, **fields):
        """A queued item, `seconds_after` the download, as the service worker stores it."""
        fields = {"opened": [self.opened(key)], "revision": ["1"], **fields}
        return {
            "key": str(uuid.uuid4()),
            "path": f"/courses/{self.course.slug}/{key}/{kind}",
            "at": self.downloaded_at + seconds_after * 1000,
            "fields": fields,
        }

    def reading(self, key, minutes, start=0, every=30):
        """Heartbeats every `every` seconds for `minutes` minutes."""
        return [self.item(key, "heartbeat", start + s) for s in range(0, minutes * 60 + 1, every)]

    def sync(self, items, **headers):
        return self.client.post("/offline/sync", json={"items": items}, headers=headers)


@pytest.fixture
def later(monkeypatch):
    """The server's clock an hour after the download: the phone syncs when it is back online."""
    monkeypatch.setattr(learning, "_now", lambda: datetime.now(UTC) + timedelta(hours=1))


def _progress(phone, key):
    module = {m.key: m for m, _r in course_modules(phone.course)}[key]
    return db.session.scalar(
        select(Progress).where(Progress.user_id == phone.worker.id, Progress.module_id == module.id)
    )


def _ledger(phone):
    return db.session.scalar(select(func.count(LedgerEntry.id)))


def test_a_lesson_read_offline_counts_once_with_its_measured_time(rules, later, phone):
    items = [*phone.reading("read", minutes=7), phone.item("read", "done", 7 * 60 + 5)]
    answer = phone.sync(items).get_json()
    statuses = [o["status"] for o in answer["outcomes"]]
    assert statuses == ["counted"] * len(items)
    assert answer["summary"] == "1个单元已计入"
    progress = _progress(phone, "read")
    assert progress.completed_at is not None and progress.active_seconds == 7 * 60
    entry = db.session.scalar(select(LedgerEntry))
    assert entry.minutes == 7 and entry.measured_minutes == 7  # the lesser of declared (10) and measured

    # The same queue again (a retry, a second tab): nothing more is paid or counted.
    again = phone.sync(items).get_json()
    assert {o["status"] for o in again["outcomes"]} == {"already"}
    assert _ledger(phone) == 1 and _progress(phone, "read").active_seconds == 7 * 60
    assert db.session.scalar(select(func.count(SyncItem.id))) == len(items)


def test_offline_heartbeats_are_capped_as_online_and_too_little_reading_is_explained(rules, later, phone):
    # Three heartbeats ten minutes apart: each gap counts at most 60 s, as online.
    items = [phone.item("read", "heartbeat", s) for s in (0, 600, 1200)] + [phone.item("read", "done", 1201)]
    outcomes = phone.sync(items).get_json()["outcomes"]
    assert _progress(phone, "read").active_seconds == 120
    assert outcomes[-1]["status"] == "refused" and "大约4分钟" in outcomes[-1]["message"]
    assert _ledger(phone) == 0


def test_time_between_two_modules_counts_for_neither(rules, later, phone):
    # Reading, a look at the quiz, reading again: the minute at the quiz is not reading time.
    items = [
        phone.item("read", "heartbeat", 0),
        phone.item("check", "heartbeat", 30),
        phone.item("read", "heartbeat", 60),
    ]
    phone.sync(items)
    assert _progress(phone, "read").active_seconds == 0


def test_quiz_answers_made_offline_are_scored_when_the_phone_is_back(later, phone):
    quiz = {m.key: r for m, r in course_modules(phone.course)}["check"]
    answers = quiz_answers(quiz)
    answer = phone.sync([phone.item("check", "quiz", 120, **answers)]).get_json()
    assert answer["outcomes"][0]["status"] == "counted" and answer["outcomes"][0]["score"] == 100
    assert "测验得分100%" in answer["summary"]
    assert db.session.scalar(select(func.count(QuizAttempt.id))) == 1
    # The record says what was learnt offline.
    record = phone.client.get("/me/record").get_data(as_text=True)
    assert "离线学习记录" in record and "单元 check" in record and "测验得分100%" in record


def test_answers_that_do_not_fit_the_paper_now_drawn_are_explained(later, phone):
    quiz = {m.key: r for m, r in course_modules(phone.course)}["check"]
    answers = {"q999999": ["1"], **{f"q{q.id}": ["424242"] for q in quiz.questions}}
    outcome = phone.sync([phone.item("check", "quiz", 120, **answers)]).get_json()["outcomes"][0]
    assert outcome["status"] == "refused" and "试卷已更换" in outcome["message"]


BAD_TIMES = {
    "in the future": (10 * 3600, "将来"),
    "before the download": (-3600, "早于页面下载"),
}


@pytest.mark.parametrize("name", list(BAD_TIMES))
def test_implausible_times_are_refused_saying_why(later, phone, name):
    seconds, said = BAD_TIMES[name]
    outcome = phone.sync([phone.item("read", "heartbeat", seconds)]).get_json()["outcomes"][0]
    assert outcome["status"] == "refused" and said in outcome["message"]
    assert _progress(phone, "read") is None


def test_items_older_than_the_offline_days_are_refused(app, monkeypatch, phone):
    monkeypatch.setattr(learning, "_now", lambda: datetime.now(UTC) + timedelta(days=app.config["OFFLINE_DAYS"] + 1))
    outcome = phone.sync([phone.item("read", "heartbeat", 0)]).get_json()["outcomes"][0]
    assert outcome["status"] == "refused" and "天" in outcome["message"]


def test_a_module_revised_while_offline_is_explained_and_counts_nothing(later, phone):
    from learnhub.catalog.models import ModuleRevision

    module = {m.key: m for m, _r in course_modules(phone.course)}["read"]
    db.session.add(ModuleRevision(module_id=module.id, revision=2, title="新版课文", minutes=10))
    module.revision = 2
    db.session.flush()
    outcome = phone.sync([phone.item("read", "done", 60)]).get_json()["outcomes"][0]
    assert outcome["status"] == "refused" and "已更新" in outcome["message"] and "新版课文" in outcome["message"]
    assert _ledger(phone) == 0


def test_a_worker_sees_no_one_elses_offline_items(later, phone, make_user, auth):
    phone.sync([phone.item("read", "done", 60)])
    assert 'id="learnt-offline"' in phone.client.get("/me/record").get_data(as_text=True)
    make_user("worker2")
    auth.logout()
    auth.login("worker2")
    assert 'id="learnt-offline"' not in phone.client.get("/me/record").get_data(as_text=True)
