"""The studio's working copy of a course, its co-trainers, its history, and uploaded media.

Workers see the catalogue's tables (Course, Module with its live `revision`). A trainer
edits a working copy beside them: CourseDraft holds the course's details and DraftModule
the modules in their draft order, each pointing at the revision shown in the studio.
Publishing copies the working copy into the catalogue; a module keeps its identity, so
progress on it survives. A module added in the studio and not yet published exists as a
Module with no live revision (revision 0) that is retired, i.e. outside the live course.
"""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learnhub.accounts.models import User
from learnhub.catalog.models import Course, Module
from learnhub.core.db import UTCDateTime, utcnow
from learnhub.core.i18n import lazy_gettext as _l
from learnhub.extensions import db


class CourseDraft(db.Model):
    """The course's details as the studio shows them; published into Course."""

    __tablename__ = "course_draft"
    __table_args__ = (CheckConstraint("credits >= 0 AND minutes >= 0", name="non_negative"),)

    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    summary: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(20))
    occupation: Mapped[str] = mapped_column(String(40), default="all")
    target_level: Mapped[str] = mapped_column(String(20), default="none")
    language: Mapped[str] = mapped_column(String(10), default="zh_CN")
    credits: Mapped[Decimal] = mapped_column(Numeric(8, 2), default=Decimal("0"))
    minutes: Mapped[int] = mapped_column(default=0)
    tags: Mapped[str] = mapped_column(String(400), default="")
    audience_org_id: Mapped[int | None] = mapped_column(ForeignKey("org.id"))
    # True while the working copy differs from what workers see.
    has_changes: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    course: Mapped[Course] = relationship()

    @property
    def tag_list(self):
        return [tag for tag in self.tags.split("|") if tag]


class DraftModule(db.Model):
    """One module of the working copy: its place, whether it is required, its revision."""

    __tablename__ = "draft_module"
    __table_args__ = (UniqueConstraint("module_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id"))
    position: Mapped[int] = mapped_column(default=0)
    is_required: Mapped[bool] = mapped_column(default=True)
    # The ModuleRevision number the studio shows; above module.revision while unpublished.
    revision: Mapped[int] = mapped_column()

    module: Mapped[Module] = relationship(lazy="joined")


class CourseEditor(db.Model):
    """A co-trainer: may edit and publish the course like its owner."""

    __tablename__ = "course_editor"

    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True, index=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()


EVENTS = {
    "created": _l("Created the course"),
    "details": _l("Changed the course details"),
    "module_added": _l("Added a module"),
    "module_revised": _l("Started a new revision of a module"),
    "module_removed": _l("Removed a module"),
    "modules_moved": _l("Changed the order of the modules"),
    "published": _l("Published"),
    "unpublished": _l("Unpublished"),
    "archived": _l("Archived"),
    "restored": _l("Restored from the archive"),
    "discarded": _l("Discarded the unpublished changes"),
    "editor_added": _l("Added a co-trainer"),
    "editor_removed": _l("Removed a co-trainer"),
    "submitted": _l("Sent for review"),
    "withdrawn": _l("Withdrew from review"),
    "approved": _l("Approved in review"),
    "returned": _l("Returned in review"),
    "bank_changed": _l("Changed the question bank"),
    "bank_imported": _l("Imported questions into the bank"),
}


class CourseEvent(db.Model):
    """One line of a course's history: who did what, when."""

    __tablename__ = "course_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    kind: Mapped[str] = mapped_column(String(20))
    # The module, its revision, or the course's publication number, as the kind needs.
    module_id: Mapped[int | None] = mapped_column(ForeignKey("module.id"))
    number: Mapped[int | None] = mapped_column()
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User | None] = relationship()
    module: Mapped[Module | None] = relationship()

    @property
    def label(self):
        return EVENTS.get(self.kind, self.kind)


REVIEW_STATUSES = {
    "pending": _l("Waiting for review"),
    "approved": _l("Approved"),
    "returned": _l("Returned"),
    "withdrawn": _l("Withdrawn"),
}


class CourseReview(db.Model):
    """One request to publish a working copy that needs review (审核), and its outcome.

    A course has at most one pending review (a partial unique index); while it waits the
    working copy cannot be edited, so the reviewer approves exactly what was sent.
    """

    __tablename__ = "course_review"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'approved', 'returned', 'withdrawn')", name="status"),
        Index(
            "uq_course_review_pending",
            "course_id",
            unique=True,
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    # The union whose admins review it: the audience's, or the top of the tree for everyone.
    org_id: Mapped[int] = mapped_column(ForeignKey("org.id"), index=True)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(Text, default="")  # why it was returned

    course: Mapped[Course] = relationship()
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    @property
    def status_label(self):
        return REVIEW_STATUSES.get(self.status, self.status)


MEDIA_KINDS = {"image": _l("Picture"), "pdf": _l("PDF document"), "video": _l("Video")}


class Upload(db.Model):
    """A file a trainer uploaded for a course, stored under a generated name."""

    __tablename__ = "upload"
    __table_args__ = (CheckConstraint("kind IN ('image', 'pdf', 'video')", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    # The generated file name: 16 hex digits and the extension of the detected type. A
    # lesson refers to it as media/<name>, as course packages do.
    name: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(10))
    mime: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(String(64))
    original_name: Mapped[str] = mapped_column(String(120))  # for display only
    width: Mapped[int | None] = mapped_column()
    height: Mapped[int | None] = mapped_column()
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def path(self):
        """How a lesson refers to it."""
        return f"media/{self.name}"

    @property
    def kind_label(self):
        return MEDIA_KINDS.get(self.kind, self.kind)
