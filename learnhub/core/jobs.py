"""Jobs: heavy work a person starts, run by the task queue, with progress and a download.

A feature registers a kind of job in its `init_app`:

    jobs.add_kind(app, "stats_export", run_export, label=_l("Statistics export"))

and a view starts one with `jobs.start_job(user, "stats_export", params)`, commits, then
`jobs.enqueue_job(job)`, and sends the person to `/jobs/<id>`. That page refreshes itself
(a meta refresh: it works with JavaScript off) while the job waits or runs, and shows a
download link once it is done; the file expires after JOB_RESULT_HOURS.

A runner is `run(job, report) -> (file name, mime type, path of a finished temporary file)`; it
calls `report(done, total)` now and then. A runner whose work keeps its results itself (a video's
phone rendition, studio/transcode.py) returns None: the job then has no file to download. Only once the runner returned is the file put into
storage (core.storage, under jobs/<id>/) and the job marked done, in one commit: a job
stopped half-way leaves no file and no "done". A runner that raises is retried by the task
queue; a worker killed outright is noticed by `requeue_stalled_jobs` (every minute), which
puts a job whose heartbeat stopped back on the queue, up to JOB_MAX_ATTEMPTS times.

A runner that writes rows (bulk onboarding opens accounts) keeps them in the session until it
returns. `report` commits the job's heartbeat, so such a runner reports only before it adds
its rows, never after (they would be committed half-way); `run_job`'s commit at the end
writes the rows, the file's key and "done" together.

More for a kind that needs it:
- A job may start from a file the person uploaded (`start_job(..., upload=data)`): it is kept in
  storage until the job has ended, and the runner reads it with `uploaded(job)`.
- A runner may set `job.report` (a dict: rows it refused and why) and register a `template`
  that shows it on the job's page once the job is done.
- A runner that raises DomainError (the file is not what it should be, the person may no
  longer do it) ends the job at once, without retries, and the page shows the message.
"""

import time
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, select
from sqlalchemy.orm import Mapped, mapped_column

from learnhub.core import tasks
from learnhub.core.db import UTCDateTime, utcnow
from learnhub.core.errors import DomainError, NotFound
from learnhub.core.i18n import gettext as _
from learnhub.core.storage import storage
from learnhub.extensions import db

_KEY = "learnhub_jobs"
STATES = ("queued", "running", "done", "failed")
HEARTBEAT_SECONDS = 2  # how often progress is written, at most
STALLED_AFTER = timedelta(minutes=3)  # no heartbeat for this long: the worker is gone
LOST_AFTER = timedelta(minutes=30)  # queued this long and never started: put it on the queue again


class Job(db.Model):
    """One run of heavy work for one person: its state, progress and finished file."""

    __tablename__ = "job"
    __table_args__ = (
        CheckConstraint("state IN ('queued', 'running', 'done', 'failed')", name="state"),
        CheckConstraint("progress BETWEEN 0 AND 100", name="progress"),
        Index("ix_job_owner_created", "owner_id", "created_at"),
        Index("ix_job_state_heartbeat", "state", "heartbeat_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    kind: Mapped[str] = mapped_column(String(40))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(12), default="queued")
    progress: Mapped[int] = mapped_column(default=0)
    attempts: Mapped[int] = mapped_column(default=0)
    result_key: Mapped[str | None] = mapped_column(String(200))
    result_name: Mapped[str] = mapped_column(String(200), default="")
    result_mime: Mapped[str] = mapped_column(String(100), default="")
    error: Mapped[str] = mapped_column(String(500), default="")
    # What the runner tells its owner besides the file (rows it refused and why), or
    # {"refused": message} when it ended on a DomainError.
    report: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def is_expired(self):
        return self.state == "done" and self.expires_at is not None and self.expires_at <= utcnow()

    @property
    def is_waiting(self):
        return self.state in ("queued", "running")


def add_kind(app, kind, run, *, label, template=None):
    """Register a kind of job: `run(job, report)` makes its file (see the module's docstring);
    `template`, if given, shows the job's `report` on its page once it is done."""
    app.extensions.setdefault(_KEY, {})[kind] = (run, label, template)


def kind_label(job):
    """What kind of work the job is, for people."""
    return current_app.extensions[_KEY][job.kind][1]


def kind_template(job):
    """The template that shows the job's report, or None."""
    return current_app.extensions[_KEY][job.kind][2]


def _upload_key(job_id):
    return f"job-uploads/{job_id}"


def start_job(user, kind, params, upload=None):
    """A queued job of `kind` for `user`; the caller commits, then calls `enqueue_job`.

    `upload`: the bytes of a file the job starts from, kept in storage until the job ends.
    """
    if kind not in current_app.extensions.get(_KEY, {}):
        raise ValueError(f"no such kind of job: {kind}")
    now = utcnow()
    job = Job(owner_id=user.id, kind=kind, params=params, state="queued", created_at=now, heartbeat_at=now)
    db.session.add(job)
    db.session.flush()
    if upload is not None:
        storage().put(_upload_key(job.id), upload)
    return job


def uploaded(job):
    """The bytes of the file the job was started with."""
    try:
        return storage().get(_upload_key(job.id))
    except FileNotFoundError:
        raise DomainError(_("The uploaded file is no longer there. Upload it again.")) from None


def _forget_upload(job_id):
    """Delete the job's uploaded file once the job has ended (it may hold phone numbers)."""
    try:
        storage().delete(_upload_key(job_id))
    except Exception:  # the job's outcome is committed; a file left behind is only logged
        current_app.logger.exception("the upload of job %s could not be deleted", job_id)


def enqueue_job(job):
    """Put the job on the task queue (after the commit that made it visible to workers)."""
    tasks.enqueue(run_job, job.id)


def get_job_for(user, job_id):
    """The job if `user` started it; NotFound for anyone else's, as for one that does not exist."""
    job = db.session.get(Job, job_id)
    if job is None or job.owner_id != user.id:
        raise NotFound(_("This job does not exist, or it is not yours."))
    return job


def my_jobs(user, kind=None, limit=10):
    """The person's latest jobs (of `kind`, if given), newest first."""
    stmt = select(Job).where(Job.owner_id == user.id)
    if kind is not None:
        stmt = stmt.where(Job.kind == kind)
    return db.session.scalars(stmt.order_by(Job.created_at.desc(), Job.id.desc()).limit(limit)).all()


def _heartbeat(job):
    job.heartbeat_at = utcnow()
    db.session.commit()  # visible to the page while the job runs


def run_job(job_id):
    """The task: run one job to its end, idempotently (a done or failed job is left alone)."""
    job = db.session.get(Job, job_id)
    if job is None or job.state in ("done", "failed"):
        return
    run = current_app.extensions[_KEY][job.kind][0]
    job.state, job.progress, job.error, job.report = "running", 0, "", {}
    job.attempts += 1
    _heartbeat(job)
    last = time.monotonic()

    def report(done, total):
        nonlocal last
        if time.monotonic() - last < HEARTBEAT_SECONDS:
            return
        last = time.monotonic()
        job.progress = min(99, int(done * 100 / total)) if total else 0
        _heartbeat(job)

    path = key = None
    try:
        made = run(job, report)
        if made is not None:  # work that keeps its own results (a video's rendition) makes no file
            name, mime, path = made
            key = f"jobs/{job.id}/{name}"
            storage().put_file(key, path, mime=mime)  # whole or not at all; a retry overwrites it
    except DomainError as error:  # no retry will do better: the job ends, and says why
        db.session.rollback()
        job = db.session.get(Job, job_id)
        job.state, job.error, job.report = "failed", error.message[:500], {"refused": error.message}
        job.finished_at = utcnow()
        db.session.commit()
        _forget_upload(job_id)
        return
    except Exception as error:
        db.session.rollback()
        job = db.session.get(Job, job_id)
        final = job.attempts >= current_app.config["JOB_MAX_ATTEMPTS"]
        job.state = "failed" if final else "queued"
        job.error = str(error)[:500]
        db.session.commit()
        if final:
            current_app.logger.exception("job %s failed for good", job_id)
            _forget_upload(job_id)
            return
        raise  # the task queue tries again
    finally:
        if path is not None:
            Path(path).unlink(missing_ok=True)
    now = utcnow()
    job.state, job.progress = "done", 100
    job.finished_at, job.heartbeat_at = now, now
    if key is not None:
        job.result_key, job.result_name, job.result_mime = key, name, mime
        job.expires_at = now + timedelta(hours=current_app.config["JOB_RESULT_HOURS"])
    db.session.commit()  # the runner's rows and "done" together; then the upload can go
    _forget_upload(job_id)


def requeue_stalled_jobs():
    """Put back on the queue the jobs whose worker stopped without a word (killed, lost power)."""
    now = utcnow()
    stalled = db.session.scalars(
        select(Job).where(
            ((Job.state == "running") & (Job.heartbeat_at < now - STALLED_AFTER))
            # queued but never picked up: the queue lost it (a Redis restart), or it waits that long
            | ((Job.state == "queued") & (Job.heartbeat_at < now - LOST_AFTER))
        )
    ).all()
    for job in stalled:
        if job.attempts >= current_app.config["JOB_MAX_ATTEMPTS"]:
            job.state, job.error = "failed", job.error or "stopped"
            _forget_upload(job.id)
            continue
        job.state, job.heartbeat_at = "queued", utcnow()
        db.session.flush()
        enqueue_job(job)
    db.session.flush()
    return len(stalled)


def remove_expired_results():
    """Delete the files of jobs whose download expired."""
    files = storage()
    expired = db.session.scalars(
        select(Job).where(Job.state == "done", Job.result_key.is_not(None), Job.expires_at <= utcnow())
    ).all()
    for job in expired:
        files.delete(job.result_key)
        job.result_key = None
    db.session.flush()
    return len(expired)


def _check_result(job):
    if job.state != "done" or job.is_expired or not job.result_key:
        raise NotFound(_("This download has expired. Start the job again."))


def result_bytes(job):
    """The bytes of the job's file, for a page that shows it; NotFound once it expired."""
    _check_result(job)
    try:
        return storage().get(job.result_key)
    except FileNotFoundError:
        raise NotFound(_("This download has expired. Start the job again.")) from None


def send_result(job):
    """The job's file as a download; NotFound once it expired."""
    _check_result(job)
    try:
        return storage().send(
            job.result_key, mimetype=job.result_mime, download_name=job.result_name, as_attachment=True
        )
    except FileNotFoundError:
        raise NotFound(_("This download has expired. Start the job again.")) from None


def init_app(app):
    """The job tasks: running jobs, and every minute the stalled and expired ones."""
    from huey import crontab

    tasks.add_task(app, run_job, retries=2, retry_delay=10)
    tasks.add_task(app, requeue_stalled_jobs, schedule=crontab(minute="*"))
    tasks.add_task(app, remove_expired_results, schedule=crontab(minute="*/10"))
