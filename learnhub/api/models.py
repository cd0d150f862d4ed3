"""Who may call the API: personal tokens of workers (and, later, union clients). Secrets are kept hashed."""

import hashlib
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learnhub.accounts.models import User
from learnhub.core.db import UTCDateTime, utcnow
from learnhub.extensions import db


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
