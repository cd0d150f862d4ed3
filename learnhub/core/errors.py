"""Domain errors raised by services, and the error pages every user may meet."""

from flask import jsonify, render_template, request
from werkzeug.exceptions import HTTPException, SecurityError

from learnhub.core.i18n import gettext as _


class DomainError(Exception):
    """Something a user got wrong; the message is translated and safe to show them.

    `field` names the form field the message belongs to, when there is one.
    """

    def __init__(self, message, field=None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(Exception):
    """A record that does not exist, or that this user may not see (both look the same).

    Not a DomainError: no form shows it beside a field. Views let it through, and the one
    handler below answers with the 404 page (or JSON under /api/).
    """

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def is_api_request():
    """True for a call of the JSON API (/api/...): answered in JSON, never authenticated by a cookie."""
    return request.path.startswith("/api/")


def problem(status, title, detail, headers=None, **extra):
    """An RFC 9457 problem document (application/problem+json), for the API's errors."""
    body = {"type": "about:blank", "title": str(title), "status": status, "detail": str(detail), **extra}
    response = jsonify(body)
    response.status_code = status
    response.content_type = "application/problem+json"
    response.headers.extend(headers or {})
    return response


def _render(status, title, message):
    if is_api_request():
        return problem(status, title, message)
    if request.path == "/healthz":
        return jsonify({"error": title, "message": message}), status
    return render_template("core/error.html", status=status, title=title, message=message), status


def _too_many_fields(error):
    """Werkzeug says 413 when a form has more parts than MAX_FORM_PARTS, however small it is."""
    from flask import current_app

    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    return error.code == 413 and (request.content_length or 0) <= (limit or 0)


def handle_http(error):
    if isinstance(error, SecurityError):
        # A Host outside TRUSTED_HOSTS: the page cannot be drawn (its links would ask the Host again).
        return "Bad request: unknown host.", 400, {"Content-Type": "text/plain; charset=utf-8"}
    if _too_many_fields(error):
        return _render(400, _("Bad request"), _("The form has too many fields."))
    messages = {
        400: (_("Bad request"), _("The request could not be understood. Please go back and try again.")),
        403: (_("Not allowed"), _("You do not have permission to open this page.")),
        404: (_("Page not found"), _("This page does not exist, or you cannot see it.")),
        405: (_("Not allowed"), _("This address cannot be used that way.")),
        413: (
            _("Too large"),
            _("What you sent is too large. The limit is %(mb)s MB; please send a smaller file.", mb=_limit_mb()),
        ),
        429: (_("Too many attempts"), _("Too many attempts. Please wait a few minutes and try again.")),
    }
    title, message = messages.get(error.code, (error.name, _("Something went wrong.")))
    return _render(error.code or 500, title, message)


def _limit_mb():
    from flask import current_app

    size = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    return f"{size / 1024 / 1024:.0f}"


def handle_not_found(_error):
    return _render(404, _("Page not found"), _("This page does not exist, or you cannot see it."))


def handle_csrf(error):
    return _render(
        400,
        _("The form has expired"),
        _("For your security the form has expired. Please go back, reload the page and try again."),
    )


def handle_500(error):
    from learnhub.extensions import db

    db.session.rollback()
    return _render(
        500,
        _("Something went wrong"),
        _("Something went wrong on our side. It has been recorded; please try again in a moment."),
    )


def init_app(app):
    """Register the handlers for a domain NotFound, HTTP errors, CSRF failures and unexpected exceptions."""
    from flask_wtf.csrf import CSRFError

    app.register_error_handler(NotFound, handle_not_found)
    app.register_error_handler(CSRFError, handle_csrf)
    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(500, handle_500)
