"""Enrolments, progress per module, quiz attempts and active days."""

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learnhub.catalog.models import Course, Module
from learnhub.core.db import UTCDateTime, utcnow
from learnhub.extensions import db


class Enrolment(db.Model):
    __tablename__ = "enrolment"
    __table_args__ = (
        UniqueConstraint("user_id", "course_id"),
        Index("ix_enrolment_user_active", "user_id", "last_active_at"),
        # The enrolments and completions of a period, for the statistics by occupation and level.
        Index("ix_enrolment_enrolled_at", "enrolled_at"),
        Index("ix_enrolment_completed_at", "completed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_module_id: Mapped[int | None] = mapped_column(ForeignKey("module.id"))
    last_active_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    course: Mapped[Course] = relationship()
    last_module: Mapped[Module | None] = relationship()


class Progress(db.Model):
    __tablename__ = "progress"
    __table_args__ = (UniqueConstraint("user_id", "module_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    position_s: Mapped[int] = mapped_column(default=0)  # where a video was left, in seconds
    best_score: Mapped[int | None] = mapped_column()  # percent, quizzes only
    # Study time as evidence (learning.study): seconds active on the module as the player's
    # heartbeats measured them (None: not measured, as for progress older than measuring),
    # when the last heartbeat came, and the ranges of a video actually played, [[start, end], ...].
    active_seconds: Mapped[int | None] = mapped_column()
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    played: Mapped[list | None] = mapped_column(JSON)


class QuizAttempt(db.Model):
    __tablename__ = "quiz_attempt"
    __table_args__ = (Index("ix_quiz_attempt_user_module", "user_id", "module_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id"))
    revision_id: Mapped[int] = mapped_column(ForeignKey("module_revision.id"))
    # {question_id: [choice_id, ...]} for questions with choices, {question_id: "as typed"} for the others.
    answers: Mapped[dict] = mapped_column(JSON)
    # The paper as it was shown: [[question_id, [choice_id, ...]], ...] in order (None: before papers).
    paper: Mapped[list | None] = mapped_column(JSON)
    score: Mapped[int] = mapped_column()  # percent
    is_passed: Mapped[bool] = mapped_column()
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # timed papers: when the clock started
    # {question_id: true|false}: which answers were right (None: attempts from before, worked out when shown).
    marks: Mapped[dict | None] = mapped_column(JSON)
    is_late: Mapped[bool] = mapped_column(default=False, server_default=false())  # handed in after the time: not scored


class QuizSitting(db.Model):
    """A timed paper being written: drawn and clocked on the server when the worker pressed Start.

    One at a time per person and quiz; the submission scores this paper and removes the row.
    """

    __tablename__ = "quiz_sitting"
    __table_args__ = (UniqueConstraint("user_id", "module_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id"), index=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("module_revision.id"))
    paper: Mapped[list] = mapped_column(JSON)  # as QuizAttempt.paper
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ActivityDay(db.Model):
    """A worker learned on this day: distinct active learners over any window, cheaply."""

    __tablename__ = "activity_day"
    # Active learners over a window are "distinct users with a day >= start": this index lets
    # the database answer from the index alone, without visiting the table.
    __table_args__ = (Index("ix_activity_day_day_user", "day", "user_id"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True, index=True)
