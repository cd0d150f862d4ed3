"""A notification in a person's inbox, and its SMS: preferences, the outbox, the log backend's page."""

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from learnhub.core.db import UTCDateTime, utcnow
from learnhub.core.text import mask_phone
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


class SmsPreference(db.Model):
    """The events a person also takes by SMS (none saved yet: SMS_EVENTS' defaults)."""

    __tablename__ = "sms_preference"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    events: Mapped[list] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


SMS_STATUSES = ("queued", "sending", "sent", "failed", "capped")


class SmsMessage(db.Model):
    """One SMS to send: the outbox, its history and, with status "failed", the dead-letter list.

    `key` (a notification and the channel, or a code) is unique: however often a task runs or a
    sender retries, one message is one row, and a row leaves at most once (see notify/sms.py).
    """

    __tablename__ = "sms_message"
    __table_args__ = (
        CheckConstraint(f"status IN ({', '.join(repr(s) for s in SMS_STATUSES)})", name="status"),
        Index("ix_sms_message_due", "status", "not_before_at"),
        Index("ix_sms_message_user_day", "user_id", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(160), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    phone: Mapped[str] = mapped_column(String(20))
    template: Mapped[str] = mapped_column(String(20))  # "code" | "notice" (providers.TEMPLATE_PARAMS)
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    text: Mapped[str] = mapped_column(Text, default="")  # the whole message, in the person's language
    status: Mapped[str] = mapped_column(String(10), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    day: Mapped[date] = mapped_column(Date)  # the person's (Beijing) day it is sent on: the daily cap
    not_before_at: Mapped[datetime] = mapped_column(UTCDateTime)  # quiet hours, backoff
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    provider: Mapped[str] = mapped_column(String(20), default="")
    provider_ref: Mapped[str] = mapped_column(String(100), default="")
    last_error: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def masked_phone(self):
        return mask_phone(self.phone)


class SmsLogEntry(db.Model):
    """What the `log` backend "sent": development and the demo read codes here (/sms/log)."""

    __tablename__ = "sms_log_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(20), index=True)
    key: Mapped[str] = mapped_column(String(160), default="")
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
