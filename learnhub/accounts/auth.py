"""Flask-Login wiring: sessions live in the database, the cookie carries a random token."""

from flask import redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from learnhub.accounts import bp
from learnhub.accounts.services import load_session_user
from learnhub.extensions import login_manager

login_manager.login_view = "accounts.login"
login_manager.login_message = _l("Please log in to see this page.")
login_manager.login_message_category = "info"
# Phones change address and network all the time; the session token is what we trust.
login_manager.session_protection = None


@login_manager.user_loader
def _load_user(token):
    return load_session_user(token)


_PASSWORD_CHANGE_ALLOWED = {"accounts.password", "accounts.logout", "accounts.language",
                            "accounts.privacy", "core.healthz", "static", "core.static"}


@bp.before_app_request
def _require_new_password():
    """Accounts opened by their union must choose their own password before anything else."""
    if (
        current_user.is_authenticated
        and current_user.must_change_password
        and request.endpoint not in _PASSWORD_CHANGE_ALLOWED
    ):
        return redirect(url_for("accounts.password"))
    return None
