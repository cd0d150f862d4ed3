"""Receivers of accounts' signals: codes go out by SMS; a person's messages go with their account."""

from flask import current_app, has_request_context, request
from sqlalchemy import delete

from learnhub.accounts.signals import account_erasing, activation_link_ready, sms_code_requested
from learnhub.core.i18n import force_locale
from learnhub.core.i18n import gettext as _
from learnhub.extensions import db
from learnhub.notify.models import Notification, SmsMessage, SmsPreference
from learnhub.notify.sms import queue_sms


def connect():
    account_erasing.connect(on_account_erasing)
    sms_code_requested.connect(on_sms_code_requested)
    activation_link_ready.connect(on_activation_link_ready)


def on_activation_link_ready(user, path=None, base_url=None, **_kwargs):
    """Text a worker opened in bulk the link to choose their password (quiet hours apply)."""
    base = current_app.config.get("PUBLIC_BASE_URL") or base_url or (request.host_url if has_request_context() else "")
    link = base.rstrip("/") + path
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        text = _(
            "%(name)s, your union opened a LearnHub learning account for you. Choose your password here: %(link)s",
            name=user.name,
            link=link,
        )
    queue_sms(
        key=f"activation:{user.id}:{path[-16:]}",
        user=user,
        phone=user.phone,
        template="activation",
        params={"name": user.name[:10], "link": link},
        text=text,
    )


def on_sms_code_requested(code_row, code=None, minutes=None, locale=None, **_kwargs):
    """Send a code the person asked for, at once (no quiet hours, outside the daily cap)."""
    with force_locale(locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        text = _(
            "Your LearnHub code is %(code)s, valid for %(minutes)d minutes. Never tell it to anyone.",
            code=code,
            minutes=minutes,
        )
    queue_sms(
        key=f"code:{code_row.id}",
        user=None,
        phone=code_row.phone,
        template="code",
        params={"code": code, "minutes": minutes},
        text=text,
        urgent=True,
    )


def on_account_erasing(user, **_kwargs):
    """Remove the person's messages, SMS (with their phone number) and choices."""
    for model in (Notification, SmsMessage, SmsPreference):
        db.session.execute(delete(model).where(model.user_id == user.id))
