"""Courses, their modules, and the revisions that hold each module's content.

A Module is the stable identity that progress hangs on; its content lives in numbered
ModuleRevisions, so that a course can change without anybody losing what they did.
"""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learnhub.core.db import UTCDateTime, utcnow
from learnhub.core.hours import minutes_per_xueshi
from learnhub.core.i18n import lazy_gettext as _l
from learnhub.extensions import db

CATEGORIES = {
    "vocational": _l("Vocational skills"),
    "safety": _l("Work safety"),
    "ideology": _l("Ideals, ethics and craftsmanship"),
    "labour_rights": _l("Labour rights and law"),
    "digital": _l("Digital skills"),
}
STATUSES = {"draft": _l("Draft"), "published": _l("Published"), "archived": _l("Archived")}
LANGUAGES = {"zh_CN": "中文", "en": "English"}
MODULE_KINDS = {"lesson": _l("Lesson"), "video": _l("Video"), "quiz": _l("Quiz")}
QUESTION_KINDS = {
    "single": _l("Single choice"),
    "multiple": _l("Multiple choice"),
    "true_false": _l("True or false"),
}
ALL_OCCUPATIONS = "all"


class Course(db.Model):
    __tablename__ = "course"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'published', 'archived')", name="status"),
        CheckConstraint("credits >= 0 AND minutes >= 0", name="non_negative"),
        Index("ix_course_listing", "status", "category"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(120))
    summary: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(20))
    occupation: Mapped[str] = mapped_column(String(40), default=ALL_OCCUPATIONS, index=True)
    target_level: Mapped[str] = mapped_column(String(20), default="none")
    language: Mapped[str] = mapped_column(String(10), default="zh_CN")
    credits: Mapped[Decimal] = mapped_column(Numeric(8, 2), default=Decimal("0"))
    minutes: Mapped[int] = mapped_column(default=0)
    tags: Mapped[str] = mapped_column(String(400), default="")
    # Lower-cased title, summary and tags: one LIKE over one column finds a course.
    search_text: Mapped[str] = mapped_column(Text, default="")
    audience_org_id: Mapped[int | None] = mapped_column(ForeignKey("org.id"), index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    org_id: Mapped[int | None] = mapped_column(ForeignKey("org.id"))
    status: Mapped[str] = mapped_column(String(12), default="draft")
    source_hash: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    modules: Mapped[list["Module"]] = relationship(
        order_by="Module.position",
        primaryjoin="and_(Course.id == Module.course_id, Module.is_retired == False)",  # noqa: E712
        viewonly=True,
    )
    audience_org = relationship("Org", foreign_keys=[audience_org_id])

    @property
    def category_label(self):
        return CATEGORIES.get(self.category, self.category)

    @property
    def hours(self):
        return Decimal(self.minutes) / minutes_per_xueshi()

    @property
    def tag_list(self):
        return [tag for tag in self.tags.split("|") if tag]

    @property
    def is_published(self):
        return self.status == "published"


class Module(db.Model):
    __tablename__ = "module"
    __table_args__ = (
        UniqueConstraint("course_id", "key"),
        CheckConstraint("kind IN ('lesson', 'video', 'quiz')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    # The module's name in URLs and packages; stays the same when the content changes.
    key: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(10))
    is_required: Mapped[bool] = mapped_column(default=True)
    # A module dropped from its course keeps its row, so that progress on it stays explainable.
    is_retired: Mapped[bool] = mapped_column(default=False)
    revision: Mapped[int] = mapped_column(default=1)

    course: Mapped[Course] = relationship()

    @property
    def kind_label(self):
        return MODULE_KINDS.get(self.kind, self.kind)


class ModuleRevision(db.Model):
    __tablename__ = "module_revision"
    __table_args__ = (
        UniqueConstraint("module_id", "revision"),
        CheckConstraint("credits >= 0 AND minutes >= 0", name="non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id"), index=True)
    revision: Mapped[int] = mapped_column()
    title: Mapped[str] = mapped_column(String(120))
    body_source: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")  # sanitised by core.sanitize
    video: Mapped[str | None] = mapped_column(String(255))
    minutes: Mapped[int] = mapped_column(default=0)
    credits: Mapped[Decimal] = mapped_column(Numeric(8, 2), default=Decimal("0"))
    pass_mark: Mapped[int | None] = mapped_column()  # percent, quizzes only
    max_attempts: Mapped[int | None] = mapped_column()  # 0 or None: unlimited
    # When a quiz shows the right answers and explanations: once passed ("passed"), after the
    # last attempt ("last"), or never. Before that an attempt shows only which answers were wrong.
    reveal: Mapped[str] = mapped_column(String(10), default="passed", server_default="passed")
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    module: Mapped[Module] = relationship()
    questions: Mapped[list["Question"]] = relationship(
        back_populates="revision", order_by="Question.position", cascade="all, delete-orphan"
    )


class Question(db.Model):
    __tablename__ = "question"
    __table_args__ = (CheckConstraint("kind IN ('single', 'multiple', 'true_false')", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("module_revision.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(12))
    text: Mapped[str] = mapped_column(Text)
    explanation: Mapped[str] = mapped_column(Text, default="")

    revision: Mapped[ModuleRevision] = relationship(back_populates="questions")
    choices: Mapped[list["Choice"]] = relationship(
        back_populates="question", order_by="Choice.position", cascade="all, delete-orphan"
    )


class Choice(db.Model):
    __tablename__ = "choice"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(Text)
    # Never rendered before the attempt is submitted: scoring happens on the server.
    is_correct: Mapped[bool] = mapped_column(default=False)

    question: Mapped[Question] = relationship(back_populates="choices")
