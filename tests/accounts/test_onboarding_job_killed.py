"""Bulk onboarding as a job, run by a real task worker that is killed (SIGKILL) half-way: no
account is opened by the killed run, and the retry opens each account once, with one
activation SMS each and one handout with every initial password.
"""

import csv
import io
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from config import TestConfig
from learnhub import create_app
from learnhub.accounts.models import User
from learnhub.accounts.passwords import verify_password
from learnhub.core import jobs
from learnhub.core.db import utcnow
from learnhub.core.storage import storage
from learnhub.extensions import db
from learnhub.notify.models import SmsMessage
from learnhub.orgs.models import Org
from tests.conftest import seed_one_module_course

ROOT = Path(__file__).resolve().parents[2]
ROWS = 2500  # enough that making their passwords takes seconds (1.5–4 ms each), more than one heartbeat


def _consumer(env):
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "tasks", "worker", "--workers", "1", "--no-periodic"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _state(app, job_id):
    # Read as a page does (on SQLite: without waiting for the worker's write transaction).
    with app.test_request_context(method="GET"):
        job = db.session.get(jobs.Job, job_id)
        state = (job.state, job.progress, job.attempts, job.result_key)
        db.session.remove()
        return state


def _wait(app, job_id, done, seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        state = _state(app, job_id)
        if done(state):
            return state
        time.sleep(0.02)
    raise AssertionError(f"job {job_id} still {state} after {seconds}s")


def _workers(app):
    with app.test_request_context(method="GET"):
        count = db.session.scalar(select(func.count(User.id)).where(User.role == "worker"))
        db.session.remove()
        return count


def _sheet():
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["姓名", "手机号", "工会", "工种"])
    for number in range(ROWS):
        # Names of letters only: two Han characters picked by the row's number.
        name = "张" + chr(0x4E00 + number // 100) + chr(0x4E00 + number % 100)
        writer.writerow([name, f"139{number:08d}", "厂工会", "welder"])
    return out.getvalue().encode("utf-8")


@pytest.mark.own_database
def test_a_worker_killed_half_way_through_a_bulk_onboarding_opens_nothing_and_the_retry_opens_each_once(
    committed_app, object_store, tmp_path
):
    database_url = committed_app.config["SQLALCHEMY_DATABASE_URI"]
    queue_url = f"sqlite:///{tmp_path / 'tasks.sqlite3'}"
    bucket = object_store.config("learnhub-test")
    prefix = f"onboarding-{os.getpid()}-{time.monotonic_ns()}"
    seed_one_module_course(committed_app, "onboarding-course", ["w1"])

    class Settings(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        TASK_QUEUE_URL = queue_url
        S3_BUCKET = bucket["S3_BUCKET"]
        S3_ENDPOINT_URL = bucket["S3_ENDPOINT_URL"]
        S3_ACCESS_KEY_ID = bucket["S3_ACCESS_KEY_ID"]
        S3_SECRET_ACCESS_KEY = bucket["S3_SECRET_ACCESS_KEY"]
        S3_PREFIX = prefix

    app = create_app(Settings())
    with app.app_context():
        storage().ensure_bucket()
        province = db.session.scalar(select(Org).where(Org.kind == "province"))
        admin = User(username="admin1", name="管理员", role="admin", org=province, password_hash="x")
        db.session.add(admin)
        db.session.flush()
        from learnhub.accounts import onboarding

        job = onboarding.start_import_job(admin, "名单.csv", _sheet(), base_url="https://learn.example.cn/")
        db.session.commit()
        jobs.enqueue_job(job)
        job_id = job.id
        db.session.remove()
    before = _workers(app)

    env = dict(os.environ, FLASK_APP="wsgi", DATABASE_URL=database_url, TASK_QUEUE_URL=queue_url, S3_PREFIX=prefix)
    env.update({name: value for name, value in bucket.items()})
    first = _consumer(env)
    try:
        # Progress shows once the file is read and passwords are being made...
        _wait(app, job_id, lambda state: state[0] == "running" and state[1] > 0)
        # ...then the bucket stops answering, so the handout cannot be stored however fast
        # the machine: the worker opens the accounts in its transaction and waits, uncommitted.
        object_store.process.send_signal(signal.SIGSTOP)
        try:
            time.sleep(1)
            first.send_signal(signal.SIGKILL)  # the machine lost power, half-way
            first.wait(timeout=20)
        finally:
            object_store.process.send_signal(signal.SIGCONT)
        state, _progress, attempts, key = _state(app, job_id)
        assert (state, attempts, key) == ("running", 1, None)
        assert _workers(app) == before  # no account opened by the killed run
        with app.app_context():
            assert storage().keys("jobs/") == []  # no handout either
            # Three minutes pass without a heartbeat; the periodic check finds the job.
            db.session.execute(
                update(jobs.Job).where(jobs.Job.id == job_id).values(heartbeat_at=utcnow() - timedelta(minutes=5))
            )
            assert jobs.requeue_stalled_jobs() == 1
            db.session.commit()
            db.session.remove()
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    second = _consumer(env)
    try:
        state, _progress, attempts, key = _wait(app, job_id, lambda state: state[0] in ("done", "failed"))
        assert (state, attempts) == ("done", 2)
        assert _workers(app) == before + ROWS
        with app.app_context():
            assert storage().keys("jobs/") == [key]  # one handout, written once
            # The uploaded list goes just after the job's commit.
            deadline = time.monotonic() + 30
            while storage().keys("job-uploads/") and time.monotonic() < deadline:
                time.sleep(0.05)
            assert storage().keys("job-uploads/") == []
            rows = list(csv.reader(io.StringIO(storage().get(key).decode("utf-8-sig"))))[1:]
            assert len(rows) == ROWS and len({row[1] for row in rows}) == ROWS
            name, phone, _username, _union, password = rows[-1]
            user = db.session.scalar(select(User).where(User.phone == phone))
            assert user.name == name and user.must_change_password
            assert verify_password(user.password_hash, password)
            texts = db.session.scalars(select(SmsMessage.text).where(SmsMessage.template == "activation")).all()
            assert len(texts) == ROWS  # one activation link each, not one per run
            assert all("https://learn.example.cn/activate/" in text for text in texts)
            job = db.session.get(jobs.Job, job_id)
            assert job.report["opened"] == ROWS and job.report["errors"] == []
            db.session.remove()
    finally:
        second.terminate()
        second.wait(timeout=30)
        with app.app_context():
            for client in app.extensions.get("learnhub_storage", {}).values():
                client.close()
            db.engine.dispose()
