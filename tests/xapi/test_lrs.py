"""Statements reach a real LRS (Ralph) exactly once each, also when it was down for a while."""

import json
import os
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from config import TestConfig
from learnhub import create_app
from learnhub.accounts.models import User
from learnhub.catalog.models import Course
from learnhub.catalog.services import course_modules
from learnhub.core import tasks
from learnhub.core.db import utcnow
from learnhub.extensions import db
from learnhub.learning import services as learning
from learnhub.xapi import sending
from learnhub.xapi.models import XapiStatement
from tests.conftest import seed_one_module_course
from tests.jobworker import start_consumer
from tests.xapi.conftest import BASE, COURSE_MODULES, learn_whole_course, queued, verbs

ROOT = Path(__file__).resolve().parents[2]


def _point_at(app, monkeypatch, lrs):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", BASE)
    for name, value in lrs.config().items():
        monkeypatch.setitem(app.config, name, value)
    monkeypatch.setitem(app.config, "XAPI_BATCH", 5)  # several batches for one course


def _send_all(now=None):
    """What the task queue does minute after minute: batches until none is due."""
    total = 0
    while sent := sending.send_batch(now):
        total += sent
    return total


def _outbox():
    return db.session.scalar(select(func.count()).select_from(XapiStatement))


def _stored_ids(lrs, ids):
    """How many times the LRS stored each of `ids`."""
    return Counter(s["id"] for s in lrs.stored() if s["id"] in ids)


def test_a_workers_whole_course_reaches_the_lrs_exactly_once_each(app, monkeypatch, ralph, make_user, make_course):
    _point_at(app, monkeypatch, ralph)
    worker = make_user("lrs1", phone="13800138011")
    learn_whole_course(worker, make_course("lrs-course", modules=COURSE_MODULES))
    statements = queued()
    ids = {s["id"] for s in statements}
    assert len(ids) == len(statements) == 16

    assert _send_all() == 16
    assert _outbox() == 0
    assert _send_all() == 0  # nothing is sent twice
    assert _stored_ids(ralph, ids) == Counter({i: 1 for i in ids})

    # The LRS serves them as any of its clients asks: by id, and by the worker's account.
    status, page = ralph.get(statementId=statements[-1]["id"])
    [found] = page["statements"]  # Ralph answers a query by id as a list of one
    assert status == 200 and found["verb"]["id"] == "http://adlnet.gov/expapi/verbs/completed"
    assert found["object"]["id"] == f"{BASE}/courses/lrs-course"
    status, page = ralph.get(agent=json.dumps(statements[0]["actor"]), limit=100)
    assert status == 200
    assert sorted(verbs(page["statements"])) == sorted(verbs(statements))
    assert "13800138011" not in json.dumps(page)


def test_statements_queued_while_the_lrs_is_down_arrive_once_after_it_is_back(
    app, monkeypatch, ralph, make_user, make_course
):
    _point_at(app, monkeypatch, ralph)
    ralph.stop()
    try:
        worker = make_user("lrs2")
        learn_whole_course(worker, make_course("lrs-down", modules=COURSE_MODULES))
        ids = {s["id"] for s in queued()}
        now = utcnow()
        assert _send_all(now) == 0  # refused connection: the first batch waits, nothing is lost
        assert _outbox() == 16
        waiting = db.session.scalars(select(XapiStatement).where(XapiStatement.attempts > 0)).all()
        assert len(waiting) == 5 and all("unavailable" in row.last_error for row in waiting)
        for minute in range(1, 4):  # the next minutes try the next batches
            _send_all(now + timedelta(minutes=minute, seconds=-1))
        assert _outbox() == 16
    finally:
        ralph.start()

    later = now + timedelta(hours=2)  # every backoff has run out
    assert _send_all(later) == 16
    assert _outbox() == 0
    assert _stored_ids(ralph, ids) == Counter({i: 1 for i in ids})


def test_a_batch_sent_again_after_a_lost_answer_is_stored_once(app, monkeypatch, ralph, make_user, make_course):
    """A consumer killed after the LRS stored a batch, before it deleted the rows, sends the batch again."""
    _point_at(app, monkeypatch, ralph)
    worker = make_user("lrs3")
    learn_whole_course(worker, make_course("lrs-again", modules=COURSE_MODULES))
    rows = [(row.statement_id, row.statement) for row in db.session.scalars(select(XapiStatement))]
    assert _send_all() == 16
    # The rows come back as they were before the lost commit.
    for statement_id, statement in rows:
        db.session.add(XapiStatement(statement_id=statement_id, statement=statement, not_before_at=utcnow()))
    db.session.flush()
    assert _send_all() == 16  # the LRS says it has them all
    assert _outbox() == 0
    ids = {statement_id for statement_id, _statement in rows}
    assert _stored_ids(ralph, ids) == Counter({i: 1 for i in ids})


def test_a_statement_the_lrs_refuses_stays_for_someone_to_look_at_and_holds_up_no_other(
    app, monkeypatch, ralph, make_user, make_course, runner
):
    _point_at(app, monkeypatch, ralph)
    worker = make_user("lrs4")
    learning.enrol(worker, make_course("lrs-refused"))
    [good] = queued()
    broken = dict(good, id="8a0c3f1e-5b7d-4c2a-9e61-3f0d2b7c9a10", verb={"display": {"en-US": "no id"}})
    db.session.add(XapiStatement(statement_id=broken["id"], statement=broken, not_before_at=utcnow()))
    db.session.flush()

    assert _send_all() == 1  # the batch is refused whole; sent one by one, the good one goes
    [row] = db.session.scalars(select(XapiStatement)).all()
    assert row.statement_id == broken["id"] and row.status == "refused" and row.last_error.startswith("HTTP 4")
    assert _stored_ids(ralph, {good["id"], broken["id"]}) == Counter({good["id"]: 1})
    assert "queued: 0  refused: 1" in runner.invoke(args=["xapi", "status"]).output


@pytest.mark.own_database
def test_a_task_queue_consumer_sends_the_committed_statements(committed_app, ralph, tmp_path):
    """As deployed: the event commits its statements, a real consumer (`flask tasks worker`) sends them."""
    database_url = committed_app.config["SQLALCHEMY_DATABASE_URI"]
    queue_url = f"sqlite:///{tmp_path / 'tasks.sqlite3'}"
    seed_one_module_course(committed_app, "queued-xapi", ["xq1"])

    class QueueConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        TASK_QUEUE_URL = queue_url
        PUBLIC_BASE_URL = BASE
        XAPI_LRS_URL = ralph.url

    app = create_app(QueueConfig())
    with app.app_context():
        worker = db.session.scalar(select(User).where(User.username == "xq1"))
        course = db.session.scalar(select(Course).where(Course.slug == "queued-xapi"))
        learning.enrol(worker, course)
        module, revision = course_modules(course)[0]
        learning.complete_module(worker, course, module, revision)
        db.session.commit()
        ids = set(db.session.scalars(select(XapiStatement.statement_id)))
        assert len(ids) == 4  # registered, initialized, the lesson and the course completed
        tasks.enqueue(sending.send_statements)
        db.session.remove()

    env = dict(os.environ, FLASK_APP="wsgi", DATABASE_URL=database_url, TASK_QUEUE_URL=queue_url)
    env.update({name: str(value) for name, value in ralph.config().items()})
    consumer = start_consumer(env, output=True)
    try:
        deadline = time.monotonic() + 60
        left = len(ids)
        while time.monotonic() < deadline and left:
            time.sleep(0.3)
            with app.app_context():
                left = db.session.scalar(select(func.count()).select_from(XapiStatement))
                db.session.remove()
        assert left == 0, "the consumer did not send the outbox"
    finally:
        consumer.terminate()
        output = consumer.communicate(timeout=20)[0]
        with app.app_context():
            db.engine.dispose()
    assert consumer.returncode == 0, output
    assert _stored_ids(ralph, ids) == Counter({i: 1 for i in ids})
