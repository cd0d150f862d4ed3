"""Media uploads, the studio's own media serving (drafts included), and package export."""

import io
import tempfile
import zipfile
from pathlib import Path

from flask import abort, current_app, flash, make_response, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from learnhub.core import jobs
from learnhub.core.errors import DomainError
from learnhub.core.forms import apply_error
from learnhub.core.i18n import gettext as _
from learnhub.core.permissions import role_required
from learnhub.core.storage import storage
from learnhub.extensions import db
from learnhub.studio import publishing, transcode
from learnhub.studio.forms import ActionForm, UploadForm
from learnhub.studio.media import course_uploads, get_upload, megabytes, size_limits, store_upload, upload_key
from learnhub.studio.views.common import STUDIO, check_form, course_or_404


def _render_media(course, form, status=200):
    limits = {kind: megabytes(size) for kind, size in size_limits().items()}
    return render_template(
        "studio/media.html",
        course=course,
        form=form,
        uploads=course_uploads(course),
        limits=limits,
        renditions=transcode.renditions_by_name(course),
        rendition_reason=transcode.reason_text,
        can_retry=transcode.can_retry,
        retry_form=ActionForm(formdata=None),  # only its CSRF token: the upload's body is not read here
    ), status


def _too_large(course):
    form = UploadForm(formdata=None)
    form.file.errors = [
        _(
            "The file is larger than %(max)s MB, the most the studio accepts.",
            max=megabytes(max(size_limits().values())),
        )
    ]
    return _render_media(course, form, 413)


def upload_limit(endpoint, values):
    """Let the upload form carry a video (a url_value_preprocessor, like common.editor_limits)."""
    # Videos are larger than any other form may be: this request alone may carry one. Set
    # before CSRF protection reads the form; a body announced as too large is not read at all.
    if request.method != "POST" or endpoint != "studio.media":
        return
    request.max_content_length = max(size_limits().values()) + 64 * 1024  # the form around the file
    if (request.content_length or 0) > request.max_content_length:
        if not current_user.is_authenticated or current_user.role not in STUDIO:
            abort(404)
        course = course_or_404(values.get("slug"))
        abort(make_response(*_too_large(course)))


@role_required(*STUDIO)
def media(slug):
    course = course_or_404(slug)
    if request.method == "GET":
        return _render_media(course, UploadForm())
    try:
        form = UploadForm()
        valid = form.validate_on_submit()
    except RequestEntityTooLarge:  # a body longer than it said it would be
        return _too_large(course)
    if not valid:
        return _render_media(course, form, 400)
    try:
        upload = store_upload(current_user, course, request.files.get(form.file.name))
    except DomainError as error:
        db.session.rollback()
        apply_error(form, error)
        return _render_media(course, form, 400)
    job = transcode.start_transcode(current_user, upload, upload_key(upload)) if upload.kind == "video" else None
    db.session.commit()
    if job is not None:
        jobs.enqueue_job(job)  # after the commit, so that the worker finds it
    flash(
        _("“%(name)s” is uploaded. Use it in a lesson as %(path)s.", name=upload.original_name, path=upload.path),
        "success",
    )
    if job is not None:
        flash(_("A smaller copy for phones is being made; this page shows when it is ready."), "info")
    return redirect(url_for("studio.media", slug=course.slug))


@role_required(*STUDIO)
def media_file(slug, name):
    """A course's upload for its editors, drafts included; 404 for everyone else."""
    course = course_or_404(slug)
    upload = get_upload(course, name)
    # Pictures and videos show in the page; a document downloads under its own name.
    response = storage().send(
        upload_key(upload),
        mimetype=upload.mime,
        as_attachment=upload.kind == "pdf",
        download_name=upload.original_name,
    )
    response.headers["Cache-Control"] = "private, no-cache"
    return response


def _rendition_or_404(course, name):
    rendition = transcode.renditions_by_name(course).get(get_upload(course, name).name)
    if rendition is None:
        abort(404)
    return rendition


@role_required(*STUDIO)
def rendition_file(slug, name, part):
    """A video's phone rendition or its poster, for the course's editors once it is ready."""
    course = course_or_404(slug)
    rendition = _rendition_or_404(course, name)
    if rendition.status != "ready":
        abort(404)
    key, mime = (rendition.video_key, "video/mp4") if part == "video" else (rendition.poster_key, "image/jpeg")
    try:
        response = storage().send(key, mimetype=mime)
    except FileNotFoundError:
        abort(404)
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@role_required(*STUDIO)
def transcode_again(slug, name):
    """Convert a video again whose conversion gave up (the bucket was away, the worker kept dying)."""
    course = course_or_404(slug)
    rendition = _rendition_or_404(course, name)
    check_form()
    try:
        job = transcode.retry(current_user, course, rendition)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("studio.media", slug=course.slug))
    db.session.commit()
    jobs.enqueue_job(job)
    flash(_("The video is being converted again."), "info")
    return redirect(url_for("studio.media", slug=course.slug))


@role_required(*STUDIO)
def export(slug):
    """The working copy as a course package (a zip of the courses/<slug>/ folder)."""
    course = course_or_404(slug)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / course.slug
        publishing.export_working_copy(course, folder)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    archive.write(path, path.relative_to(Path(tmp)).as_posix())
    buffer.seek(0)
    current_app.logger.info("course %s exported by user %s", course.slug, current_user.id)
    return send_file(buffer, mimetype="application/zip", as_attachment=True, download_name=f"{course.slug}.zip")
