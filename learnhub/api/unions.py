"""Union systems (OAuth 2.0 client credentials, with Authlib): their clients, tokens and roster links.

A client is bound to one union's subtree and to scopes, made and revoked by an admin of that
union (in the audit log). Its secret and its access tokens are kept hashed. Everything a client
reads or writes is scoped by its union exactly as that union's admins' pages are.
"""

import secrets
from datetime import timedelta

from sqlalchemy import select

from learnhub.accounts.models import User
from learnhub.accounts.passwords import generate_initial_password, hash_initial_password
from learnhub.accounts.services import check_enterprise, check_occupation, check_skill_level, clean_person_name
from learnhub.api.models import UnionClient, UnionToken, WorkerLink, hash_secret
from learnhub.api.services import parse_scopes, parse_token_name
from learnhub.core import audit
from learnhub.core.db import utcnow
from learnhub.core.errors import DomainError, NotFound
from learnhub.core.i18n import gettext as _
from learnhub.core.i18n import lazy_gettext as _l
from learnhub.core.text import clean_line, normalise_phone
from learnhub.extensions import db
from learnhub.orgs.models import Org
from learnhub.orgs.services import get_org_in_scope, subtree_filter

UNION_SCOPES = {
    "roster": _l("Read and update the roster of the union's subtree"),
    "stats": _l("Read the statistics and the required courses"),
    "completions": _l("Read the feed of completions"),
}
CLIENT_PREFIX, TOKEN_PREFIX = "lhc_", "lhu_"
TOKEN_LIFETIME = timedelta(hours=1)


# ---------------------------------------------------------------- clients, made by admins


def clients_of(admin):
    """The live clients of the admin's subtree, newest first."""
    return db.session.scalars(
        select(UnionClient)
        .join(Org, Org.id == UnionClient.org_id)
        .where(subtree_filter(admin.org), UnionClient.revoked_at.is_(None))
        .order_by(UnionClient.created_at.desc(), UnionClient.id.desc())
    ).all()


def create_client(admin, name, org_id, scopes):
    """Make a client for a union of the admin's subtree; returns (client, secret shown once)."""
    name = parse_token_name(name)
    scopes = parse_scopes(scopes, UNION_SCOPES)
    try:
        org = get_org_in_scope(org_id, admin.org) if org_id else admin.org
    except NotFound:
        raise DomainError(_("Choose a union of your own part of the tree."), "org_id") from None
    secret = secrets.token_urlsafe(32)
    client = UnionClient(
        client_id=CLIENT_PREFIX + secrets.token_urlsafe(18),
        secret_hash=hash_secret(secret),
        name=name,
        org_id=org.id,
        scopes=" ".join(scopes),
        created_by_id=admin.id,
    )
    db.session.add(client)
    db.session.flush()
    audit.record(admin, "api.client_create", "api_client", client.client_id, org.path, name=name, scopes=client.scopes)
    return client, secret


def revoke_client(admin, client_pk):
    """Revoke a client of the admin's subtree, and every token it holds; otherwise NotFound."""
    try:
        client = db.session.get(UnionClient, int(client_pk))
    except (TypeError, ValueError, OverflowError):
        client = None
    if client is None or client.revoked_at is not None or not admin.org.contains(client.org):
        raise NotFound(_("Client not found."))
    client.revoked_at = utcnow()
    db.session.execute(UnionToken.__table__.delete().where(UnionToken.client_pk == client.id))
    db.session.flush()
    audit.record(admin, "api.client_revoke", "api_client", client.client_id, client.org.path, name=client.name)
    return client


# ---------------------------------------------------------------- Authlib's callbacks


def query_client(client_id):
    """The live client with this id, for Authlib's token endpoint."""
    return db.session.scalar(
        select(UnionClient).where(UnionClient.client_id == str(client_id)[:48], UnionClient.revoked_at.is_(None))
    )


def generate_access_token(**_kwargs):
    """An access token, prefixed so that the API tells it from a personal token."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def save_token(token, request):
    """Keep the hash of a token Authlib issued (the token itself goes to the client only)."""
    db.session.add(
        UnionToken(
            client_pk=request.client.id,
            token_hash=hash_secret(token["access_token"]),
            scopes=token.get("scope") or "",
            expires_at=utcnow() + timedelta(seconds=token["expires_in"]),
        )
    )
    db.session.flush()


def union_token_holder(secret):
    """(token, client) for a live, unexpired union token, else (None, None)."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None, None
    token = db.session.scalar(select(UnionToken).where(UnionToken.token_hash == hash_secret(secret)))
    if token is None or token.expires_at <= utcnow() or token.client.revoked_at is not None:
        return None, None
    return token, token.client


# ---------------------------------------------------------------- the roster, by external id


def _link(client, external_id):
    return db.session.scalar(
        select(WorkerLink).where(WorkerLink.org_id == client.org_id, WorkerLink.external_id == external_id)
    )


def parse_external_id(text):
    """An id of the union's own system: 1 to 64 visible ASCII characters."""
    value = str(text or "")
    if not 0 < len(value) <= 64 or not value.isascii() or not value.isprintable() or " " in value:
        raise DomainError(_("An external id is 1 to 64 letters, digits or signs, without spaces."), "external_id")
    return value


def upsert_worker(client, external_id, *, name, phone, union_id, occupation, skill_level):
    """Open or update the worker the client's system knows as `external_id`; (user, created).

    Idempotent: the same call again changes nothing. The worker's union must be an enterprise
    union of the client's subtree; a worker found by the link must still be in the subtree.
    A new account must change its password at first login, as bulk onboarding's do.
    """
    external_id = parse_external_id(external_id)
    try:
        org = check_enterprise(get_org_in_scope(union_id, client.org))
    except NotFound:
        raise DomainError(_("Choose an enterprise union of the client's part of the tree."), "union") from None
    name = clean_person_name(name)
    phone = normalise_phone(phone) if clean_line(phone) else None
    occupation, skill_level = check_occupation(occupation), check_skill_level(skill_level)
    link = _link(client, external_id)
    user = link.user if link else None
    if user is not None and not client.org.contains(user.org):
        raise NotFound(_("Person not found."))
    if phone and db.session.scalar(select(User.id).where(User.phone == phone, User.id != getattr(user, "id", -1))):
        raise DomainError(_("An account with this phone number already exists."), "phone")
    created = user is None
    if created:
        if phone is None:
            raise DomainError(_("A new worker needs a mobile number to log in with."), "phone")
        user = User(
            role="worker",
            must_change_password=True,
            password_hash=hash_initial_password(generate_initial_password()),
        )
        db.session.add(user)
    changed = (user.name, user.phone, user.org_id, user.occupation, user.skill_level) != (
        name,
        phone or user.phone,
        org.id,
        occupation,
        skill_level,
    )
    user.name, user.phone, user.org, user.occupation, user.skill_level = (
        name,
        phone or user.phone,
        org,
        occupation,
        skill_level,
    )
    db.session.flush()
    if created:
        db.session.add(WorkerLink(org_id=client.org_id, external_id=external_id, user_id=user.id))
        db.session.flush()
    if changed:
        audit.record(
            None,
            "api.roster_upsert",
            "user",
            user.id,
            org.path,
            person=user.name,
            system=client.name,
            client=client.client_id,
            external_id=external_id,
            created=created,
        )
    return user, created


def links_of(client, user_ids):
    """{user id: external id} of these people in the client's union's system."""
    if not user_ids:
        return {}
    return dict(
        db.session.execute(
            select(WorkerLink.user_id, WorkerLink.external_id).where(
                WorkerLink.org_id == client.org_id, WorkerLink.user_id.in_(user_ids)
            )
        ).all()
    )
