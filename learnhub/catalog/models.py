"""Courses, their modules, and the revisions that hold each module's content.

A Module is the stable identity that progress hangs on; its content lives in numbered
ModuleRevisions, so that a course can change without anybody losing what they did.
"""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learnhub.core.db import UTCDateTime, utcnow
from learnhub.core.hours import minutes_per_xueshi
from learnhub.core.i18n import lazy_gettext as _l
from learnhub.core.jobs import Job
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
    "number": _l("Fill in a number"),
    "text": _l("Short answer"),
}
CHOICE_KINDS = ("single", "multiple", "true_false")
DIFFICULTIES = {"basic": _l("Basic"), "harder": _l("Harder")}
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
    # A quiz drawn from its course's bank (BankQuestion): {"basic": 6, "harder": 4, "each_topic": true,
    # "topics": [...] or absent for all}; None: the quiz asks its own questions below.
    draw: Mapped[dict | None] = mapped_column(JSON)
    time_limit: Mapped[int | None] = mapped_column()  # minutes from starting the paper; None: not timed
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    module: Mapped[Module] = relationship()
    questions: Mapped[list["Question"]] = relationship(
        back_populates="revision", order_by="Question.position", cascade="all, delete-orphan"
    )


_KIND_CHECK = "kind IN ('single', 'multiple', 'true_false', 'number', 'text')"


class Question(db.Model):
    __tablename__ = "question"
    __table_args__ = (CheckConstraint(_KIND_CHECK, name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("module_revision.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(12))
    text: Mapped[str] = mapped_column(Text)
    explanation: Mapped[str] = mapped_column(Text, default="")
    # What a typed answer is checked against (catalog.questions): a number {"value", "tolerance",
    # "unit"} or a short answer {"accepted": [...]}; None for the kinds with choices.
    answer: Mapped[dict | None] = mapped_column(JSON)

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


class BankQuestion(db.Model):
    """A question of a course's bank (题库), from which quizzes with a `draw` rule and drills take papers.

    Never edited once written: a changed question is a new row and the old one is retired, so
    that every attempt and drill can show exactly what was asked.
    """

    __tablename__ = "bank_question"
    __table_args__ = (
        CheckConstraint(_KIND_CHECK, name="kind"),
        CheckConstraint("difficulty IN ('basic', 'harder')", name="difficulty"),
        Index("ix_bank_question_course_live", "course_id", "is_retired"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"))
    # The question's name in the package (bank.yaml `id`), or one made from its text.
    key: Mapped[str] = mapped_column(String(80))
    topic: Mapped[str] = mapped_column(String(80))
    difficulty: Mapped[str] = mapped_column(String(10), default="basic")
    kind: Mapped[str] = mapped_column(String(12))
    text: Mapped[str] = mapped_column(Text)
    explanation: Mapped[str] = mapped_column(Text, default="")
    answer: Mapped[dict | None] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    is_retired: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    course: Mapped[Course] = relationship()
    choices: Mapped[list["BankChoice"]] = relationship(
        back_populates="question", order_by="BankChoice.position", cascade="all, delete-orphan"
    )

    @property
    def difficulty_label(self):
        return DIFFICULTIES.get(self.difficulty, self.difficulty)


class BankChoice(db.Model):
    __tablename__ = "bank_choice"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("bank_question.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(Text)
    is_correct: Mapped[bool] = mapped_column(default=False)  # never rendered before an answer is given

    question: Mapped[BankQuestion] = relationship(back_populates="choices")


RENDITION_STATUSES = ("waiting", "ready", "failed")


class VideoRendition(db.Model):
    """The phone rendition of a course's video (core/video.py): H.264/AAC, at most 480p, a poster.

    `name` is the video's file name in the course's media (a lesson's media/<name>). The
    rendition and its poster are stored beside the original (`video_key`, `poster_key`) by a
    job of the task queue (studio/transcode.py) and recorded here only once both are whole;
    the catalogue serves them as media/<slug>/<stem>.480p.mp4 and <stem>.poster.jpg once the
    original is published.

    `status` is waiting (the job has not finished), ready, or failed with a `reason`; while it
    waits, the job tells whether it is queued, running or has given up (`state`).
    """

    __tablename__ = "video_rendition"
    __table_args__ = (
        UniqueConstraint("course_id", "name"),
        CheckConstraint("status IN ('waiting', 'ready', 'failed')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    source_key: Mapped[str] = mapped_column(String(200))
    source_size: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(12), default="waiting")
    reason: Mapped[str] = mapped_column(String(20), default="")  # why it failed: see REASONS in studio
    job_id: Mapped[int | None] = mapped_column(ForeignKey("job.id"))
    video_key: Mapped[str | None] = mapped_column(String(200))
    poster_key: Mapped[str | None] = mapped_column(String(200))
    width: Mapped[int | None] = mapped_column()
    height: Mapped[int | None] = mapped_column()
    size: Mapped[int | None] = mapped_column()
    duration_ms: Mapped[int | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ready_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    job: Mapped[Job | None] = relationship()

    @property
    def stem(self):
        return self.name.rsplit(".", 1)[0]

    @property
    def video_name(self):
        """The rendition's file name in the course's published media."""
        return f"{self.stem}.480p.mp4"

    @property
    def poster_name(self):
        return f"{self.stem}.poster.jpg"

    @property
    def state(self):
        """waiting, transcoding, ready or failed, as the studio shows it."""
        if self.status != "waiting":
            return self.status
        if self.job is not None and self.job.state == "running":
            return "transcoding"
        if self.job is not None and self.job.state == "failed":
            return "failed"  # tried JOB_MAX_ATTEMPTS times and gave up
        return "waiting"
