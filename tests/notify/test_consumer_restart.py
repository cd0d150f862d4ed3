"""A consumer stopped dead in the middle of a reminder run, and started again: nobody is told twice."""

import os
import signal
import subprocess
import sys
import time
import urllib.parse
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from config import TestConfig
from learnhub import create_app
from learnhub.accounts.models import User
from learnhub.catalog.models import Course
from learnhub.core import tasks
from learnhub.extensions import db
from learnhub.notify import sms
from learnhub.notify.models import Notification, SmsMessage
from learnhub.orgs.models import Org
from learnhub.stats import required
from learnhub.stats.models import RequiredCourse
from learnhub.stats.rollups import today
from tests.conftest import seed_one_module_course
from tests.notify.test_providers import FakeProvider

ROOT = Path(__file__).resolve().parents[2]
WORKERS = [f"w{n:02d}" for n in range(20)]


def _consumer(env):
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "tasks", "worker", "--workers", "1", "--no-periodic"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _wait(condition, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.own_database
def test_restarting_the_consumer_in_the_middle_of_a_reminder_run_sends_nothing_twice(committed_app, tmp_path):
    database_url = committed_app.config["SQLALCHEMY_DATABASE_URI"]
    queue_url = f"sqlite:///{tmp_path / 'tasks.sqlite3'}"
    seed_one_module_course(committed_app, "due-course", WORKERS)
    with committed_app.app_context():
        for n, user in enumerate(db.session.scalars(select(User).order_by(User.id))):
            user.phone = f"139{n:08d}"
        course = db.session.scalar(select(Course))
        national = db.session.scalar(select(Org).where(Org.parent_id.is_(None)))
        db.session.add(RequiredCourse(org_id=national.id, course_id=course.id, due_on=today() + timedelta(days=7)))
        db.session.commit()
        db.session.remove()

    provider = FakeProvider()
    provider.answer, provider.delay = {"Code": "OK", "BizId": "1"}, 0.3  # a provider that takes its time

    class QueueConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        TASK_QUEUE_URL = queue_url

    app = create_app(QueueConfig())
    env = dict(
        os.environ,
        FLASK_APP="wsgi",
        DATABASE_URL=database_url,
        TASK_QUEUE_URL=queue_url,
        SMS_BACKEND="aliyun",
        ALIYUN_SMS_ENDPOINT=provider.url,
        SMS_TEMPLATE_NOTICE="SMS_2",
        SMS_QUIET_HOURS="00:00-00:00",  # whatever the hour the suite runs at
        SMS_DAILY_CAP="10",
    )

    def received():
        return [dict(urllib.parse.parse_qsl(body.decode()))["PhoneNumbers"] for _headers, body in provider.requests]

    def rows(status):
        with app.app_context():
            count = db.session.scalar(select(func.count(SmsMessage.id)).where(SmsMessage.status == status))
            db.session.remove()
            return count

    with app.app_context():
        tasks.enqueue(required.tell_deadlines)  # the morning's run, as the schedule puts it on the queue
    consumer = _consumer(env)
    try:
        assert _wait(lambda: len(received()) >= 5), "the run did not start sending"
        consumer.send_signal(signal.SIGKILL)  # stopped dead, half-way through the run's messages
        consumer.communicate(timeout=20)
        assert rows("queued") > 0, "the run was over before the consumer stopped: the test proves nothing"
        with app.app_context():
            tasks.enqueue(required.tell_deadlines)  # and the run comes again (the afternoon's slot)
            # The minute's sweep, as the schedule puts it on the queue: it sends what the stopped
            # consumer had taken off the queue but not claimed.
            tasks.enqueue(sms.deliver_due)
        consumer = _consumer(env)
        finished = _wait(lambda: rows("queued") == 0 and len(received()) >= len(WORKERS) - 1, 90)
        time.sleep(1)  # anything still on its way would arrive now
    finally:
        consumer.terminate()
        output = consumer.communicate(timeout=20)[0]
        provider.close()
        with app.app_context():
            db.engine.dispose()  # before the database is dropped
    assert finished, f"the restarted consumer did not send the rest: {rows('queued')} queued\n{output[-3000:]}"
    phones = Counter(received())
    assert phones and max(phones.values()) == 1, f"sent twice: {phones.most_common(3)}\n{output[-2000:]}"
    with app.app_context():
        told = db.session.execute(select(Notification.user_id, func.count()).group_by(Notification.user_id)).all()
        assert sorted(count for _user, count in told) == [1] * len(WORKERS)
        statuses = Counter(db.session.scalars(select(SmsMessage.status)))
        # At most the one message in flight when the consumer died is left "sending" (never sent
        # again: deliver_due lists it as failed after ten minutes); every other one was sent once.
        assert statuses["sent"] >= len(WORKERS) - 1 and statuses["sending"] <= 1, statuses
        assert statuses["sent"] + statuses["sending"] == len(WORKERS)
        db.session.remove()
        db.engine.dispose()
