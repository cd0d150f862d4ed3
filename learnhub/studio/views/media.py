"""Media uploads, the studio's own media serving (drafts included), and package export."""

import io
import tempfile
import zipfile
from pathlib import Path

from flask import abort, current_app, flash, make_response, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from learnhub.core.errors import DomainError
from learnhub.core.forms import apply_error
from learnhub.core.i18n import gettext as _
from learnhub.core.permissions import role_required
from learnhub.core.storage import storage
from learnhub.extensions import db
from learnhub.studio import publishing
from learnhub.studio.forms import UploadForm
from learnhub.studio.media import course_uploads, get_upload, megabytes, size_limits, store_upload, upload_key
from learnhub.studio.views.common import STUDIO, course_or_404


def _render_media(course, form, status=200):
    limits = {kind: megabytes(size) for kind, size in size_limits().items()}
    return render_template(
        "studio/media.html", course=course, form=form, uploads=course_uploads(course), limits=limits
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
    db.session.commit()
    flash(
        _("“%(name)s” is uploaded. Use it in a lesson as %(path)s.", name=upload.original_name, path=upload.path),
        "success",
    )
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
