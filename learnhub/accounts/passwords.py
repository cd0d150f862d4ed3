"""The password rule: long enough, not among the passwords everybody tries first."""

import functools
import secrets

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from learnhub.core.errors import DomainError
from learnhub.core.i18n import gettext as _

# Initial passwords (bulk onboarding, resets) are random and easy to read out: no 0/o, 1/l/i,
# one case only. About 50 random bits, valid until the first login, they need far less
# stretching than a chosen password; scrypt (0.1 s each) would keep a 5,000-row import busy
# for ten minutes.
INITIAL_PASSWORD_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
INITIAL_PASSWORD_LENGTH = 10
INITIAL_PASSWORD_HASH = "pbkdf2:sha256:5000"

MIN_LENGTH = 8
MAX_LENGTH = 128

# Passwords common among Chinese users that the English-language list below misses
# (from published analyses of leaked password sets).
_COMMON_CHINESE = {
    "woaini1314",
    "5201314",
    "520520",
    "1314520",
    "woaini520",
    "a123456",
    "a123456789",
    "qq123456",
    "1qaz2wsx",
    "1q2w3e4r",
    "147258369",
    "123456abc",
    "abc123456",
    "zxcvbnm123",
    "88888888",
    "66666666",
    "11223344",
    "123123123",
    "12344321",
    "31415926",
    "789456123",
    "qazwsxedc",
    "woaini123",
    "aa123456",
    "asd123456",
    "123qweasd",
    "iloveyou1314",
    "zhang123",
    "wang123456",
    "li123456",
    "123456789a",
    "a12345678",
    "1234qwer",
}


@functools.cache
def _common_passwords():
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"]) | _COMMON_CHINESE


def check_password_rule(password, *personal):
    """Refuse a password that is short, very long, common, or the person's own login."""
    if len(password) < MIN_LENGTH:
        raise DomainError(_("Use at least %(n)d characters.", n=MIN_LENGTH), "password")
    if len(password) > MAX_LENGTH:
        raise DomainError(_("Use at most %(n)d characters.", n=MAX_LENGTH), "password")
    lowered = password.lower()
    if lowered in _common_passwords() or len(set(password)) < 3:
        raise DomainError(
            _("This password is among the most common ones and easy to guess. Choose another."),
            "password",
        )
    if any(item and item.lower() in lowered for item in personal):
        raise DomainError(_("Do not use your username or phone number in your password."), "password")


def hash_password(password):
    """A slow, salted hash (scrypt in production)."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def verify_password(password_hash, password):
    """True if the password matches. Every path costs the same, so timing tells nothing.

    Each call checks one hash of each method, the chosen passwords' (scrypt) and the one-time
    passwords' (INITIAL_PASSWORD_HASH), one real and the other against a dummy: an unknown
    account, a chosen password and a pending one-time password take the same time.
    """
    initial = bool(password_hash) and password_hash.startswith(INITIAL_PASSWORD_HASH + "$")
    check_password_hash(_dummy_hash("chosen") if initial else _dummy_hash("initial"), password)
    if not password_hash:
        check_password_hash(_dummy_hash("chosen"), password)
        return False
    return check_password_hash(password_hash, password)


def _dummy_hash(kind):
    key = f"_learnhub_dummy_hash_{kind}"
    if key not in current_app.extensions:
        make = hash_initial_password if kind == "initial" else hash_password
        current_app.extensions[key] = make("not-a-real-password-0")
    return current_app.extensions[key]


def generate_initial_password():
    """A random one-time password that is easy to read out and type on a phone."""
    return "".join(secrets.choice(INITIAL_PASSWORD_ALPHABET) for _i in range(INITIAL_PASSWORD_LENGTH))


def hash_initial_password(password):
    """The hash of a random initial password (see INITIAL_PASSWORD_HASH for why it is lighter)."""
    return generate_password_hash(password, method=INITIAL_PASSWORD_HASH)
