"""Study time as evidence: a module pays only once the evidence says it was studied, and what it pays."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from learnhub.catalog.services import course_modules
from learnhub.credits.models import LedgerEntry
from learnhub.extensions import db
from learnhub.learning import services as learning
from learnhub.learning import study
from learnhub.learning.models import Progress

START = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch):
    """The services' clock, set by the test: clock.at(minutes after START)."""

    class Clock:
        now = START

        def at(self, minutes):
            self.now = START + timedelta(minutes=minutes)

    clock = Clock()
    monkeypatch.setattr(learning, "_now", lambda: clock.now)
    return clock


@pytest.fixture
def rules(app):
    """The deployment's rules (the suite's configuration turns them off)."""
    saved = {k: app.config[k] for k in ("LESSON_READ_SHARE", "VIDEO_PLAYED_SHARE")}
    app.config.update(LESSON_READ_SHARE=0.6, VIDEO_PLAYED_SHARE=0.9)
    yield
    app.config.update(saved)


@pytest.fixture
def lesson_course(make_user, make_course):
    worker = make_user("reader")
    course = make_course("reading", modules=(("read", "lesson", "0.5", 20), ("clip", "video", "0.5", 10)))
    learning.enrol(worker, course)
    return worker, course, {m.key: (m, r) for m, r in course_modules(course)}


def _entries(worker):
    return db.session.scalars(db.select(LedgerEntry).order_by(LedgerEntry.id)).all()


def _heartbeats(worker, course, module, clock, minutes, every=0.5):
    """Heartbeats every `every` minutes for `minutes` minutes, from the clock's time on."""
    start = clock.now
    for step in range(int(minutes / every) + 1):
        clock.now = start + timedelta(minutes=step * every)
        learning.open_module(worker, course, module)


def test_a_lesson_finished_at_once_is_refused_with_how_long_to_read(rules, clock, lesson_course):
    worker, course, mods = lesson_course
    module, revision = mods["read"]
    learning.open_module(worker, course, module)  # the page's first heartbeat
    with pytest.raises(study.NotYet) as refused:
        learning.complete_module(worker, course, module, revision)
    assert "大约12分钟" in refused.value.message  # 60 % of 20 minutes, nothing read yet
    assert _entries(worker) == []


def test_a_lesson_read_long_enough_pays_the_lesser_of_declared_and_measured(rules, clock, lesson_course):
    worker, course, mods = lesson_course
    module, revision = mods["read"]
    _heartbeats(worker, course, module, clock, minutes=11)
    with pytest.raises(study.NotYet, match="大约1分钟"):
        learning.complete_module(worker, course, module, revision)
    clock.now += timedelta(minutes=20)  # away for twenty minutes: the next heartbeat counts one
    learning.open_module(worker, course, module)
    assert learning.complete_module(worker, course, module, revision) is True
    [entry] = _entries(worker)
    assert (entry.declared_minutes, entry.measured_minutes, entry.minutes) == (20, 12, 12)


def test_heartbeats_from_two_devices_count_the_time_once(rules, clock, lesson_course):
    worker, course, mods = lesson_course
    module, _revision = mods["read"]
    for second in range(0, 600, 15):  # a phone and a PC, each every 30 s, interleaved
        clock.now = START + timedelta(seconds=second)
        learning.open_module(worker, course, module)
    progress = db.session.scalar(db.select(Progress).where(Progress.module_id == module.id))
    assert progress.active_seconds == 585


def test_without_javascript_the_time_since_opening_counts_up_to_the_declared_time(
    app, rules, clock, lesson_course, make_user
):
    worker, course, mods = lesson_course
    module, revision = mods["read"]
    with app.test_request_context():
        opened = study.opening_token(worker, module)
        other = study.opening_token(make_user("someone-else"), module)
        elsewhere = study.opening_token(worker, mods["clip"][0])
    real_now = datetime.now(UTC)
    clock.now = real_now + timedelta(minutes=5)
    with app.test_request_context(), pytest.raises(study.NotYet):
        learning.complete_module(worker, course, module, revision, opened=opened)
    clock.now = real_now + timedelta(minutes=90)
    for forged in (other, elsewhere, opened[:-2] + "xx", "junk"):
        with app.test_request_context(), pytest.raises(study.NotYet):
            learning.complete_module(worker, course, module, revision, opened=forged)
    with app.test_request_context():
        assert learning.complete_module(worker, course, module, revision, opened=opened) is True
    [entry] = _entries(worker)
    assert (entry.measured_minutes, entry.minutes) == (20, 20)  # ninety minutes count as the twenty declared


def test_a_video_counts_what_was_played_not_where_it_was_dragged(rules, clock, lesson_course):
    worker, course, mods = lesson_course
    module, revision = mods["clip"]
    learning.save_position(worker, course, module, "590", played="0-5,588-590")  # dragged to the end
    with pytest.raises(study.NotYet, match="大约还要再看9分钟"):
        learning.complete_module(worker, course, module, revision)
    learning.save_position(worker, course, module, "300", played="0-300")
    learning.save_position(worker, course, module, "560", played="290-545.5")  # overlaps: counted once
    assert learning.complete_module(worker, course, module, revision) is True
    [entry] = _entries(worker)
    assert entry.measured_minutes == 9 and entry.minutes == 9  # 547 of 600 seconds played


@pytest.mark.parametrize("played", ["-5-10", "10-5", "0-999999999", "abc", "0-10;rm", "1e9-2e9", "0-10,"])
def test_forged_played_ranges_are_refused(lesson_course, played):
    worker, course, mods = lesson_course
    with pytest.raises(learning.DomainError):
        learning.save_position(worker, course, mods["clip"][0], "10", played=played)


def test_the_player_sends_its_study_time_and_says_how_long_is_left(app, client, auth, make_user, make_course):
    make_user("night-reader")
    auth.login("night-reader")
    make_course("night-course", modules=(("read", "lesson", "1", 20),))
    auth.post("/courses/night-course/enrol")
    page = client.get("/courses/night-course/read").get_data(as_text=True)
    opened = re.search(r'name="opened" value="([^"]+)"', page).group(1)
    app.config["LESSON_READ_SHARE"] = 0.6
    try:
        response = auth.post("/courses/night-course/read/done", {"opened": opened})
        # Back to the lesson, keeping the time already spent on it (the same note of its opening).
        assert response.status_code == 302 and response.location.endswith(f"/courses/night-course/read?opened={opened}")
        again = client.get(response.location).get_data(as_text=True)
        assert "还需要再学大约12分钟" in again and f'name="opened" value="{opened}"' in again
        assert _entries(None) == []
    finally:
        app.config["LESSON_READ_SHARE"] = 0


def test_the_record_shows_hours_declared_and_measured(app, client, auth, make_user, make_course, clock, rules):
    make_user("shift-worker")
    auth.login("shift-worker")
    make_course("shift-course", modules=(("read", "lesson", "1", 30),))
    auth.post("/courses/shift-course/enrol")
    for minute in range(0, 21):  # a heartbeat a minute (the cap), twenty minutes in all
        clock.at(minute)
        assert auth.post("/courses/shift-course/read/heartbeat").status_code == 204
    response = auth.post("/courses/shift-course/read/done")
    assert response.status_code == 302 and "/courses/shift-course" in response.location
    record = client.get("/me/record").get_data(as_text=True)
    assert "申报0.7学时，实测0.4学时，按较少的计。" in record  # 30 minutes declared, 20 measured (学时 of 45)


def test_the_heartbeat_of_a_page_that_stays_open_costs_two_statements(client, auth, make_user, make_course, clock):
    from tests.conftest import count_queries, csrf_token

    make_user("night-reader")
    auth.login("night-reader")
    make_course("beat-course", modules=(("read", "lesson", "1", 30),))
    auth.post("/courses/beat-course/enrol")
    clock.at(0)
    assert auth.post("/courses/beat-course/read/heartbeat").status_code == 204  # the page's opening
    form = {"csrf_token": csrf_token(client, "/privacy")}
    costs = []
    for beat in range(1, 21):  # ten minutes with the page open, a heartbeat every 30 s
        clock.now = START + timedelta(seconds=30 * beat)
        with count_queries() as statements:
            assert client.post("/courses/beat-course/read/heartbeat", data=form).status_code == 204
        costs.append(len(statements.selects()) + len(statements.writes()))
    assert max(costs) <= 2, costs  # the session's user, and one UPDATE
    progress = db.session.scalar(db.select(Progress))
    db.session.refresh(progress)
    assert progress.active_seconds == 600 and progress.last_seen_at == clock.now
    # Away for twenty minutes: the next heartbeat is an opening again, and counts at most a minute.
    clock.now += timedelta(minutes=20)
    assert auth.post("/courses/beat-course/read/heartbeat").status_code == 204
    db.session.refresh(progress)
    assert progress.active_seconds == 660
    # Nobody's heartbeat reaches a module that is not there, or one not enrolled in.
    assert auth.post("/courses/beat-course/nothing/heartbeat").status_code == 404
    assert auth.post("/courses/no-such-course/read/heartbeat").status_code == 404
    # Another site's page cannot beat for the worker: no token, or a forged one, and no time counts.
    clock.now += timedelta(seconds=30)
    for forged in ({}, {"csrf_token": "forged"}):
        assert client.post("/courses/beat-course/read/heartbeat", data=forged).status_code == 400
    db.session.refresh(progress)
    assert progress.active_seconds == 660


def test_a_page_open_past_midnight_counts_the_new_day_as_a_day_of_learning(client, auth, make_user, make_course, clock):
    from learnhub.learning.models import ActivityDay

    make_user("night-reader")
    auth.login("night-reader")
    make_course("beat-course", modules=(("read", "lesson", "1", 30),))
    auth.post("/courses/beat-course/enrol")
    midnight = datetime(2026, 12, 2, 16, 0, tzinfo=UTC)  # 00:00 on 3 December in Beijing
    for seconds in (-60, -30, 0, 30):
        clock.now = midnight + timedelta(seconds=seconds)
        assert auth.post("/courses/beat-course/read/heartbeat").status_code == 204
    days = sorted(str(day) for day in db.session.scalars(db.select(ActivityDay.day)))
    assert days == ["2026-12-02", "2026-12-03"]
    progress = db.session.scalar(db.select(Progress))
    db.session.refresh(progress)
    assert progress.active_seconds == 90
