"""Drills (岗位练兵) and competitions (技术比武): drills and what each person has drilled; contests and their entries."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, Numeric, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from learnhub.core.db import UTCDateTime, utcnow
from learnhub.extensions import db


class Drill(db.Model):
    """One drill of one person: the daily one (at most one a day) or one over their wrong-answer book.

    `questions` are the questions asked, in order, each with its choices in the order shown
    ([[bank question id, [choice ids]], ...]); `answers` the answers given so far, in the same
    order ([{"answer": ..., "right": true}, ...]): the next question is number len(answers) + 1.
    """

    __tablename__ = "drill"
    __table_args__ = (
        CheckConstraint("kind IN ('daily', 'book')", name="kind"),
        Index("ix_drill_user_day", "user_id", "day"),
        # One daily drill a person a day: two taps on Start, or two devices, find the same one.
        Index(
            "uq_drill_daily",
            "user_id",
            "day",
            unique=True,
            sqlite_where=text("kind = 'daily'"),
            postgresql_where=text("kind = 'daily'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    kind: Mapped[str] = mapped_column(String(10), default="daily")
    day: Mapped[date] = mapped_column(Date)  # in Beijing time: the day the person would name
    questions: Mapped[list] = mapped_column(JSON)
    answers: Mapped[list] = mapped_column(JSON, default=list)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def right(self):
        return sum(1 for item in self.answers if item.get("right"))

    @property
    def is_finished(self):
        return self.finished_at is not None


class DrillItem(db.Model):
    """How a person has done on one bank question in drills; `is_in_book`: in their wrong-answer book (错题本)."""

    __tablename__ = "drill_item"
    __table_args__ = (Index("ix_drill_item_book", "user_id", "is_in_book"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("bank_question.id"), primary_key=True)
    times_answered: Mapped[int] = mapped_column(default=0)
    times_missed: Mapped[int] = mapped_column(default=0)
    last_answer: Mapped[dict | None] = mapped_column(JSON)  # {"answer": ...} of the latest wrong answer
    is_in_book: Mapped[bool] = mapped_column(default=False)
    last_answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# The stages of a competition, lowest first: a round of each stage may admit the best of a round below.
STAGES = ("enterprise", "city", "province")


class Contest(db.Model):
    """A skill competition (技术比武) of a union's subtree: a paper drawn from banks, clocked, one attempt.

    Who may enter: the workers of the union `org_id` and every union below it, of `occupation`
    when one is set and of one of `levels` (skill levels) when any are listed. Each entrant
    writes a paper of their own (ContestEntry); the rankings show to the entrants once an admin
    publishes the results.

    Stages: a contest is a round of one `stage` (enterprise, city, province). A round may be
    linked to the round below it (`previous_id`, of a lower stage): then only those who went
    through from that round may enter: the top `admit_top`, or the top `admit_percent` per
    cent (rounded up), of each union of the lower round's stage, by the lower round's published
    ranking (see ContestEntry.union_rank). So the enterprise round sends each enterprise's best
    to the city round, and the city round each city's best to the province's.
    """

    __tablename__ = "contest"
    __table_args__ = (
        CheckConstraint("time_limit > 0 AND closes_at > opens_at", name="window"),
        CheckConstraint("stage IN ('enterprise', 'city', 'province')", name="stage"),
        CheckConstraint(
            "(previous_id IS NULL AND admit_top IS NULL AND admit_percent IS NULL)"
            " OR (previous_id IS NOT NULL AND (admit_top IS NULL) <> (admit_percent IS NULL))",
            name="admission",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    org_id: Mapped[int] = mapped_column(ForeignKey("org.id"), index=True)
    org_path: Mapped[str] = mapped_column(String(255))  # the union's path: its subtree is a prefix
    occupation: Mapped[str | None] = mapped_column(String(40))
    levels: Mapped[list] = mapped_column(
        JSON, default=list, server_default="[]"
    )  # skill levels who may enter; empty: any
    stage: Mapped[str] = mapped_column(String(12), default="enterprise", server_default="enterprise")
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("contest.id"), index=True)
    admit_top: Mapped[int | None] = mapped_column()  # the best N of each union of the round below
    admit_percent: Mapped[int | None] = mapped_column()  # ... or the best share, in per cent
    course_ids: Mapped[list] = mapped_column(JSON)  # the courses whose banks the papers are drawn from
    rule: Mapped[dict] = mapped_column(JSON)  # as ModuleRevision.draw
    time_limit: Mapped[int] = mapped_column()  # minutes
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # What a result counts for once published: each contestant ranked gets a ledger entry of
    # kind "competition" paying these (usually nothing); the best `winners` get a credential.
    credits: Mapped[Decimal] = mapped_column(Numeric(8, 2), default=Decimal("0"), server_default="0")
    minutes: Mapped[int] = mapped_column(default=0, server_default="0")
    winners: Mapped[int] = mapped_column(default=3, server_default="3")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    results_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When its workers were told it opened, and that it closes within a day (contests.notices).
    opening_told_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closing_told_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ContestEntry(db.Model):
    """One contestant's paper: drawn when they entered, clocked from then, scored when handed in."""

    __tablename__ = "contest_entry"
    __table_args__ = (
        UniqueConstraint("contest_id", "user_id"),  # one attempt
        Index("ix_contest_entry_ranking", "contest_id", "score", "seconds"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("org.id"))  # the contestant's union when they entered
    paper: Mapped[list] = mapped_column(JSON)  # [[bank question id, [choice ids]], ...]
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answers: Mapped[dict | None] = mapped_column(JSON)
    marks: Mapped[dict | None] = mapped_column(JSON)
    score: Mapped[int | None] = mapped_column()  # percent
    seconds: Mapped[int | None] = mapped_column()  # from entering to handing in
    is_late: Mapped[bool] = mapped_column(default=False)
    # Set when the results are published, for the papers handed in on time: the rank in the
    # contest, the union of the contest's stage the contestant counts for (their enterprise
    # union in an enterprise round, their city's in a city round) and the rank within it.
    rank: Mapped[int | None] = mapped_column()
    union_id: Mapped[int | None] = mapped_column(ForeignKey("org.id"))
    union_rank: Mapped[int | None] = mapped_column()
