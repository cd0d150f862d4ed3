"""Bulk onboarding as a job, run by a real task worker that is killed (SIGKILL) half-way: no
account is opened by the killed run, and the retry opens each account once, with one
activation SMS each and one handout with every initial password.
"""

import csv
import io
import os
import time

import pytest
from sqlalchemy import func, select

from learnhub.accounts.models import User
from learnhub.accounts.passwords import verify_password
from learnhub.core import jobs
from learnhub.core.storage import storage
from learnhub.extensions import db
from learnhub.notify.models import SmsMessage
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
    wait_for,
    wait_for_state,
)

ROWS = 2500  # enough that making their passwords takes seconds (1.5–4 ms each), more than one heartbeat


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
    prefix = f"onboarding-{os.getpid()}-{time.monotonic_ns()}"
    env = consumer_env(committed_app, object_store, tmp_path, prefix)
    seed_one_module_course(committed_app, "onboarding-course", ["w1"])
    app = app_of(env)
    with app.app_context():
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

    first = start_consumer(env)
    try:
        # Progress shows once the file is read and passwords are being made...
        wait_for(lambda: (state := job_state(app, job_id))[0] == "running" and state[1] > 0)
        # ...then the bucket stops answering, so the handout cannot be stored however fast
        # the machine: the worker opens the accounts in its transaction and waits, uncommitted.
        with bucket_stopped(object_store):
            kill(first)
        state, _progress, attempts, key = job_state(app, job_id)
        assert (state, attempts, key) == ("running", 1, None)
        assert _workers(app) == before  # no account opened by the killed run
        with app.app_context():
            assert storage().keys("jobs/") == []  # no handout either
        requeue_after_silence(app, job_id)
    finally:
        stop(first)
    second = start_consumer(env)
    try:
        state, _progress, attempts, key = wait_for_state(app, job_id, ("done", "failed"))
        assert (state, attempts) == ("done", 2)
        assert _workers(app) == before + ROWS
        with app.app_context():
            assert storage().keys("jobs/") == [key]  # one handout, written once
            wait_for(lambda: storage().keys("job-uploads/") == [])  # it goes just after the job's commit
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
        stop(second)
        close_app(app)
