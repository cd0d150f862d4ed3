"""People, their consent to the privacy notice, and their login sessions."""

import hashlib
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learnhub.core.db import UTCDateTime, utcnow
from learnhub.core.i18n import lazy_gettext as _l
from learnhub.core.text import mask_phone
from learnhub.core.vocab import occupation_label, skill_level_label
from learnhub.extensions import db
from learnhub.orgs.models import Org

ROLES = {
    "worker": _l("Worker"),
    "trainer": _l("Trainer"),
    "admin": _l("Union admin"),
}


class User(UserMixin, db.Model):
    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint("role IN ('worker', 'trainer', 'admin')", name="role"),
        CheckConstraint("username IS NOT NULL OR phone IS NOT NULL", name="has_login"),
        # The statistics' roster pages through a subtree union by union, by name: read in index order.
        Index("ix_user_account_org_name", "org_id", "name", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str | None] = mapped_column(String(32), unique=True)
    phone: Mapped[str | None] = mapped_column(String(11), unique=True)
    name: Mapped[str] = mapped_column(String(50))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(10), default="worker", index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("org.id"), index=True)
    occupation: Mapped[str | None] = mapped_column(String(40), index=True)
    skill_level: Mapped[str] = mapped_column(String(20), default="none")
    locale: Mapped[str | None] = mapped_column(String(10))
    is_active_account: Mapped[bool] = mapped_column("is_active", default=True)
    must_change_password: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set when the person deleted their account: the row stays, anonymised, so that the
    # ledger and the statistics keep adding up.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    org: Mapped[Org] = relationship(lazy="joined")

    # Flask-Login reads `is_active`; the column is named so, the attribute kept apart from the
    # mixin's property so it stays a plain boolean we can query on.
    @property
    def is_active(self):
        return self.is_active_account

    # Set by the user loader: the login session this request runs under.
    current_session = None

    def get_id(self):
        if self.current_session is None:
            return None
        return self.current_session.token

    @property
    def login(self):
        """What this person types to log in."""
        return self.username or self.phone

    @property
    def masked_phone(self):
        return mask_phone(self.phone)

    @property
    def role_label(self):
        return ROLES.get(self.role, self.role)

    @property
    def occupation_label(self):
        return occupation_label(self.occupation)

    @property
    def skill_level_label(self):
        return skill_level_label(self.skill_level)

    @property
    def is_admin(self):
        return self.role == "admin"

    def __repr__(self):
        return f"<User {self.id} {self.login} {self.role}>"


class Consent(db.Model):
    """One consent to one version of the privacy notice; withdrawing keeps the record."""

    __tablename__ = "consent"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    notice_version: Mapped[str] = mapped_column(String(20))
    given_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LoginSession(db.Model):
    """A signed-in browser. The cookie carries a random token; we keep only its hash.

    Deleting the row ends the session everywhere at once, whichever server serves the
    next request.
    """

    __tablename__ = "login_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()

    # The token itself, only known in the request that created the session or presented it.
    token = None

    @staticmethod
    def hash_token(token):
        return hashlib.sha256(token.encode()).hexdigest()


class TwoFactor(db.Model):
    """A person's second factor: the TOTP secret of their authenticator app (accounts/twofactor.py).

    Secrets are stored sealed with a key derived from SECRET_KEY, so that a dump of the database
    alone does not give them away. `pending_secret` is a new app being set up: the old one (if
    any) stays in force until a code from the new one confirms it.
    """

    __tablename__ = "two_factor"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    secret: Mapped[str | None] = mapped_column(String(255))
    pending_secret: Mapped[str | None] = mapped_column(String(255))
    enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The time step of the last code accepted: a code is good once, not again within its minute.
    last_step: Mapped[int] = mapped_column(default=0)

    @property
    def is_enabled(self):
        return self.enabled_at is not None and self.secret is not None


class RecoveryCode(db.Model):
    """A one-time code for when the phone is not at hand; only its hash is kept."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SmsCode(db.Model):
    """A code sent by SMS to prove a phone (a password reset). Only its HMAC is kept."""

    __tablename__ = "sms_code"
    __table_args__ = (Index("ix_sms_code_phone", "phone", "purpose", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(11))
    purpose: Mapped[str] = mapped_column(String(20))  # "reset"
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    code_hash: Mapped[str] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(default=0)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
