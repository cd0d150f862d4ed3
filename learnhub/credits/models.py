"""The learning account (学习账户) and its append-only ledger of credits and hours."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learnhub.core.db import UTCDateTime, utcnow
from learnhub.core.i18n import lazy_gettext as _l
from learnhub.extensions import db

ENTRY_KINDS = {
    "module": _l("Module completed"),
    "course": _l("Course completed"),
    "prior_learning": _l("Prior learning recognised"),
    "recognition": _l("Recognition"),
    "competition": _l("Skill contest"),
    "reversal": _l("Correction"),
}


class Account(db.Model):
    """One per worker, for life."""

    __tablename__ = "credit_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), unique=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LedgerEntry(db.Model):
    """One movement of credits and minutes. Never updated, never deleted.

    The unique key (account, kind, source) makes every award idempotent: a double click, a
    retry or two servers racing write one entry. A correction is a new `reversal` entry whose
    source is the entry it reverses, so an entry can be reversed once.

    What was learned is linked by foreign key: `module_id` for a module's entry, `course_id`
    for a module's or a course's entry; a correction carries the links of the entry it
    corrects. Recognitions, prior learning and contest results (`competition`, whose source is
    the contest) have neither.
    """

    __tablename__ = "ledger_entry"
    __table_args__ = (
        UniqueConstraint("account_id", "kind", "source_type", "source_id", name="uq_ledger_entry_source"),
        CheckConstraint(
            "kind IN ('module', 'course', 'prior_learning', 'recognition', 'competition', 'reversal')", name="kind"
        ),
        Index("ix_ledger_entry_account_created", "account_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("credit_account.id"))
    kind: Mapped[str] = mapped_column(String(20))
    source_type: Mapped[str] = mapped_column(String(30))
    source_id: Mapped[str] = mapped_column(String(64))
    credits: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    minutes: Mapped[int] = mapped_column()
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entry.id"), unique=True)
    module_id: Mapped[int | None] = mapped_column(ForeignKey("module.id"), index=True)
    # What was learned, as evidence: the minutes the module or course declares, and those the
    # learner was measured to spend (None: not measured). `minutes` paid is the lesser.
    declared_minutes: Mapped[int | None] = mapped_column()
    measured_minutes: Mapped[int | None] = mapped_column()
    course_id: Mapped[int | None] = mapped_column(ForeignKey("course.id"), index=True)

    account: Mapped[Account] = relationship()
    reverses: Mapped["LedgerEntry | None"] = relationship(remote_side=[id])

    @property
    def kind_label(self):
        return ENTRY_KINDS.get(self.kind, self.kind)
