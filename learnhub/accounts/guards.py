"""What every request of a signed-in person passes: the session, a new password, consent, a second step.

Sessions live in the database and the cookie carries a random token; `init_app` sets up
Flask-Login and puts the checks before every request of the site.
"""

import time
from datetime import timedelta

from flask import current_app, redirect, request, session, url_for
from flask_login import current_user

from learnhub.accounts.services import has_consented, load_session_user
from learnhub.accounts.twofactor import is_required as two_factor_required
from learnhub.core.errors import is_api_request
from learnhub.core.i18n import lazy_gettext as _l
from learnhub.extensions import login_manager


def init_app(app):
    """Load the signed-in person from their session token, and check every request they make."""
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    # Phones change address and network all the time; the session token is what we trust.
    login_manager.session_protection = None
    login_manager.user_loader(load_user)
    app.before_request(require_new_password)
    app.before_request(require_consent)
    app.before_request(require_two_factor)
    app.before_request(keep_session_alive)
    app.after_request(keep_out_of_caches)


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

# What an admin who must sign in with a code, and whose session has not, may do: set it up.
_TWO_FACTOR_ALLOWED = _CONSENT_ALLOWED | {
    "accounts.two_factor",
    "accounts.two_factor_setup",
    "accounts.two_factor_confirm",
    "accounts.two_factor_codes",
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


def require_two_factor():
    """Admins, where TWO_FACTOR_FOR_ADMINS is on, do nothing before their session passed a code.

    A session passes at login (the code after the password) or by setting the app up; one
    without (an admin who never set it up, a worker just made admin) is led to set it up.
    """
    if (
        current_user.is_authenticated
        and not session.get("two_factor")
        and request.endpoint not in _TWO_FACTOR_ALLOWED
        and two_factor_required(current_user)
    ):
        return redirect(url_for("accounts.two_factor"))
    return None


def mark_seen():
    """Note in the (signed) session cookie that its holder was here now; login calls it too."""
    session["seen"] = int(time.time())


def load_user(token):
    """The person of this session, unless it has been idle or open too long (config, in hours).

    Checked here, on the server, at every request: an old cookie replayed does not revive a
    session. The absolute limit counts from the login (LoginSession.created_at); the idle one
    from the last visit noted in the signed cookie by `mark_seen`.
    """
    if is_api_request():
        return None  # a cookie never authenticates the API: its callers present a token
    config = current_app.config
    seen = session.get("seen")
    if not isinstance(seen, int) or time.time() - seen > config["SESSION_IDLE_HOURS"] * 3600:
        return None
    return load_session_user(token, max_age=timedelta(hours=config["SESSION_ABSOLUTE_HOURS"]))


def keep_session_alive():
    """Renew a signed-in person's last visit in their cookie now and then, not on every response.

    Re-signing and re-sending the cookie each time cost a fifth of a bare page's server time and
    some 250 bytes per response on a phone's network: it is renewed once a fourteenth of the
    idle limit has passed (a day, by default).
    """
    seen = session.get("seen")
    renew_after = current_app.config["SESSION_IDLE_HOURS"] * 3600 / 14
    if isinstance(seen, int) and time.time() - seen > renew_after and current_user.is_authenticated:
        mark_seen()


def keep_out_of_caches(response):
    """What a signed-in person is shown is theirs: no browser or proxy cache keeps a copy.

    Every response to a signed-in request (record, CSV, people, roster, audit, exports, my data)
    gets `Cache-Control: no-store` unless its view chose a policy; static files are left alone.
    """
    if (
        "Cache-Control" not in response.headers
        and request.endpoint not in ("static", "core.static")
        and current_user.is_authenticated
    ):
        response.headers["Cache-Control"] = "no-store"
    return response
