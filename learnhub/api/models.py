"""Who may call the API: personal tokens of workers, union clients and their tokens. Secrets are kept hashed."""

import hashlib
import hmac
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learnhub.accounts.models import User
from learnhub.core.db import UTCDateTime, utcnow
from learnhub.extensions import db
from learnhub.orgs.models import Org


def hash_secret(secret):
    """The SHA-256 of a token: tokens are long random strings, so a fast hash is enough."""
    return hashlib.sha256(secret.encode()).hexdigest()


class PersonalToken(db.Model):
    """A token a worker made on their profile page for their own app; revoking keeps the row."""

    __tablename__ = "api_personal_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hint: Mapped[str] = mapped_column(String(12))  # the token's first characters, to tell tokens apart
    scopes: Mapped[str] = mapped_column(String(100))  # space-separated, e.g. "record learn"
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    @property
    def scope_list(self):
        return self.scopes.split()


class UnionClient(db.Model):
    """A union system (OAuth 2.0 client credentials), bound to a union's subtree and scopes.

    Made by an admin of that union (audited); its secret is kept hashed. Authlib reads it through
    the ClientMixin methods below.
    """

    __tablename__ = "api_union_client"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(String(48), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(60))
    org_id: Mapped[int] = mapped_column(ForeignKey("org.id"), index=True)
    scopes: Mapped[str] = mapped_column(String(100))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    org: Mapped[Org] = relationship(lazy="joined")

    @property
    def scope_list(self):
        return self.scopes.split()

    # ---- Authlib's ClientMixin: a confidential client of the client-credentials grant only.
    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return None

    def get_allowed_scope(self, scope):
        """The scopes asked for that this client holds (all of its own when none are asked for)."""
        if not scope:
            return self.scopes
        return " ".join(s for s in scope.split() if s in self.scope_list)

    def check_redirect_uri(self, redirect_uri):
        return False

    def check_client_secret(self, client_secret):
        return hmac.compare_digest(self.secret_hash, hash_secret(client_secret or ""))

    def check_endpoint_auth_method(self, method, endpoint):
        return endpoint == "token" and method in ("client_secret_basic", "client_secret_post")

    def check_grant_type(self, grant_type):
        return grant_type == "client_credentials"

    def check_response_type(self, response_type):
        return False


class UnionToken(db.Model):
    """An access token issued to a union client; only its hash is kept."""

    __tablename__ = "api_union_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_pk: Mapped[int] = mapped_column(ForeignKey("api_union_client.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[str] = mapped_column(String(100))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)

    client: Mapped[UnionClient] = relationship(lazy="joined")


class WorkerLink(db.Model):
    """A worker as a union's own system (the workforce database) names them: its external id.

    One per (union of the client, external id): upserting the same id again finds the same worker.
    """

    __tablename__ = "api_worker_link"
    __table_args__ = (UniqueConstraint("org_id", "external_id", name="uq_api_worker_link_org_external"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("org.id"))
    external_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()
