"""What every request of a signed-in person passes: the session, a new password, consent.

Sessions live in the database and the cookie carries a random token; `init_app` sets up
Flask-Login and puts the checks before every request of the site.
"""

from datetime import date

from flask import current_app, redirect, request, session, url_for
from flask_login import current_user

from learnhub.accounts.services import has_consented, load_session_user
from learnhub.core.i18n import lazy_gettext as _l
from learnhub.extensions import login_manager


def init_app(app):
    """Load the signed-in person from their session token, and check every request they make."""
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    # Phones change address and network all the time; the session token is what we trust.
    login_manager.session_protection = None
    login_manager.user_loader(load_session_user)
    app.before_request(require_new_password)
    app.before_request(require_consent)
    app.before_request(keep_session_alive)


_PASSWORD_CHANGE_ALLOWED = {
    "accounts.password",
    "accounts.logout",
    "accounts.language",
    "accounts.privacy",
    "core.healthz",
    "static",
    "core.static",
}
# What a person who has not (or no longer) consented to the current notice may still do.
_CONSENT_ALLOWED = _PASSWORD_CHANGE_ALLOWED | {
    "accounts.consent",
    "accounts.my_privacy",
    "accounts.my_data",
    "accounts.delete_account",
}


def require_new_password():
    """Accounts opened by their union must choose their own password before anything else."""
    if (
        current_user.is_authenticated
        and current_user.must_change_password
        and request.endpoint not in _PASSWORD_CHANGE_ALLOWED
    ):
        return redirect(url_for("accounts.password"))
    return None


def require_consent():
    """Nobody uses the platform without consent to the current privacy notice.

    A new notice version, an account opened by the union, or a withdrawn consent all lead
    here. The check is remembered in the session, which a withdrawal ends.
    """
    if not current_user.is_authenticated or request.endpoint in _CONSENT_ALLOWED:
        return None
    version = current_app.config["PRIVACY_NOTICE_VERSION"]
    if session.get("consent") == version:
        return None
    if has_consented(current_user, version):
        session["consent"] = version
        return None
    return redirect(url_for("accounts.consent"))


def keep_session_alive():
    """Renew a signed-in person's cookie once a day rather than on every response.

    Re-signing and re-sending it each time cost a fifth of a bare page's server time and
    some 250 bytes per response on a phone's network.
    """
    if session.permanent:
        today = date.today().toordinal()
        if session.get("day") != today:
            session["day"] = today
