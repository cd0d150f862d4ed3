"""Rollups that statistics read instead of the raw event tables, and required courses.

`Rollup` is the record of what happened: per enterprise union of the learner, course and
day. `SubtreeRollup` holds the same figures summed over each union's whole subtree, per
category and day, so that the national dashboard reads a few hundred rows instead of
summing a million by path prefix on every request. Both are written by the learning
signals in the learner's own transaction, and `flask stats rebuild` can rebuild both from
the raw tables.
"""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Date, ForeignKey, Index, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learnhub.catalog.models import Course
from learnhub.core.db import UTCDateTime, utcnow
from learnhub.extensions import db
from learnhub.orgs.models import Org

# The figures every rollup row carries, in the order tables and exports show them.
MEASURES = ("enrolments", "completions", "cohort_completions", "credits", "minutes", "tenths")


class _Measures:
    enrolments: Mapped[int] = mapped_column(default=0)
    completions: Mapped[int] = mapped_column(default=0)
    # Of the enrolments made on this day, how many have been completed since (on any day):
    # completion rate = cohort_completions / enrolments stays between 0 and 100 %.
    cohort_completions: Mapped[int] = mapped_column(default=0)
    # Sums over many learners outgrow the Numeric(8, 2) of one ledger entry.
    credits: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal("0"))
    minutes: Mapped[int] = mapped_column(default=0)
    # Hours as shown, in tenths: the sum of each ledger entry's hours rounded once (core.hours),
    # so that a union's hours are the sum of its rows however they are broken down.
    tenths: Mapped[int] = mapped_column(default=0, server_default="0")


class Rollup(_Measures, db.Model):
    """What the learners of one union did in one course on one day (Beijing time)."""

    __tablename__ = "rollup"
    __table_args__ = (Index("ix_rollup_day", "day"),)

    org_id: Mapped[int] = mapped_column(ForeignKey("org.id"), primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), primary_key=True, index=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)


class SubtreeRollup(_Measures, db.Model):
    """What the learners of a union and every union below it did in a category on a day."""

    __tablename__ = "rollup_subtree"

    org_id: Mapped[int] = mapped_column(ForeignKey("org.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    category: Mapped[str] = mapped_column(String(20), primary_key=True)


class Headcount(db.Model):
    """Workers and active learners of a union and every union below it, as last counted.

    Distinct learners over a window cannot be added up from daily rows, and counting them
    from ActivityDay takes most of a second for the whole nation; so they are counted for
    every union at once and kept here for a few minutes (see stats.headcounts).
    """

    __tablename__ = "headcount"

    org_id: Mapped[int] = mapped_column(ForeignKey("org.id"), primary_key=True)
    workers: Mapped[int] = mapped_column(default=0)
    active_7: Mapped[int] = mapped_column(default=0)
    active_30: Mapped[int] = mapped_column(default=0)
    counted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RequiredCourse(db.Model):
    """A course an admin requires of every worker in their union's subtree, by a deadline."""

    __tablename__ = "required_course"
    __table_args__ = (UniqueConstraint("org_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("org.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    due_on: Mapped[date] = mapped_column(Date)
    # Whom it asks, within the union's subtree: these occupations and skill levels (empty: all).
    occupations: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")
    skill_levels: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    org: Mapped[Org] = relationship()
    course: Mapped[Course] = relationship()

    def asks(self, user):
        """Whether this requirement asks `user` (a worker of its subtree, of its occupations and levels)."""
        return (
            user.role == "worker"
            and self.org_id in user.org.ancestor_ids
            and (not self.occupations or user.occupation in self.occupations)
            and (not self.skill_levels or user.skill_level in self.skill_levels)
        )


class RequirementReminder(db.Model):
    """An admin reminded the workers of a union's subtree who had not finished a required course.

    One a day per requirement and union: the workers' inbox is not for nagging.
    """

    __tablename__ = "requirement_reminder"
    __table_args__ = (UniqueConstraint("requirement_id", "org_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    requirement_id: Mapped[int] = mapped_column(ForeignKey("required_course.id", ondelete="CASCADE"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("org.id"))
    day: Mapped[date] = mapped_column(Date)
    # The ids of the workers the admin chose on the list; empty: everyone not finished.
    people: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RollupOutbox(_Measures, db.Model):
    """Figures a learning event owes to the subtree rollups of every union above the learner's.

    The learner's own union is written in the event's transaction; the unions above it, up to
    the national one that every event in the country shares, are added in batches by the task
    queue (stats.rollups.drain_outbox), so that learners do not queue behind one row.
    """

    __tablename__ = "rollup_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("org.id"))  # the learner's union
    day: Mapped[date] = mapped_column(Date)
    category: Mapped[str] = mapped_column(String(20))


class RollupDrain(db.Model):
    """One row: when the outbox was last drained into the subtree rollups (their "as of")."""

    __tablename__ = "rollup_drain"

    id: Mapped[int] = mapped_column(primary_key=True)
    drained_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    batches: Mapped[int] = mapped_column(default=0)
