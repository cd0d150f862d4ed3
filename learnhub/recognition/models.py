"""The credit bank: targets, versioned pathways, applications, prior learning, credentials.

A pathway's versions are never changed once written: an application points at the version it
was made under, so a new version never changes a decision already made.
"""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from learnhub.catalog.models import CATEGORIES
from learnhub.core.db import UTCDateTime, utcnow
from learnhub.core.hours import Hours, minutes_per_xueshi
from learnhub.core.i18n import lazy_gettext as _l
from learnhub.core.i18n import lazy_pgettext
from learnhub.core.vocab import occupation_label, skill_level_label
from learnhub.extensions import db

TARGET_KINDS = {
    "academic": _l("Academic credit"),
    "skill_level": _l("Skill-level evidence"),
    "certificate": _l("Non-academic certificate"),
}

APPLICATION_STATUSES = {
    "submitted": _l("Waiting for review"),
    "info_requested": _l("More information asked for"),
    "approved": _l("Approved"),
    "rejected": _l("Rejected"),
    "withdrawn": _l("Withdrawn"),
}
# An application still waiting for a decision; a worker has at most one per pathway.
OPEN_STATUSES = ("submitted", "info_requested")

PRIOR_STATUSES = {
    "submitted": _l("Waiting for review"),
    "approved": lazy_pgettext("status", "Recognised"),
    "rejected": _l("Rejected"),
}

EVENT_ACTIONS = {
    "submitted": _l("Application sent"),
    "info_requested": _l("Reviewer asked for more information"),
    "info_given": _l("More information sent"),
    "approved": _l("Approved"),
    "rejected": _l("Rejected"),
    "withdrawn": _l("Withdrawn"),
}

CREDENTIAL_KINDS = {
    "course": _l("Course completed"),
    "recognition": _l("Recognition"),
    "contest": _l("Contest placing"),
}


class Target(db.Model):
    """What a pathway leads to. Written once; a changed target is a new row."""

    __tablename__ = "recognition_target"
    __table_args__ = (
        CheckConstraint("kind IN ('academic', 'skill_level', 'certificate')", name="kind"),
        CheckConstraint("credits >= 0 AND minutes >= 0", name="non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    # The institution or body that recognises: a college, a skills-assessment centre, an issuer.
    institution: Mapped[str] = mapped_column(String(120))
    # An academic programme, a certificate's name; empty for skill-level evidence.
    programme: Mapped[str] = mapped_column(String(120), default="")
    course_name: Mapped[str] = mapped_column(String(120), default="")  # a programme's course
    occupation: Mapped[str | None] = mapped_column(String(40))
    level: Mapped[str | None] = mapped_column(String(20))
    credits: Mapped[Decimal] = mapped_column(Numeric(8, 2), default=Decimal("0"))
    minutes: Mapped[int] = mapped_column(default=0)

    @property
    def kind_label(self):
        return TARGET_KINDS.get(self.kind, self.kind)

    @property
    def occupation_label(self):
        return occupation_label(self.occupation)

    @property
    def level_label(self):
        return skill_level_label(self.level)


class Pathway(db.Model):
    """The lasting identity of a pathway (认定规则); its content lives in PathwayVersion."""

    __tablename__ = "pathway"

    id: Mapped[int] = mapped_column(primary_key=True)
    # A stable name for pathways loaded from data (the demo); None for those made on screen.
    code: Mapped[str | None] = mapped_column(String(60), unique=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("org.id"), index=True)  # who keeps it
    is_active: Mapped[bool] = mapped_column(default=True)
    current_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    org = relationship("Org")


class PathwayVersion(db.Model):
    """One version of a pathway's rule. Never updated: a change is the next version."""

    __tablename__ = "pathway_version"
    __table_args__ = (
        UniqueConstraint("pathway_id", "version"),
        CheckConstraint("min_credits >= 0 AND min_minutes >= 0", name="non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pathway_id: Mapped[int] = mapped_column(ForeignKey("pathway.id"), index=True)
    version: Mapped[int] = mapped_column()
    title: Mapped[str] = mapped_column(String(120))
    summary: Mapped[str] = mapped_column(Text, default="")
    target_id: Mapped[int] = mapped_column(ForeignKey("recognition_target.id"))
    # [[slug, slug], [slug]]: every group must be done; any one course of a group will do.
    required_courses: Mapped[list] = mapped_column(JSON, default=list)
    min_credits: Mapped[Decimal] = mapped_column(Numeric(8, 2), default=Decimal("0"))
    min_minutes: Mapped[int] = mapped_column(default=0)
    categories: Mapped[list] = mapped_column(JSON, default=list)  # empty: every category counts
    occupations: Mapped[list] = mapped_column(JSON, default=list)  # empty: every occupation counts
    within_years: Mapped[int | None] = mapped_column()  # None: learning of any age counts
    counts_prior_learning: Mapped[bool] = mapped_column(default=False)
    # The most credits one worker may have recognised toward the target's programme, in all.
    cap: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    # A placing in a skill contest the rule requires, or None: {"stage": "city", "occupation":
    # "electrician" or None, "top": 3 or None, "percent": 10 or None} (one of top and percent):
    # a published rank within the top N, or the top share, of a contest of that stage or above.
    placing: Mapped[dict | None] = mapped_column(JSON)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    pathway: Mapped[Pathway] = relationship()
    target: Mapped[Target] = relationship(lazy="joined")

    @property
    def category_labels(self):
        return [CATEGORIES.get(code, code) for code in self.categories or []]

    @property
    def occupation_labels(self):
        return [
            _l("Courses for every occupation") if code == "all" else occupation_label(code)
            for code in self.occupations or []
        ]


class Application(db.Model):
    """A worker's request to have a pathway recognised, decided under the version applied to."""

    __tablename__ = "recognition_application"
    __table_args__ = (
        CheckConstraint(
            "status IN ('submitted', 'info_requested', 'approved', 'rejected', 'withdrawn')", name="status"
        ),
        # One open application per worker and pathway, whatever the servers do at once.
        Index(
            "uq_recognition_application_open",
            "user_id",
            "pathway_id",
            unique=True,
            sqlite_where=text("status IN ('submitted', 'info_requested')"),
            postgresql_where=text("status IN ('submitted', 'info_requested')"),
        ),
        Index("ix_recognition_application_status", "status", "updated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    pathway_id: Mapped[int] = mapped_column(ForeignKey("pathway.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("pathway_version.id"))
    status: Mapped[str] = mapped_column(String(20), default="submitted")
    note: Mapped[str] = mapped_column(Text, default="")
    # What counted when the worker applied: credits, hours, courses (shown to the reviewer).
    evidence: Mapped[dict] = mapped_column(JSON, default=dict)
    credits: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))  # granted on approval
    minutes: Mapped[int | None] = mapped_column()
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user = relationship("User", foreign_keys=[user_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])
    pathway: Mapped[Pathway] = relationship()
    version: Mapped[PathwayVersion] = relationship()
    events: Mapped[list["ApplicationEvent"]] = relationship(order_by="ApplicationEvent.id")

    @property
    def status_label(self):
        return APPLICATION_STATUSES.get(self.status, self.status)

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES

    @property
    def evidence_hours(self):
        """The hours counted when applying, as the worker saw them (other evidence: from its minutes).

        Evidence from before 学时 were 45 minutes (no "xueshi") counted clock hours: its minutes
        are shown in today's 学时 instead, as every other figure is.
        """
        evidence = self.evidence or {}
        if "tenths" in evidence and evidence.get("xueshi") == minutes_per_xueshi():
            return Hours(evidence["tenths"])
        return Hours.of(evidence.get("minutes", 0))


class ApplicationEvent(db.Model):
    """One step in an application's history, so that a worker can follow it."""

    __tablename__ = "recognition_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("recognition_application.id"), index=True)
    action: Mapped[str] = mapped_column(String(20))
    message: Mapped[str] = mapped_column(Text, default="")
    by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    by = relationship("User")
    # Photos and PDFs the worker sent with an answer (loaded with the events, in one query).
    files: Mapped[list["EvidenceFile"]] = relationship(
        secondary="recognition_event_file", order_by="EvidenceFile.id", lazy="selectin"
    )

    @property
    def action_label(self):
        return EVENT_ACTIONS.get(self.action, self.action)


class EvidenceFile(db.Model):
    """An uploaded certificate (photo or PDF), kept in storage (core.storage) under `key`.

    Certificates sent before storage existed keep their bytes in `data`; `flask media migrate`
    moves them into storage.
    """

    __tablename__ = "prior_learning_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    mime: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column()
    original_name: Mapped[str] = mapped_column(String(120), default="")
    key: Mapped[str | None] = mapped_column(String(80))
    data: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))


class EventFile(db.Model):
    """A file sent with one step of an application (the worker's answer to "ask for more")."""

    __tablename__ = "recognition_event_file"

    event_id: Mapped[int] = mapped_column(ForeignKey("recognition_event.id"), primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("prior_learning_file.id"), primary_key=True, index=True)


class PriorLearning(db.Model):
    """Learning done elsewhere (先前学习成果), claimed by a worker and decided by a reviewer."""

    __tablename__ = "prior_learning"
    __table_args__ = (
        CheckConstraint("status IN ('submitted', 'approved', 'rejected')", name="status"),
        CheckConstraint("minutes > 0", name="positive_minutes"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    issuer: Mapped[str] = mapped_column(String(120))
    achieved_on: Mapped[date] = mapped_column(Date)
    minutes: Mapped[int] = mapped_column()  # claimed
    description: Mapped[str] = mapped_column(Text, default="")
    file_id: Mapped[int] = mapped_column(ForeignKey("prior_learning_file.id"))
    status: Mapped[str] = mapped_column(String(20), default="submitted", index=True)
    granted_credits: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    granted_minutes: Mapped[int | None] = mapped_column()
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user = relationship("User", foreign_keys=[user_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])
    file: Mapped[EvidenceFile] = relationship()

    @property
    def status_label(self):
        return PRIOR_STATUSES.get(self.status, self.status)


class Credential(db.Model):
    """A verifiable record of an achievement, shown to strangers at /credentials/<uuid>.

    What it says is copied here when it is issued, so that a later change to a course or a
    pathway never changes a credential someone already holds.
    """

    __tablename__ = "credential"
    __table_args__ = (
        UniqueConstraint("user_id", "source_type", "source_id", name="uq_credential_source"),
        CheckConstraint("kind IN ('course', 'recognition', 'contest')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    source_type: Mapped[str] = mapped_column(String(30))
    source_id: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    criteria: Mapped[str] = mapped_column(Text, default="")
    achievement_type: Mapped[str] = mapped_column(String(40))  # Open Badges' vocabulary
    issuer_name: Mapped[str] = mapped_column(String(120))
    credits: Mapped[Decimal] = mapped_column(Numeric(8, 2), default=Decimal("0"))
    minutes: Mapped[int] = mapped_column(default=0)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    revoke_reason: Mapped[str] = mapped_column(Text, default="")
    # Its bit in the published revocation list (status_list.py): drawn at random when issued,
    # so that the list's positions tell nothing of who was issued what, or when.
    status_index: Mapped[int] = mapped_column(unique=True)

    user = relationship("User", foreign_keys=[user_id])

    @property
    def is_revoked(self):
        return self.revoked_at is not None

    @property
    def kind_label(self):
        return CREDENTIAL_KINDS.get(self.kind, self.kind)
