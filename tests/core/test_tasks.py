"""The task queue: a real consumer (`flask tasks worker`) runs what the app puts on the queue."""

import os
import time
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from config import TestConfig
from learnhub import create_app
from learnhub.core import tasks
from learnhub.extensions import db
from learnhub.stats.headcounts import count_everyone
from learnhub.stats.models import Headcount
from tests.conftest import seed_one_module_course
from tests.jobworker import start_consumer

ROOT = Path(__file__).resolve().parents[2]


def test_the_headcounts_are_counted_every_five_minutes(app):
    names = {task.name for task in tasks.queue(app).read_periodic(datetime(2026, 12, 2, 9, 5))}
    assert "learnhub.stats.headcounts.count_everyone" in names
    later = {task.name for task in tasks.queue(app).read_periodic(datetime(2026, 12, 2, 9, 7))}
    assert "learnhub.stats.headcounts.count_everyone" not in later
    assert "learnhub.core.jobs.requeue_stalled_jobs" in later  # every minute: a killed job's worker is noticed


@pytest.mark.own_database
def test_a_consumer_runs_a_queued_task_and_commits_its_work(committed_app, tmp_path):
    database_url = committed_app.config["SQLALCHEMY_DATABASE_URI"]
    queue_url = f"sqlite:///{tmp_path / 'tasks.sqlite3'}"
    seed_one_module_course(committed_app, "queued-course", ["w1", "w2"])

    class QueueConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        TASK_QUEUE_URL = queue_url

    app = create_app(QueueConfig())
    with app.app_context():
        tasks.enqueue(count_everyone)  # from a page that found a union not yet counted
        assert db.session.scalars(select(Headcount)).all() == []

    env = dict(os.environ, FLASK_APP="wsgi", DATABASE_URL=database_url, TASK_QUEUE_URL=queue_url)
    worker = start_consumer(env, output=True)
    try:
        deadline = time.monotonic() + 30
        counted = {}
        while time.monotonic() < deadline and not counted:
            time.sleep(0.2)
            with app.app_context():
                counted = {row.org_id: row.workers for row in db.session.scalars(select(Headcount))}
                db.session.remove()
        assert sorted(counted.values()) == [2, 2, 2], "the consumer did not count"
        with app.app_context():
            assert tasks.queue().pending_count() == 0
    finally:
        worker.terminate()
        output = worker.communicate(timeout=20)[0]
        with app.app_context():
            db.engine.dispose()
    assert worker.returncode == 0, output
