"""A real task worker killed (SIGKILL) in the middle of an export: the job still completes once."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from config import TestConfig
from learnhub import create_app
from learnhub.accounts.models import User
from learnhub.core import jobs
from learnhub.core.db import utcnow
from learnhub.core.storage import storage
from learnhub.extensions import db
from learnhub.orgs.models import Org
from tests.conftest import seed_one_module_course

ROOT = Path(__file__).resolve().parents[2]


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
        state = (job.state, job.attempts, job.result_key)
        db.session.remove()
        return state


def _wait(app, job_id, wanted, seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        state = _state(app, job_id)
        if state[0] in wanted:
            return state
        time.sleep(0.02)
    raise AssertionError(f"job {job_id} still {state} after {seconds}s")


@pytest.mark.own_database
def test_a_worker_killed_half_way_through_an_export_leaves_nothing_and_the_job_completes_once(
    committed_app, object_store, tmp_path
):
    from learnhub.stats.generate import generate_dataset

    database_url = committed_app.config["SQLALCHEMY_DATABASE_URI"]
    queue_url = f"sqlite:///{tmp_path / 'tasks.sqlite3'}"
    bucket = object_store.config("learnhub-test")
    prefix = f"killed-{os.getpid()}-{time.monotonic_ns()}"
    seed_one_module_course(committed_app, "killed-course", ["w1"])

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
        root = db.session.scalar(select(Org).where(Org.kind == "national"))
        generate_dataset(root, 10_000, months=2)  # enough rows that writing them takes a while
        admin = User(username="admin1", name="管理员", role="admin", org=root, password_hash="x")
        db.session.add(admin)
        db.session.flush()
        from learnhub.stats import exports
        from learnhub.stats.periods import make_period
        from learnhub.stats.rollups import today

        job = exports.start_export(admin, root, "workforce", "xlsx", make_period("month", today()))
        db.session.commit()
        jobs.enqueue_job(job)
        job_id = job.id
        db.session.remove()

    env = dict(os.environ, FLASK_APP="wsgi", DATABASE_URL=database_url, TASK_QUEUE_URL=queue_url, S3_PREFIX=prefix)
    env.update({name: value for name, value in bucket.items()})
    # The bucket stops answering, so the export cannot finish before it is killed, however fast
    # the machine: the worker writes its rows, then waits on the upload, still "running".
    object_store.process.send_signal(signal.SIGSTOP)
    first = _consumer(env)
    try:
        try:
            assert _wait(app, job_id, {"running", "done"})[0] == "running"
            time.sleep(1)  # well into the export
            first.send_signal(signal.SIGKILL)  # the machine lost power, half-way
            first.wait(timeout=20)
        finally:
            object_store.process.send_signal(signal.SIGCONT)
        state, attempts, key = _state(app, job_id)
        assert (state, attempts, key) == ("running", 1, None)
        with app.app_context():
            assert storage().keys("jobs/") == []  # nothing half-written
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
        state, attempts, key = _wait(app, job_id, {"done", "failed"})
        assert (state, attempts) == ("done", 2)
        with app.app_context():
            assert storage().keys("jobs/") == [key]  # one file, written once
            from io import BytesIO

            from openpyxl import load_workbook

            sheet = load_workbook(BytesIO(storage().get(key)), read_only=True).active
            workers = db.session.scalar(select(db.func.count()).select_from(User).where(User.role == "worker"))
            assert sum(1 for _row in sheet.iter_rows()) == workers + 1  # every worker, and the heading
            db.session.remove()
    finally:
        second.terminate()
        second.wait(timeout=30)
        with app.app_context():
            for client in app.extensions.get("learnhub_storage", {}).values():
                client.close()
            db.engine.dispose()
