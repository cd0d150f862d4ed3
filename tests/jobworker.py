"""A real job worker for the tests of jobs (core/jobs.py), killed half-way as a power cut would.

The tests that kill one (an export, a bulk onboarding, the two-server cluster) share the
same steps: start the task queue's consumer as its own process, read a job's state as a
page does, stop the bucket so that the job cannot finish before the kill lands, kill the
consumer, let "three minutes without a heartbeat" pass and requeue the job.
"""

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from sqlalchemy import update

from config import TestConfig
from learnhub import create_app
from learnhub.core import jobs
from learnhub.core.db import utcnow
from learnhub.core.storage import storage
from learnhub.extensions import db

ROOT = Path(__file__).resolve().parents[1]


_BUCKET = ("S3_BUCKET", "S3_ENDPOINT_URL", "S3_REGION", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY", "S3_PREFIX")


def consumer_env(committed_app, object_store, tmp_path, prefix):
    """What the app and its job consumers share: the test's database, a task queue in `tmp_path`,
    and the object store under `prefix`."""
    return dict(
        os.environ,
        FLASK_APP="wsgi",
        DATABASE_URL=committed_app.config["SQLALCHEMY_DATABASE_URI"],
        TASK_QUEUE_URL=f"sqlite:///{tmp_path / 'tasks.sqlite3'}",
        S3_PREFIX=prefix,
        **object_store.config("learnhub-test"),
    )


def app_of(env):
    """An app of the test's own over what `env` gives the processes: the database, the task
    queue and the bucket (made if need be). End it with `close_app`."""

    class Settings(TestConfig):
        SQLALCHEMY_DATABASE_URI = env["DATABASE_URL"]
        TASK_QUEUE_URL = env.get("TASK_QUEUE_URL") or env.get("REDIS_URL")
        TASK_QUEUE_NAME = env.get("TASK_QUEUE_NAME", "learnhub")

    for name in _BUCKET:
        setattr(Settings, name, env.get(name))
    app = create_app(Settings())
    with app.app_context():
        storage().ensure_bucket()
    return app


def close_app(app):
    """Close the app's connections to the bucket and the database."""
    with app.app_context():
        for client in app.extensions.get("learnhub_storage", {}).values():
            client.close()
        db.engine.dispose()


def start_consumer(env, output=False):
    """The job worker: `flask tasks worker`, as `make run` and production run it, with `env`;
    `output`: what it prints kept for `communicate()` (a test that shows it when it fails)."""
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "tasks", "worker", "--workers", "1", "--no-periodic"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE if output else subprocess.DEVNULL,
        stderr=subprocess.STDOUT if output else subprocess.DEVNULL,
        text=output,
    )


def job_state(app, job_id):
    """(state, progress, attempts, result_key), read as a page does (on SQLite: without
    waiting for the worker's write transaction)."""
    with app.test_request_context(method="GET"):
        job = db.session.get(jobs.Job, job_id)
        state = (job.state, job.progress, job.attempts, job.result_key)
        db.session.remove()
        return state


def wait_for(check, seconds=120):
    """Poll `check()` until it returns something true, and return that."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(0.02)
    raise AssertionError(f"still not so after {seconds}s")


def wait_for_state(app, job_id, states, seconds=120):
    """The job's state (as `job_state`) once it is one of `states`."""
    return wait_for(lambda: (state := job_state(app, job_id))[0] in states and state, seconds)


@contextmanager
def bucket_stopped(object_store):
    """The object store stops answering (SIGSTOP) for the block: a job then waits on its upload."""
    object_store.process.send_signal(signal.SIGSTOP)
    try:
        yield
    finally:
        object_store.process.send_signal(signal.SIGCONT)


def kill(consumer):
    """A second later, the machine loses power (SIGKILL): no handler runs, no rollback is sent."""
    time.sleep(1)
    consumer.send_signal(signal.SIGKILL)
    consumer.wait(timeout=20)


def stop(consumer):
    """End a consumer the test started, whatever it is doing."""
    if consumer.poll() is None:
        consumer.terminate()
        try:
            consumer.wait(timeout=30)
        except subprocess.TimeoutExpired:
            consumer.kill()
            consumer.wait()


def requeue_after_silence(app, job_id):
    """Three minutes pass without a heartbeat; the periodic check puts the job on the queue again."""
    with app.app_context():
        db.session.execute(
            update(jobs.Job).where(jobs.Job.id == job_id).values(heartbeat_at=utcnow() - timedelta(minutes=5))
        )
        assert jobs.requeue_stalled_jobs() == 1
        db.session.commit()
        db.session.remove()
