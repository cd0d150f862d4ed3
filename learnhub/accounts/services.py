"""Accounts: registration, sign-in sessions, profile, and what admins do to people.

Services flush and never commit; the request or command commits once.
"""

import secrets
from datetime import UTC, datetime

from sqlalchemy import bindparam, delete, event, or_, select
from sqlalchemy.orm import Session, defer

from learnhub.accounts.models import ROLES, Consent, LoginSession, RecoveryCode, SmsCode, TwoFactor, User
from learnhub.accounts.passwords import (
    check_password_rule,
    generate_initial_password,
    hash_initial_password,
    hash_password,
    verify_password,
)
from learnhub.accounts.signals import account_erasing, personal_data_requested
from learnhub.core import audit
from learnhub.core.cache import forget_after_commit
from learnhub.core.errors import DomainError, NotFound
from learnhub.core.i18n import gettext as _
from learnhub.core.text import (
    clean_line,
    clean_person_name,
    looks_like_phone,
    normalise_phone,
    normalise_username,
)
from learnhub.core.vocab import OCCUPATION_CODES, SKILL_LEVEL_CODES
from learnhub.extensions import cache, db
from learnhub.orgs.models import Org
from learnhub.orgs.services import get_org_in_scope, subtree_filter

# What an erased account is called wherever it still appears (lists, old records).
_ERASED_NAME = "—"

# ---------------------------------------------------------------- looking people up


def split_login(login):
    """('phone', '13812345678') or ('username', 'li.ming') for what someone typed to log in."""
    if looks_like_phone(login):
        return "phone", normalise_phone(login)
    return "username", normalise_username(login)


def find_by_login(login):
    """The account for a phone number or username, or None."""
    try:
        kind, value = split_login(login)
    except DomainError:
        return None
    column = User.phone if kind == "phone" else User.username
    return db.session.scalar(select(User).where(column == value))


def get_user(user_id):
    """The account with this id, or None."""
    return db.session.get(User, user_id)


def _check_unique(username=None, phone=None, exclude_id=None):
    for column, value, message, field in (
        (User.username, username, _("This username is taken."), "username"),
        (User.phone, phone, _("An account with this phone number already exists."), "phone"),
    ):
        if value is None:
            continue
        stmt = select(User.id).where(column == value)
        if exclude_id is not None:
            stmt = stmt.where(User.id != exclude_id)
        if db.session.scalar(stmt) is not None:
            raise DomainError(message, field)


def check_occupation(occupation):
    if occupation not in OCCUPATION_CODES:
        raise DomainError(_("Choose an occupation from the list."), "occupation")
    return occupation


def check_skill_level(level):
    if level not in SKILL_LEVEL_CODES:
        raise DomainError(_("Choose a skill level from the list."), "skill_level")
    return level


def check_enterprise(org):
    if org is None or org.kind != "enterprise":
        raise DomainError(_("A worker belongs to an enterprise union. Choose one."), "org")
    return org


# ---------------------------------------------------------------- registration


def register_worker(*, login, name, org, occupation, skill_level, password, consent, notice_version, locale=None):
    """Create a worker account with its consent record; refuse anything not in order."""
    if not consent:
        raise DomainError(_("Please read and accept the privacy notice to register."), "consent")
    kind, value = split_login(login)
    username = value if kind == "username" else None
    phone = value if kind == "phone" else None
    try:
        _check_unique(username=username, phone=phone)
    except DomainError as error:
        if error.field != "phone":
            raise
        # Neutral: not "this number has an account" to whoever types it (the owner is told by
        # the SMS check when it comes; until then the registration limit bounds the asking).
        raise DomainError(
            _(
                "This phone number cannot be registered here. Sign in if you have an account, or ask your union for help."
            ),
            "phone",
        ) from None
    check_password_rule(password, username, phone)
    user = User(
        username=username,
        phone=phone,
        name=clean_person_name(name),
        org=check_enterprise(org),
        occupation=check_occupation(occupation),
        skill_level=check_skill_level(skill_level),
        role="worker",
        locale=locale,
        password_hash=hash_password(password),
    )
    db.session.add(user)
    db.session.flush()
    record_consent(user, notice_version)
    return user


def record_consent(user, notice_version):
    """Record that `user` accepted this version of the privacy notice, now."""
    consent = Consent(user_id=user.id, notice_version=notice_version)
    db.session.add(consent)
    db.session.flush()
    return consent


def has_consented(user, notice_version):
    """True if `user` accepted this notice version and has not withdrawn it."""
    stmt = select(Consent.id).where(
        Consent.user_id == user.id,
        Consent.notice_version == notice_version,
        Consent.withdrawn_at.is_(None),
    )
    return db.session.scalar(stmt.limit(1)) is not None


# ---------------------------------------------------------------- signing in and out


def authenticate(login, password):
    """The active account matching login and password; one answer for every failure."""
    user = find_by_login(login)
    ok = verify_password(user.password_hash if user else None, password or "")
    if not ok or not user.is_active:
        raise DomainError(_("The account or password is not right."), "password")
    return user


def start_session(user):
    """Open a new login session for `user` and return it, its token set."""
    token = secrets.token_urlsafe(32)
    session = LoginSession(token_hash=LoginSession.hash_token(token), user_id=user.id)
    db.session.add(session)
    db.session.flush()
    session.token = token
    user.current_session = session
    return session


# Run on every signed-in request, so built once (building and keying it each time cost 50 µs).
# The password hash stays out: it is read only when a password is checked, and never cached.
_SESSION_USER = (
    select(LoginSession, User)
    .join(User, User.id == LoginSession.user_id)
    .where(LoginSession.token_hash == bindparam("token_hash"))
    .options(defer(User.password_hash))
)

# The session and its person are kept in the cache (core/cache.py: Redis, or files every process
# of a machine shares) between changes: ending a session, and any change to the person, drop
# them after the commit (_forget_changed_sessions), so that it takes effect at once on every
# server. The timeout bounds the one race left (a request that read just before such a commit)
# and a change to the person's union, which is not watched.
SESSION_CACHE_SECONDS = 60


def _session_key(token_hash):
    return f"session:{token_hash}"


def load_session_user(token, max_age=None):
    """The active user holding this session token, or None. One query, or none when cached.

    A session opened longer than `max_age` (a timedelta) ago is over, however recently used.
    """
    if not token or len(token) > 100:
        return None
    token_hash = LoginSession.hash_token(token)
    key = _session_key(token_hash)
    cached = cache.get(key)
    if cached is not None:
        # As SQLAlchemy's caching recipe does: back into this request's session without a query.
        session, user = (db.session.merge(obj, load=False) for obj in cached)
    else:
        row = db.session.execute(_SESSION_USER, {"token_hash": token_hash}).first()
        if row is None:
            return None
        session, user = row
        cache.set(key, (session, user), timeout=SESSION_CACHE_SECONDS)
    if not user.is_active:
        return None
    if max_age is not None and _aware(session.created_at) < datetime.now(UTC) - max_age:
        return None
    session.token = token
    user.current_session = session
    return user


def _aware(moment):
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def end_session(user):
    """End the session this request runs under."""
    if user.current_session is not None:
        db.session.delete(user.current_session)
        user.current_session = None
        db.session.flush()


def end_all_sessions(user, keep=None):
    """End every session of `user` (but `keep`), on every device and every server."""
    stmt = delete(LoginSession).where(LoginSession.user_id == user.id)
    if keep is not None:
        stmt = stmt.where(LoginSession.id != keep.id)
    ended = db.session.scalars(stmt.returning(LoginSession.token_hash)).all()
    forget_after_commit(db.session(), *(_session_key(h) for h in ended))
    db.session.flush()


def _forget_changed_sessions(session, _flush_context):
    """After a flush: the cached sessions of every person changed or deleted, and every session
    changed or ended, are dropped (see SESSION_CACHE_SECONDS)."""
    people = {o.id for o in session.dirty if isinstance(o, User) and session.is_modified(o)}
    people |= {o.id for o in session.deleted if isinstance(o, User)}
    ended = {o.token_hash for o in session.dirty | session.deleted if isinstance(o, LoginSession)}
    if people:
        found = session.connection().scalars(select(LoginSession.token_hash).where(LoginSession.user_id.in_(people)))
        ended.update(found)
    forget_after_commit(session, *(_session_key(h) for h in ended))


def watch_sessions():
    """Keep the session cache true to the database (called once by accounts' init_app)."""
    if not event.contains(Session, "after_flush", _forget_changed_sessions):
        event.listen(Session, "after_flush", _forget_changed_sessions)


# ---------------------------------------------------------------- my own account


def change_password(user, current_password, new_password):
    """Set a new password after checking the current one; other devices are signed out."""
    if not verify_password(user.password_hash, current_password or ""):
        raise DomainError(_("The current password is not right."), "current_password")
    check_password_rule(new_password, user.username, user.phone)
    user.password_hash = hash_password(new_password)
    user.must_change_password = False
    end_all_sessions(user, keep=user.current_session)
    db.session.flush()


def update_profile(user, *, name, phone, occupation, skill_level):
    """Change my own name, phone, occupation and skill level."""
    user.name = clean_person_name(name)
    phone = normalise_phone(phone) if clean_line(phone) else None
    if phone is None and user.username is None:
        raise DomainError(_("You log in with your phone number, so it cannot be removed."), "phone")
    _check_unique(phone=phone, exclude_id=user.id)
    user.phone = phone
    if user.role == "worker" or occupation:
        user.occupation = check_occupation(occupation)
    user.skill_level = check_skill_level(skill_level)
    db.session.flush()
    return user


def set_locale(user, locale):
    """Remember the language this person reads."""
    user.locale = locale
    db.session.flush()


# ---------------------------------------------------------------- people of my union subtree


def people_query(admin, *, text=None, union_text=None, org=None, role=None, occupation=None, skill_level=None):
    """A SELECT of the people in `admin`'s subtree matching the filters, in a stable order."""
    scope = org if org is not None and admin.org.contains(org) else admin.org
    stmt = select(User).join(User.org).where(subtree_filter(scope))
    union_text = clean_line(union_text)
    if union_text:
        stmt = stmt.where(Org.name.icontains(union_text, autoescape=True))
    text = clean_line(text)
    if text:
        like = User.name.icontains(text, autoescape=True)
        stmt = stmt.where(
            or_(like, User.username.icontains(text, autoescape=True), User.phone.contains(text, autoescape=True))
        )
    if role in ROLES:
        stmt = stmt.where(User.role == role)
    if occupation in OCCUPATION_CODES:
        stmt = stmt.where(User.occupation == occupation)
    if skill_level in SKILL_LEVEL_CODES:
        stmt = stmt.where(User.skill_level == skill_level)
    return stmt.order_by(User.name, User.id)


def get_person_in_scope(admin, user_id):
    """The person with this id if they are in `admin`'s subtree; otherwise NotFound."""
    try:
        user_id = int(user_id)
    except (TypeError, ValueError):
        raise NotFound(_("Person not found.")) from None
    person = db.session.get(User, user_id)
    if person is None or not admin.org.contains(person.org):
        raise NotFound(_("Person not found."))
    return person


def require_below(admin, person):
    """Refuse unless `person` stands strictly below `admin`.

    Not themself, and not another admin of the same union (a peer could otherwise reset their
    password and take the account over); admins above are outside the subtree already.
    """
    if person.id == admin.id:
        raise DomainError(_("You cannot change your own role, union or status here."))
    if person.role == "admin" and person.org_id == admin.org_id:
        raise DomainError(_("Another admin of your own union is managed by an admin of a union above."))


def _stays_below(admin, role, org):
    # What a change leaves behind must stand below its author too: no new peer admins.
    if role == "admin" and org.id == admin.org_id:
        raise DomainError(_("Another admin of your own union is managed by an admin of a union above."), "role")


def change_role(admin, person, role):
    """Give a person of my subtree another role; a worker must sit in an enterprise union."""
    require_below(admin, person)
    if role not in ROLES:
        raise DomainError(_("Unknown role."), "role")
    if role == "worker":
        check_enterprise(person.org)
        if person.occupation is None:
            raise DomainError(_("Set this person's occupation before making them a worker."), "role")
    _stays_below(admin, role, person.org)
    before = person.role
    person.role = role
    audit.record(
        admin, "person.role", "user", person.id, person.org.path, person=person.name, before=before, after=role
    )
    return person


def move_person(admin, person, org_id):
    """Move a person of my subtree to another union of my subtree."""
    require_below(admin, person)
    org = get_org_in_scope(org_id, admin.org)
    if person.role == "worker":
        check_enterprise(org)
    _stays_below(admin, person.role, org)
    before = person.org
    person.org = org
    # Both unions' admins see the move: it is recorded under the union the person left too.
    for side in {before.path, org.path}:
        audit.record(
            admin, "person.union", "user", person.id, side, person=person.name, before=before.name, after=org.name
        )
    return person


def set_active(admin, person, active):
    """Deactivate (ending every session at once) or reactivate a person of my subtree."""
    require_below(admin, person)
    person.is_active_account = bool(active)
    if not active:
        end_all_sessions(person)
    audit.record(
        admin,
        "person.activate" if active else "person.deactivate",
        "user",
        person.id,
        person.org.path,
        person=person.name,
    )
    return person


def reset_password(admin, person):
    """Give a person of my subtree a one-time password; they choose their own at next login."""
    require_below(admin, person)
    password = generate_initial_password()
    person.password_hash = hash_initial_password(password)
    person.must_change_password = True
    end_all_sessions(person)
    audit.record(admin, "person.password_reset", "user", person.id, person.org.path, person=person.name)
    return password


def scope_orgs(admin, kinds=None):
    """A SELECT of the unions in `admin`'s subtree."""
    stmt = select(Org).where(subtree_filter(admin.org)).order_by(Org.path)
    if kinds:
        stmt = stmt.where(Org.kind.in_(list(kinds)))
    return stmt


# ---------------------------------------------------------------- privacy (PIPL)


def consent_history(user):
    """Every consent this person gave, oldest first."""
    return db.session.scalars(select(Consent).where(Consent.user_id == user.id).order_by(Consent.given_at)).all()


def withdraw_consent(user):
    """Withdraw consent to the privacy notice: recorded, and every session ends.

    Without consent the platform cannot be used; at the next login the notice is shown again.
    """
    now = datetime.now(UTC)
    for consent in consent_history(user):
        if consent.withdrawn_at is None:
            consent.withdrawn_at = now
    end_all_sessions(user)
    db.session.flush()


def export_personal_data(user):
    """All that LearnHub holds about this person, as JSON-ready data."""
    data = {
        "profile": {
            "username": user.username,
            "phone": user.phone,
            "name": user.name,
            "union": user.org.name,
            "role": user.role,
            "occupation": user.occupation,
            "skill_level": user.skill_level,
            "locale": user.locale,
            "created_at": user.created_at.isoformat(),
        },
        "consents": [
            {
                "notice_version": c.notice_version,
                "given_at": c.given_at.isoformat(),
                "withdrawn_at": c.withdrawn_at.isoformat() if c.withdrawn_at else None,
            }
            for c in consent_history(user)
        ],
    }
    two_factor = db.session.get(TwoFactor, user.id)
    if two_factor is not None and two_factor.is_enabled:
        # That it is on, not the secret: the secret stays on the server and in the person's app.
        data["two_step_sign_in"] = {"enabled_at": two_factor.enabled_at.isoformat()}
    for _receiver, result in personal_data_requested.send(user):
        if result:
            name, section = result
            data[name] = section
    return data


def erase_account(user, password):
    """Delete my account: check the password, let every feature anonymise, anonymise me.

    The row stays with its union, occupation and level (no name, phone or username), so that
    the ledger and the union's statistics still add up.
    """
    if not verify_password(user.password_hash, password or ""):
        raise DomainError(_("The password is not right."), "password")
    account_erasing.send(user)
    end_all_sessions(user)
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.execute(delete(TwoFactor).where(TwoFactor.user_id == user.id))
    db.session.execute(delete(SmsCode).where(SmsCode.user_id == user.id))
    now = datetime.now(UTC)
    for consent in consent_history(user):
        consent.withdrawn_at = consent.withdrawn_at or now
    user.name = _ERASED_NAME
    user.username = f"erased-{secrets.token_hex(6)}"
    user.phone = None
    user.password_hash = None
    user.locale = None
    user.is_active_account = False
    user.erased_at = now
    db.session.flush()
