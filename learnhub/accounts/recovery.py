"""By SMS: a forgotten password reset with a code sent to the account's phone, and the one-time
link that lets a worker opened in bulk choose their own password.

A code is six digits, kept only as an HMAC under the site's secret key, valid for
SMS_CODE_MINUTES (10), SMS_CODE_TRIES (5) wrong tries; asking again replaces the last one.
Whether or not a number has an account, the person reads the same answer and waits the same:
a code is only sent when there is one. Sending is notify's (accounts tells it by the
`sms_code_requested` signal); the views limit how often a phone and an address may ask.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

from flask import current_app
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import select, update

from learnhub.accounts.models import SmsCode, User
from learnhub.accounts.passwords import check_password_rule, hash_password
from learnhub.accounts.signals import activation_link_ready, sms_code_requested
from learnhub.core.db import utcnow
from learnhub.core.errors import DomainError, NotFound
from learnhub.core.i18n import gettext as _
from learnhub.core.text import looks_like_phone, normalise_phone
from learnhub.extensions import db


def _digest(code_id, code):
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{code_id}:{code}".encode(), hashlib.sha256).hexdigest()


def parse_phone(text):
    """The phone number typed, as 11 digits (DomainError beside the field otherwise)."""
    return normalise_phone(text)


def send_code(phone, purpose, user=None, now=None):
    """Make a new code for `phone` (the last one stops counting) and have it sent; (row, code)."""
    now = now or utcnow()
    db.session.execute(
        update(SmsCode)
        .where(SmsCode.phone == phone, SmsCode.purpose == purpose, SmsCode.used_at.is_(None))
        .values(used_at=now)
    )
    code = f"{secrets.randbelow(10**6):06d}"
    row = SmsCode(
        phone=phone,
        purpose=purpose,
        user_id=user.id if user is not None else None,
        code_hash="",
        attempts=0,
        expires_at=now + timedelta(minutes=current_app.config["SMS_CODE_MINUTES"]),
        created_at=now,
    )
    db.session.add(row)
    db.session.flush()
    row.code_hash = _digest(row.id, code)
    db.session.flush()
    sms_code_requested.send(
        row, code=code, minutes=current_app.config["SMS_CODE_MINUTES"], locale=user.locale if user else None
    )
    return row, code


def request_password_reset(phone_text, now=None):
    """Send a reset code to `phone_text` if an active account has it. Says nothing either way."""
    phone = parse_phone(phone_text)
    user = db.session.scalar(
        select(User).where(User.phone == phone, User.is_active_account.is_(True), User.erased_at.is_(None))
    )
    if user is not None:
        send_code(phone, "reset", user, now)
    return phone


def send_registration_code(phone_text, now=None):
    """Send a code to a number someone wants to register with; returns the number."""
    phone = parse_phone(phone_text)
    send_code(phone, "register", None, now)
    return phone


def check_registration_phone(login, code_text, now=None):
    """Registering with a mobile number: the code sent to it must be given (usernames need none)."""
    if looks_like_phone(login):
        use_code(parse_phone(login), "register", code_text, now)


def _wrong_code():
    return DomainError(_("This code is wrong or no longer valid. Check the SMS, or ask for a new code."), "code")


def use_code(phone, purpose, code_text, now=None):
    """Check a code for `phone`; the row once right. A wrong try counts (the caller commits it)."""
    now = now or utcnow()
    code_text = "".join(ch for ch in str(code_text or "") if not ch.isspace())
    row = db.session.scalar(
        select(SmsCode)
        .where(SmsCode.phone == phone, SmsCode.purpose == purpose, SmsCode.used_at.is_(None))
        .order_by(SmsCode.id.desc())
        .limit(1)
    )
    if row is None or row.expires_at <= now or row.attempts >= current_app.config["SMS_CODE_TRIES"]:
        raise _wrong_code()
    row.attempts += 1
    db.session.flush()
    if not (code_text.isascii() and code_text.isdigit()) or not hmac.compare_digest(
        row.code_hash, _digest(row.id, code_text)
    ):
        raise _wrong_code()
    row.used_at = now
    db.session.flush()
    return row


def reset_password(phone_text, code_text, password, now=None):
    """Set a new password with a code sent to the account's phone; every device is signed out."""
    from learnhub.accounts.services import end_all_sessions

    phone = parse_phone(phone_text)
    row = use_code(phone, "reset", code_text, now)
    user = db.session.get(User, row.user_id) if row.user_id else None
    if user is None or not user.is_active_account or user.phone != phone:
        raise _wrong_code()
    check_password_rule(password, user.username, user.phone)
    user.password_hash = hash_password(password)
    user.must_change_password = False
    end_all_sessions(user)
    db.session.flush()
    return user


# ---------------------------------------------------------------- activation links (bulk onboarding)

_ACTIVATION_SALT = "learnhub-activate"


def _password_mark(user):
    # A link works while the password it was made for stands: setting one (by the link, or at
    # the first login with the handout's) ends it, so each link is used once.
    return hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:16]


def _serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_ACTIVATION_SALT)


def send_activation(user, base_url=None):
    """Send a worker opened in bulk a one-time link by SMS to choose their own password.

    `base_url`: the site's address, for a job (no request) on a site without PUBLIC_BASE_URL.
    """
    token = _serializer().dumps({"u": user.id, "p": _password_mark(user)})
    activation_link_ready.send(user, path=f"/activate/{token}", base_url=base_url)
    return token


def user_to_activate(token):
    """The account an activation link is for; NotFound once it is used, expired or forged."""
    try:
        data = _serializer().loads(str(token)[:300], max_age=current_app.config["ACTIVATION_LINK_DAYS"] * 24 * 3600)
        user = db.session.get(User, int(data["u"]))
    except (BadData, KeyError, TypeError, ValueError):
        user = None
    if user is None or not user.is_active_account or not hmac.compare_digest(_password_mark(user), str(data["p"])):
        raise NotFound(
            _(
                "This link has been used or is no longer valid. Log in with the password on your handout, or ask your union."
            )
        )
    return user


def activate(token, password):
    """Set the password of the account an activation link is for."""
    user = user_to_activate(token)
    check_password_rule(password, user.username, user.phone)
    user.password_hash = hash_password(password)
    user.must_change_password = False
    db.session.flush()
    return user
