"""Keeping the rollups current: the learning signals add to them, `rebuild` recomputes them.

Every handler runs inside the learner's transaction and writes the learner's own union's rows
with upserts (INSERT ... ON CONFLICT DO UPDATE SET x = x + excluded.x), so that two learners
of one union finishing at the same moment add up instead of colliding. What the event owes to
the unions above (up to the national row, which every event in the country would otherwise
queue behind) goes into an outbox, which `drain_outbox` adds to their subtree rows in batches,
each batch one transaction: a drain killed half-way leaves the batch in the outbox, uncounted.
"""

from collections import defaultdict
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import Date, cast, delete, func, insert, literal, select, union_all
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from learnhub.accounts.models import User
from learnhub.catalog.models import Course
from learnhub.core import tasks
from learnhub.core.db import dialect_insert
from learnhub.core.hours import tenths_sql
from learnhub.credits.models import Account, LedgerEntry
from learnhub.extensions import db
from learnhub.learning.models import Enrolment
from learnhub.orgs.models import Org
from learnhub.stats.models import MEASURES, Rollup, RollupDrain, RollupOutbox, SubtreeRollup

# The day a learner would name: Beijing time. China keeps no summer time, so SQL may add 8 hours.
LOCAL_ZONE = ZoneInfo("Asia/Shanghai")


def local_day(moment):
    """The calendar day in Beijing of a UTC moment."""
    return (moment or datetime.now(UTC)).astimezone(LOCAL_ZONE).date()


def today():
    """Today in Beijing."""
    return local_day(datetime.now(UTC))


class local_date(FunctionElement):
    """SQL: the Beijing calendar day of a UTC timestamp column."""

    type = Date()
    inherit_cache = True


@compiles(local_date, "postgresql")
def _local_date_pg(element, compiler, **kw):
    return f"CAST(({compiler.process(element.clauses, **kw)}) AT TIME ZONE 'Asia/Shanghai' AS DATE)"


@compiles(local_date, "sqlite")
def _local_date_sqlite(element, compiler, **kw):
    # SQLite keeps our UTC datetimes as 'YYYY-MM-DD HH:MM:SS' text.
    return f"date({compiler.process(element.clauses, **kw)}, '+8 hours')"


# ---------------------------------------------------------------- adding events


def _zero():
    return {
        "enrolments": 0,
        "completions": 0,
        "cohort_completions": 0,
        "credits": Decimal("0"),
        "minutes": 0,
        "tenths": 0,
    }


def _adding(insert, model, keys):
    """INSERT … ON CONFLICT (keys) DO UPDATE: the row's measures plus the ones given."""
    stmt = insert(model)
    return stmt.on_conflict_do_update(
        index_elements=keys,
        set_={name: getattr(model.__table__.c, name) + getattr(stmt.excluded, name) for name in MEASURES},
    )


# Every learning event adds to both tables, so their statements are built once per database
# and given the rows as parameters: built anew for each event they cost a fifth of a module's
# completion (bench/instructions.py: 24.6 M instructions a completion as here, 30.7 M built each time).
_ADD_TO = {
    dialect: {
        Rollup: _adding(insert, Rollup, ["org_id", "course_id", "day"]),
        SubtreeRollup: _adding(insert, SubtreeRollup, ["org_id", "day", "category"]),
    }
    for dialect, insert in (("sqlite", sqlite.insert), ("postgresql", postgresql.insert))
}


def _upsert(model, rows):
    """Add `rows` to `model`'s rows, in the order given: one statement, the rows its parameters."""
    if rows:
        db.session.execute(_ADD_TO[db.session.get_bind().dialect.name][model], rows)


def add_events(org, course, events):
    """Add figures to the rollups of `org` (the learner's union), and owe them to every union above it.

    `events` is a list of (day, {measure: amount}). One statement per table; rows go in a
    fixed order, so that two transactions touching the same rows wait rather than deadlock.
    The unions above get theirs when the outbox is drained (`drain_outbox`).
    """
    by_day = defaultdict(_zero)
    for day, amounts in events:
        for name, amount in amounts.items():
            by_day[day][name] += amount
    days = sorted(by_day)
    _upsert(
        Rollup,
        [dict(org_id=org.id, course_id=course.id, day=day, **by_day[day]) for day in days],
    )
    _upsert(SubtreeRollup, [dict(org_id=org.id, day=day, category=course.category, **by_day[day]) for day in days])
    if org.parent_id is not None:
        db.session.execute(
            insert(RollupOutbox),
            [dict(org_id=org.id, day=day, category=course.category, **by_day[day]) for day in days],
        )


# ---------------------------------------------------------------- draining the outbox


def _drain_state():
    """The drain's one row, locked until the transaction ends, so that drains run one at a time."""
    state = db.session.scalar(select(RollupDrain).where(RollupDrain.id == 1).with_for_update())
    if state is None:
        db.session.execute(dialect_insert(RollupDrain).values(id=1, batches=0).on_conflict_do_nothing())
        state = db.session.scalar(select(RollupDrain).where(RollupDrain.id == 1).with_for_update())
    return state


def drain_outbox(batch=None):
    """Add one batch of the outbox to the subtree rollups of the unions above each learner's.

    The figures are added and their outbox rows deleted in the caller's transaction, so a
    batch counts once or not at all. Returns how many outbox rows were drained.
    """
    batch = batch or current_app.config["STATS_OUTBOX_BATCH"]
    state = _drain_state()
    owed = db.session.execute(
        select(RollupOutbox, Org.path).join(Org, Org.id == RollupOutbox.org_id).order_by(RollupOutbox.id).limit(batch)
    ).all()
    sums = defaultdict(_zero)
    for row, path in owed:
        for org_id in (int(part) for part in path.strip("/").split("/") if part):
            if org_id != row.org_id:
                for name in MEASURES:
                    sums[org_id, row.day, row.category][name] += getattr(row, name)
    _upsert(
        SubtreeRollup,
        [
            dict(org_id=org_id, day=day, category=category, **sums[org_id, day, category])
            for org_id, day, category in sorted(sums)
        ],
    )
    if owed:
        db.session.execute(delete(RollupOutbox).where(RollupOutbox.id.in_([row.id for row, _path in owed])))
        state.batches += 1
    state.drained_at = datetime.now(UTC)
    db.session.flush()
    return len(owed)


def drain_rollups():
    """The periodic task: drain a batch; a full batch puts the next one on the queue at once."""
    if drain_outbox() >= current_app.config["STATS_OUTBOX_BATCH"]:
        tasks.enqueue(drain_rollups)


# ---------------------------------------------------------------- rebuilding from raw tables


def _raw_events():
    """One row per raw event: (org_id, course_id, day, enrolments, completions, cohort, credits, minutes, tenths)."""
    zero_credits = cast(literal(0), LedgerEntry.credits.type)

    def row(org_id, course_id, day, e=0, c=0, cc=0, credits=None, minutes=None):
        # Hours as shown: each ledger entry rounded once, by the rule the record uses.
        tenths = tenths_sql(minutes) if minutes is not None else literal(0)
        return [
            org_id.label("org_id"),
            course_id.label("course_id"),
            day.label("day"),
            literal(e).label("enrolments"),
            literal(c).label("completions"),
            literal(cc).label("cohort_completions"),
            (credits if credits is not None else zero_credits).label("credits"),
            (minutes if minutes is not None else literal(0)).label("minutes"),
            tenths.label("tenths"),
        ]

    enrolments = select(*row(User.org_id, Enrolment.course_id, local_date(Enrolment.enrolled_at), e=1)).join(
        User, User.id == Enrolment.user_id
    )
    completions = (
        select(*row(User.org_id, Enrolment.course_id, local_date(Enrolment.completed_at), c=1))
        .join(User, User.id == Enrolment.user_id)
        .where(Enrolment.completed_at.is_not(None))
    )
    cohorts = (
        select(*row(User.org_id, Enrolment.course_id, local_date(Enrolment.enrolled_at), cc=1))
        .join(User, User.id == Enrolment.user_id)
        .where(Enrolment.completed_at.is_not(None))
    )
    # What modules and courses paid, and their corrections (which carry the links of the entry
    # they correct), on the day each was written. Recognitions and prior learning link no course.
    paid = (
        select(
            *row(
                User.org_id,
                LedgerEntry.course_id,
                local_date(LedgerEntry.created_at),
                credits=LedgerEntry.credits,
                minutes=LedgerEntry.minutes,
            )
        )
        .join(Account, Account.id == LedgerEntry.account_id)
        .join(User, User.id == Account.user_id)
        .where(LedgerEntry.course_id.is_not(None))
    )
    return union_all(enrolments, completions, cohorts, paid).subquery("raw")


def _depth():
    # '/1/4/17/' has four slashes and depth 2.
    return func.length(Org.path) - func.length(func.replace(Org.path, "/", "")) - 2


def rebuild_rollups():
    """Recompute both rollup tables from enrolments and the ledger; returns the row counts.

    Learners count for the union they belong to now. Corrections to the ledger (reversals)
    take their credits and hours off the reversed entry's course on the day they were made,
    as the ledger's signal does.
    """
    state = _drain_state()  # no drain adds a batch to the tables while they are rebuilt
    db.session.execute(delete(RollupOutbox))
    db.session.execute(delete(SubtreeRollup))
    db.session.execute(delete(Rollup))
    raw = _raw_events()
    columns = ["org_id", "course_id", "day", *MEASURES]
    db.session.execute(
        Rollup.__table__.insert().from_select(
            columns,
            select(raw.c.org_id, raw.c.course_id, raw.c.day, *(func.sum(raw.c[name]) for name in MEASURES)).group_by(
                raw.c.org_id, raw.c.course_id, raw.c.day
            ),
        )
    )
    # Each union's own learners first, then every level adds itself to its parent, deepest first.
    sums = [func.sum(getattr(Rollup, name)) for name in MEASURES]
    db.session.execute(
        SubtreeRollup.__table__.insert().from_select(
            ["org_id", "category", "day", *MEASURES],
            select(Rollup.org_id, Course.category, Rollup.day, *sums)
            .join(Course, Course.id == Rollup.course_id)
            .group_by(Rollup.org_id, Course.category, Rollup.day),
        )
    )
    deepest = db.session.scalar(select(func.max(_depth()))) or 0
    for depth in range(deepest, 0, -1):
        child_sums = [func.sum(getattr(SubtreeRollup, name)) for name in MEASURES]
        stmt = dialect_insert(SubtreeRollup).from_select(
            ["org_id", "category", "day", *MEASURES],
            select(Org.parent_id, SubtreeRollup.category, SubtreeRollup.day, *child_sums)
            .join(Org, Org.id == SubtreeRollup.org_id)
            .where(_depth() == depth, Org.parent_id.is_not(None))
            .group_by(Org.parent_id, SubtreeRollup.category, SubtreeRollup.day),
        )
        db.session.execute(
            stmt.on_conflict_do_update(
                index_elements=["org_id", "day", "category"],
                set_={
                    name: getattr(SubtreeRollup.__table__.c, name) + getattr(stmt.excluded, name) for name in MEASURES
                },
            )
        )
    state.drained_at = datetime.now(UTC)
    db.session.flush()
    return (
        db.session.scalar(select(func.count()).select_from(Rollup)),
        db.session.scalar(select(func.count()).select_from(SubtreeRollup)),
    )
