"""The xAPI outbox: statements waiting for the Learning Record Store, and whom they name."""

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from learnhub.core.db import UTCDateTime, utcnow
from learnhub.extensions import db

STATUSES = ("queued", "refused")


class XapiActor(db.Model):
    """The opaque name a person has in xAPI statements: random, so that an LRS learns nothing from it.

    Statements name the actor as an account on this site (homePage = PUBLIC_BASE_URL, name =
    this), never by phone number, username or sequential id.
    """

    __tablename__ = "xapi_actor"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    name: Mapped[str] = mapped_column(String(36), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class XapiStatement(db.Model):
    """One statement to send: the outbox. Written in the learning event's transaction.

    `statement_id` is the statement's own id, derived from the event (uuid5), so that the same
    event can never make two statements, and an LRS that already has it answers so (409) rather
    than storing it twice. The row stays until the LRS has taken the statement (200, 204, or
    409 for one it holds); an LRS that is down only delays it (`not_before_at`, with backoff).
    A statement the LRS refuses as malformed stays too, as "refused", for someone to look at.
    """

    __tablename__ = "xapi_statement"
    __table_args__ = (
        CheckConstraint(f"status IN ({', '.join(repr(s) for s in STATUSES)})", name="status"),
        Index("ix_xapi_statement_due", "status", "not_before_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[str] = mapped_column(String(36), unique=True)
    statement: Mapped[dict] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    not_before_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
