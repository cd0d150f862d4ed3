"""What the studio's pages share: who may enter, the course being edited, the limits of a request."""

from flask import abort, request
from flask_login import current_user
from markupsafe import Markup

from learnhub.core.i18n import gettext as _
from learnhub.core.sanitize import TOO_DEEP
from learnhub.studio import services as studio
from learnhub.studio.forms import ActionForm

STUDIO = ("trainer", "admin")
# A pasted book is refused with a message beside the text, not with an error page: the
# editor's requests may be read whole (Chinese percent-encoded is 9 bytes a character).
EDITOR_REQUEST_BYTES = 16 * 1024 * 1024


def editor_limits(endpoint, _values):
    """Let the editor's requests be long; as a url_value_preprocessor it runs before CSRF reads the form."""
    if request.method == "POST" and endpoint in ("studio.module", "studio.live_preview"):
        request.max_content_length = EDITOR_REQUEST_BYTES
        request.max_form_memory_size = EDITOR_REQUEST_BYTES


def course_or_404(slug):
    """The course if the current user may edit it; 404 for everyone else."""
    return studio.get_course_for_editing(current_user, slug)


def check_form():
    if not ActionForm().validate_on_submit():
        abort(400)


def describe_removed(removed):
    """What the sanitiser took out, in a sentence for the trainer (None if nothing)."""
    if not removed:
        return None
    if TOO_DEEP in removed:
        return _("The text nested its elements too deeply; only its words were kept.")
    return _("Removed because lessons may not contain it: %(items)s", items=", ".join(sorted(removed)))


def preview_html(course, html):
    """A lesson's HTML for the studio: its media served from the studio, drafts included."""
    return Markup(html.replace(f'"/media/{course.slug}/', f'"/studio/{course.slug}/media/'))
