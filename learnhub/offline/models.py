"""What a phone sent from its offline queue: one row per item, by the key the phone made."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from learnhub.core.db import UTCDateTime, utcnow
from learnhub.extensions import db


class SyncItem(db.Model):
    """One queued item (a heartbeat, a finished module, quiz answers) and what became of it.

    The key is made by the phone when the item is queued; UNIQUE(user_id, key) lets each be
    accepted once: a replay, or two tabs sending the same queue, finds the row and changes nothing.
    """

    __tablename__ = "sync_item"
    __table_args__ = (
        UniqueConstraint("user_id", "key"),
        # The latest offline heartbeat of a person, and the record's list of what was learnt offline.
        Index("ix_sync_item_user_kind_at", "user_id", "kind", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    key: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(10))  # heartbeat | done | quiz
    module_id: Mapped[int | None] = mapped_column(ForeignKey("module.id"))
    at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # when it happened on the phone (UTC)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(10))  # counted | refused
    seconds: Mapped[int | None] = mapped_column()  # a heartbeat: the study time it added
    score: Mapped[int | None] = mapped_column()  # quiz answers: the score, percent
    message: Mapped[str] = mapped_column(String(300), default="")  # what the person was told
