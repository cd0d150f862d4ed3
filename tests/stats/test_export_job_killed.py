"""A real task worker killed (SIGKILL) in the middle of an export: the job still completes once."""

import os
import time

import pytest
from sqlalchemy import select

from learnhub.accounts.models import User
from learnhub.core import jobs
from learnhub.core.storage import storage
from learnhub.extensions import db
from learnhub.orgs.models import Org
from tests.conftest import seed_one_module_course
from tests.jobworker import (
    app_of,
    bucket_stopped,
    close_app,
    consumer_env,
    job_state,
    kill,
    requeue_after_silence,
    start_consumer,
    stop,
    wait_for_state,
)


@pytest.mark.own_database
def test_a_worker_killed_half_way_through_an_export_leaves_nothing_and_the_job_completes_once(
    committed_app, object_store, tmp_path
):
    from learnhub.stats.generate import generate_dataset

    prefix = f"killed-{os.getpid()}-{time.monotonic_ns()}"
    env = consumer_env(committed_app, object_store, tmp_path, prefix)
    seed_one_module_course(committed_app, "killed-course", ["w1"])
    app = app_of(env)
    with app.app_context():
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

    # The bucket stops answering, so the export cannot finish before it is killed, however fast
    # the machine: the worker writes its rows, then waits on the upload, still "running".
    first = None
    try:
        with bucket_stopped(object_store):
            first = start_consumer(env)
            assert wait_for_state(app, job_id, ("running", "done"))[0] == "running"
            kill(first)  # well into the export, half-way
        state, _progress, attempts, key = job_state(app, job_id)
        assert (state, attempts, key) == ("running", 1, None)
        with app.app_context():
            assert storage().keys("jobs/") == []  # nothing half-written
        requeue_after_silence(app, job_id)
    finally:
        if first is not None:
            stop(first)
    second = start_consumer(env)
    try:
        state, _progress, attempts, key = wait_for_state(app, job_id, ("done", "failed"))
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
        stop(second)
        close_app(app)
