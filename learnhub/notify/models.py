"""A notification in a person's inbox."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from learnhub.core.db import UTCDateTime, utcnow
from learnhub.extensions import db


class Notification(db.Model):
    """Something a person should know. `key` makes sending idempotent: one per (person, key)."""

    __tablename__ = "notification"
    __table_args__ = (
        UniqueConstraint("user_id", "key"),
        Index("ix_notification_user_unread", "user_id", "read_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    key: Mapped[str] = mapped_column(String(120))  # e.g. "application:12:approved"
    kind: Mapped[str] = mapped_column(String(40))  # e.g. "application.decided", "required.assigned"
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(255), default="")  # a path on this site
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
