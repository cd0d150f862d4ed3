"""Two-step sign-in: a code from an authenticator app (TOTP, pyotp) after the password.

Required for union admins where TWO_FACTOR_FOR_ADMINS is on (production's default), open to
anyone else who wants it. Setting it up shows a QR code of a new secret; it is on once a code
from the app confirms it. Ten recovery codes, shown once and kept only as hashes, each let the
person in once when the phone is not at hand; a lost phone is reset by an admin above them.

The secret is stored sealed (Fernet, from the `cryptography` library) with a key derived from
SECRET_KEY (HKDF): a dump of the database alone does not give it away. SECRET_KEY_FALLBACKS
still open secrets sealed with an earlier key (and a code accepted seals its secret again under
SECRET_KEY); without any of the keys, every person must have it reset.

Services flush and never commit; the request commits once.
"""

import base64
import hmac
import re
import secrets
import time
from datetime import UTC, datetime

import pyotp
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from sqlalchemy import delete, func, select
from werkzeug.security import check_password_hash

from learnhub.accounts.models import RecoveryCode, TwoFactor
from learnhub.accounts.passwords import INITIAL_PASSWORD_ALPHABET, hash_initial_password
from learnhub.accounts.services import end_all_sessions, require_below
from learnhub.core import audit
from learnhub.core.errors import DomainError
from learnhub.core.i18n import gettext as _
from learnhub.extensions import db

RECOVERY_CODES = 10
RECOVERY_CODE_LENGTH = 10  # from the one-time passwords' alphabet: about 50 random bits
# ASCII digits only: \d takes other scripts' digits too, which hmac.compare_digest refuses.
_TOTP_CODE = re.compile(r"[0-9]{6}")
_RECOVERY_CODE = re.compile(f"[{INITIAL_PASSWORD_ALPHABET}]{{{RECOVERY_CODE_LENGTH}}}")

# ---------------------------------------------------------------- the sealed secret


def _sealer():
    """Fernet keys derived from SECRET_KEY, then from each of SECRET_KEY_FALLBACKS (to open only)."""
    config = current_app.config
    keys = [config["SECRET_KEY"], *(config.get("SECRET_KEY_FALLBACKS") or [])]
    fernets = []
    for key in keys:
        material = key.encode() if isinstance(key, str) else key
        derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"learnhub two-factor secret")
        fernets.append(Fernet(base64.urlsafe_b64encode(derived.derive(material))))
    return MultiFernet(fernets)


def _seal(secret):
    return _sealer().encrypt(secret.encode()).decode()


def _unseal(sealed):
    try:
        return _sealer().decrypt(sealed.encode()).decode()
    except InvalidToken:
        # Sealed under a SECRET_KEY that is gone: the person must have it reset (or use a
        # recovery code, then set it up again).
        current_app.logger.warning("a two-factor secret could not be opened with the current SECRET_KEY")
        return None


# ---------------------------------------------------------------- who has it, who must


def get_two_factor(user):
    """The person's TwoFactor row, or None."""
    return db.session.get(TwoFactor, user.id)


def is_enabled(user):
    """True if logging in asks this person for a code after the password."""
    row = get_two_factor(user)
    return row is not None and row.is_enabled


def is_required(user):
    """True if this person may not use the site without it (admins, where the config says so)."""
    return user.role == "admin" and bool(current_app.config.get("TWO_FACTOR_FOR_ADMINS"))


def recovery_codes_left(user):
    """How many recovery codes this person has not used yet."""
    stmt = select(func.count()).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    return db.session.scalar(stmt)


# ---------------------------------------------------------------- setting it up


def start_setup(user):
    """Draw a new secret for the person's app; it is in force once a code confirms it."""
    row = get_two_factor(user)
    if row is None:
        row = TwoFactor(user_id=user.id)
        db.session.add(row)
    row.pending_secret = _seal(pyotp.random_base32())
    db.session.flush()
    return row


def pending_secret(user):
    """The secret being set up, in plain text for the QR code and to type in; or None."""
    row = get_two_factor(user)
    if row is None or row.pending_secret is None:
        return None
    return _unseal(row.pending_secret)


def setup_uri(user, secret):
    """The otpauth:// address an authenticator app reads from the QR code."""
    issuer = current_app.config.get("TWO_FACTOR_ISSUER") or "LearnHub"
    return pyotp.TOTP(secret).provisioning_uri(name=user.login or str(user.id), issuer_name=issuer)


def confirm_setup(user, code):
    """Put the new secret in force if `code` comes from it; return the new recovery codes.

    The person's other sessions end: from now on a sign-in needs the code.
    """
    row = get_two_factor(user)
    secret = _unseal(row.pending_secret) if row is not None and row.pending_secret else None
    if secret is None:
        raise DomainError(_("Start again: the setup has expired."), "code")
    step = _matching_step(secret, _normalise(code), last_step=0)
    if step is None:
        raise DomainError(
            _("That code is not right. Type the 6 digits your app shows now for LearnHub."),
            "code",
        )
    row.secret = row.pending_secret
    row.pending_secret = None
    row.enabled_at = datetime.now(UTC)
    row.last_step = step
    end_all_sessions(user, keep=user.current_session)
    return _new_recovery_codes(user)


# ---------------------------------------------------------------- checking a code


def _normalise(code):
    return re.sub(r"[\s\-]", "", code or "").lower()


def _matching_step(secret, code, last_step):
    """The time step whose code `code` is (now, or one step either side), if later than `last_step`."""
    if not _TOTP_CODE.fullmatch(code):
        return None
    totp = pyotp.TOTP(secret)
    now = time.time()
    for offset in (0, -1, 1):
        step = totp.timecode(datetime.fromtimestamp(now, UTC)) + offset
        if step > last_step and hmac.compare_digest(totp.at(now, counter_offset=offset), code):
            return step
    return None


def verify_code(user, code):
    """Accept a code from the person's app (each once) or an unused recovery code (then spent).

    Returns "app" or "recovery"; refuses anything else beside the field `code`.
    """
    row = get_two_factor(user)
    code = _normalise(code)
    if row is not None and row.is_enabled:
        secret = _unseal(row.secret)
        step = _matching_step(secret, code, row.last_step) if secret else None
        if step is not None:
            row.last_step = step
            row.secret = _sealer().rotate(row.secret.encode()).decode()  # under SECRET_KEY, if it was a fallback's
            db.session.flush()
            return "app"
        if _RECOVERY_CODE.fullmatch(code):
            unused = select(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
            for recovery in db.session.scalars(unused):
                if check_password_hash(recovery.code_hash, code):
                    recovery.used_at = datetime.now(UTC)
                    db.session.flush()
                    return "recovery"
    raise DomainError(_("That code is not right. Type the 6 digits your app shows now, or a recovery code."), "code")


# ---------------------------------------------------------------- recovery codes, turning it off


def _new_recovery_codes(user):
    """Replace the person's recovery codes with new ones; the plain codes, to show once."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [
        "".join(secrets.choice(INITIAL_PASSWORD_ALPHABET) for _i in range(RECOVERY_CODE_LENGTH))
        for _n in range(RECOVERY_CODES)
    ]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=hash_initial_password(code)) for code in codes)
    db.session.flush()
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def regenerate_recovery_codes(user, code):
    """New recovery codes (the old ones stop working), after a code proves the phone is at hand."""
    verify_code(user, code)
    return _new_recovery_codes(user)


def disable(user, code):
    """Turn two-step sign-in off for a person who may do without it, after a code."""
    if is_required(user):
        raise DomainError(_("Union admins sign in with a code: it cannot be turned off."), "code")
    verify_code(user, code)
    remove_two_factor(user)


def remove_two_factor(user):
    """Forget the person's secret and recovery codes (turning it off, a reset, an erasure)."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.execute(delete(TwoFactor).where(TwoFactor.user_id == user.id))
    db.session.flush()


def reset_two_factor(admin, person):
    """A lost phone: an admin above the person turns it off, ending their sessions; audited.

    The person signs in with their password again and (an admin, where it is required) sets up
    their new phone at once.
    """
    require_below(admin, person)
    _reset(person, admin)


def reset_two_factor_from_console(person):
    """The same reset by the operator (`flask accounts reset-two-step`), for whom nobody is above."""
    _reset(person, None, by="flask accounts reset-two-step")


def _reset(person, admin, **details):
    if not is_enabled(person):
        raise DomainError(_("%(name)s does not sign in with a code.", name=person.name))
    remove_two_factor(person)
    end_all_sessions(person)
    audit.record(admin, "person.two_factor_reset", "user", person.id, person.org.path, person=person.name, **details)
