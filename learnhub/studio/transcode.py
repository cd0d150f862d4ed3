"""Video for phones: each uploaded video gets a small H.264/AAC rendition and a poster, in the background.

An upload of a video records a waiting VideoRendition (catalog) and starts a job
(core/jobs.py, kind "video_transcode") that the view puts on the task queue after its commit.
The job downloads the original from storage, checks it with ffprobe, makes the rendition and
the poster with ffmpeg (core/video.py), stores both under a temporary key of its own
(transcode-tmp/<job>/), copies them beside the original (uploads/<stem>.480p.mp4 and
uploads/<stem>.poster.jpg) and deletes the temporary ones; only then is the rendition recorded
as ready, in the job's one final commit. A job killed on the way leaves the rendition waiting
and nothing recorded; its retry (core.jobs requeues it) clears what the dead one left under its
temporary key and starts over.

A file ffmpeg cannot read ends as "failed" with the reason, at once; anything else (the bucket
away, the disk full) is tried again, JOB_MAX_ATTEMPTS times in all.
"""

import tempfile
from pathlib import Path

import click
from flask import current_app
from sqlalchemy import select

from learnhub.accounts.models import User
from learnhub.catalog.models import VideoRendition
from learnhub.core import jobs, video
from learnhub.core.db import utcnow
from learnhub.core.errors import DomainError
from learnhub.core.i18n import gettext as _
from learnhub.core.i18n import lazy_gettext as _l
from learnhub.core.storage import storage
from learnhub.extensions import db

KIND = "video_transcode"
# Why a rendition failed, for the trainer.
REASONS = {
    "unreadable": _l("The video could not be read: the file is damaged or not a video. Save it again and upload it."),
    "gave_up": _l("Converting the video failed several times. Upload it again, or ask the site's administrator."),
}


def temporary_prefix(job_id):
    """Where a job keeps its files until both are whole."""
    return f"transcode-tmp/{job_id}/"


def rendition_keys(upload_key):
    """(rendition, poster) storage keys beside the original's `upload_key` (uploads/<stem>.<ext>)."""
    stem = upload_key.rsplit(".", 1)[0]
    return f"{stem}.480p.mp4", f"{stem}.poster.jpg"


def start_transcode(user, upload, source_key):
    """A waiting rendition of the uploaded video and its job; the caller commits, then `jobs.enqueue_job`."""
    rendition = db.session.scalar(
        select(VideoRendition).where(VideoRendition.course_id == upload.course_id, VideoRendition.name == upload.name)
    )
    if rendition is None:
        rendition = VideoRendition(course_id=upload.course_id, name=upload.name)
        db.session.add(rendition)
    rendition.source_key, rendition.source_size = source_key, upload.size
    rendition.status, rendition.reason = "waiting", ""
    db.session.flush()
    job = jobs.start_job(user, KIND, {"rendition": rendition.id})
    rendition.job_id = job.id
    db.session.flush()
    return job


def renditions_by_name(course):
    """{upload name: VideoRendition} of the course's videos, with their jobs."""
    from sqlalchemy.orm import selectinload

    found = db.session.scalars(
        select(VideoRendition).where(VideoRendition.course_id == course.id).options(selectinload(VideoRendition.job))
    )
    return {rendition.name: rendition for rendition in found}


def reason_text(rendition):
    """Why the rendition failed, in words for the trainer ('' when it did not)."""
    if rendition.state != "failed":
        return ""
    return str(REASONS.get(rendition.reason or "gave_up", REASONS["gave_up"]))


def can_retry(rendition):
    """Whether trying again may help: the job gave up (an unreadable file stays unreadable)."""
    return rendition.state == "failed" and rendition.status == "waiting"


def retry(user, course, rendition):
    """Start the failed rendition of `course` again (a new job); the caller commits and enqueues."""
    if rendition is None or rendition.course_id != course.id:
        raise DomainError(_("File not found."))
    if not can_retry(rendition):
        raise DomainError(_("This video cannot be converted again. Upload it again instead."))
    rendition.status, rendition.reason = "waiting", ""
    job = jobs.start_job(user, KIND, {"rendition": rendition.id})
    rendition.job_id = job.id
    db.session.flush()
    return job


def _clear(files, prefix):
    for key in files.keys(prefix):
        files.delete(key)


def run_transcode(job, report):
    """The job: make the rendition and poster, store them whole, record them (see the module's docstring)."""
    rendition = db.session.get(VideoRendition, (job.params or {}).get("rendition"))
    if rendition is None or rendition.status == "ready":
        return  # the video went, or an earlier run finished
    files = storage()
    prefix = temporary_prefix(job.id)
    _clear(files, prefix)  # what a run killed half-way left
    with tempfile.TemporaryDirectory(prefix="learnhub-transcode-") as folder:
        source, target, picture = Path(folder, "source"), Path(folder, "phone.mp4"), Path(folder, "poster.jpg")
        files.download(rendition.source_key, source)
        try:
            found = video.probe(source)
            video.transcode(source, target, duration=found.duration, progress=report)
            video.poster(source, picture, duration=found.duration)
            made = video.probe(target)
        except video.Unreadable as error:
            current_app.logger.info(
                "video %s of course %s is unreadable: %s", rendition.name, rendition.course_id, error
            )
            rendition.status, rendition.reason = "failed", "unreadable"
            return
        # Whole files under the job's own keys first, then beside the original; a run stopped
        # between the two leaves only temporary keys, which the next run clears.
        files.put_file(prefix + "phone.mp4", target, mime="video/mp4")
        files.put_file(prefix + "poster.jpg", picture, mime="image/jpeg")
        video_key, poster_key = rendition_keys(rendition.source_key)
        files.copy(prefix + "phone.mp4", video_key)
        files.copy(prefix + "poster.jpg", poster_key)
        _clear(files, prefix)
        size = target.stat().st_size
    rendition.status, rendition.reason = "ready", ""
    rendition.video_key, rendition.poster_key = video_key, poster_key
    rendition.width, rendition.height, rendition.size = made.width, made.height, size
    rendition.duration_ms = round(made.duration * 1000)
    rendition.ready_at = utcnow()
    # run_job commits the rendition with the job's "done"


def start_missing():
    """Start the conversion of every uploaded video that has none (uploaded before there were
    renditions); the caller commits, then enqueues the jobs returned."""
    from learnhub.catalog.models import Course
    from learnhub.studio.media import upload_key
    from learnhub.studio.models import Upload

    have = select(VideoRendition.id).where(
        VideoRendition.course_id == Upload.course_id, VideoRendition.name == Upload.name
    )
    found = db.session.execute(
        select(Upload, Course.owner_id)
        .join(Course, Course.id == Upload.course_id)
        .where(Upload.kind == "video", ~have.exists())
        .order_by(Upload.id)
    ).all()
    started = []
    for upload, course_owner in found:
        owner_id = upload.owner_id or course_owner
        owner = db.session.get(User, owner_id) if owner_id else None
        if owner is None:
            continue  # a job belongs to someone: nobody is left to own this one
        started.append(start_transcode(owner, upload, upload_key(upload)))
    return started


@click.command("transcode")
def transcode_command():
    """Convert for phones every uploaded video that has no phone version yet (safe to run again)."""
    started = start_missing()
    db.session.commit()
    for job in started:
        jobs.enqueue_job(job)
    click.echo(f"{len(started)} videos put on the task queue to be converted for phones.")


def init_app(app):
    """Register the job kind and `flask media transcode`."""
    from learnhub.core.storage import media_cli

    jobs.add_kind(app, KIND, run_transcode, label=_l("Video for phones"))
    media_cli.add_command(transcode_command)
