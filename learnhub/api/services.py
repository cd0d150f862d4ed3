"""Personal API tokens: made and revoked by their owner, in the audit log; looked up by hash."""

import secrets

from sqlalchemy import select

from learnhub.api.models import PersonalToken, hash_secret
from learnhub.core import audit
from learnhub.core.db import utcnow
from learnhub.core.errors import DomainError, NotFound
from learnhub.core.i18n import gettext as _
from learnhub.core.i18n import lazy_gettext as _l
from learnhub.core.text import clean_line, has_hidden_characters
from learnhub.extensions import db

# What a personal token may do: read my record (enrolments, progress, ledger, credentials), learn.
PERSONAL_SCOPES = {
    "record": _l("Read my learning record"),
    "learn": _l("Enrol and learn"),
}
PERSONAL_PREFIX = "lhp_"
MAX_TOKENS = 10  # live tokens a person may hold at once


def parse_token_name(text):
    """A token's name: required, one line, at most 60 characters."""
    name = clean_line(text)
    if not name or has_hidden_characters(name):
        raise DomainError(_("Give the token a name, e.g. the app that will use it."), "name")
    if len(name) > 60:
        raise DomainError(_("The name has at most 60 characters."), "name")
    return name


def parse_scopes(values, allowed):
    """The scopes asked for, each one of `allowed`, at least one; in a stable order."""
    chosen = sorted({str(v) for v in values or ()})
    if not chosen or any(scope not in allowed for scope in chosen):
        raise DomainError(_("Choose what the token may do."), "scopes")
    return chosen


def tokens_of(user):
    """This person's live personal tokens, newest first."""
    return db.session.scalars(
        select(PersonalToken)
        .where(PersonalToken.user_id == user.id, PersonalToken.revoked_at.is_(None))
        .order_by(PersonalToken.created_at.desc(), PersonalToken.id.desc())
    ).all()


def create_personal_token(user, name, scopes):
    """Make a token for `user`; returns (token row, the secret, shown once and never kept)."""
    name = parse_token_name(name)
    scopes = parse_scopes(scopes, PERSONAL_SCOPES)
    if len(tokens_of(user)) >= MAX_TOKENS:
        raise DomainError(_("You have %(count)d tokens already; revoke one you no longer use.", count=MAX_TOKENS))
    secret = PERSONAL_PREFIX + secrets.token_urlsafe(32)
    token = PersonalToken(
        user_id=user.id, name=name, token_hash=hash_secret(secret), hint=secret[:8], scopes=" ".join(scopes)
    )
    db.session.add(token)
    db.session.flush()
    audit.record(user, "api.token_create", "api_token", token.id, user.org.path, name=name, scopes=token.scopes)
    return token, secret


def revoke_personal_token(user, token_id):
    """Revoke one of `user`'s tokens; it stops working at once. Someone else's token: NotFound."""
    try:
        token = db.session.get(PersonalToken, int(token_id))
    except (TypeError, ValueError, OverflowError):
        token = None
    if token is None or token.user_id != user.id or token.revoked_at is not None:
        raise NotFound(_("Token not found."))
    token.revoked_at = utcnow()
    db.session.flush()
    audit.record(user, "api.token_revoke", "api_token", token.id, user.org.path, name=token.name)
    return token


def personal_token_holder(secret):
    """(token, its user) for a live personal token whose holder may still log in, else (None, None)."""
    if not secret.startswith(PERSONAL_PREFIX) or len(secret) > 100:
        return None, None
    token = db.session.scalar(
        select(PersonalToken).where(PersonalToken.token_hash == hash_secret(secret), PersonalToken.revoked_at.is_(None))
    )
    if token is None or not token.user.is_active or token.user.erased_at is not None:
        return None, None
    return token, token.user
