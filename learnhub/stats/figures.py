"""The dashboard's figures for a union's subtree: totals, child unions, categories, trend.

Learning figures come from SubtreeRollup (a few hundred rows per union and period),
workers and active learners from Headcount, so a page costs the same handful of small
queries at any size of tree.
"""

from collections import defaultdict
from dataclasses import dataclass, field, fields
from datetime import datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from learnhub.catalog.models import CATEGORIES
from learnhub.core.hours import Hours
from learnhub.orgs.models import Org
from learnhub.stats.headcounts import headcounts
from learnhub.stats.models import MEASURES, RollupDrain, SubtreeRollup
from learnhub.stats.periods import add_months, trend_months

# Ideological and professional-ethics education, set beside the vocational categories.
IDEOLOGY = "ideology"


@dataclass
class Figures:
    """The figures of one union (or one row of a breakdown) over one period."""

    workers: int | None = None
    active_7: int | None = None
    active_30: int | None = None
    enrolments: int = 0
    completions: int = 0
    cohort_completions: int = 0
    credits: Decimal = field(default_factory=lambda: Decimal("0"))
    minutes: int = 0
    tenths: int = 0  # hours as shown (core.hours): sums of entries rounded once, never rounded again

    @property
    def hours(self):
        """The hours shown for these figures: the sum of their entries' hours as shown."""
        return Hours(self.tenths)

    @property
    def completion_rate(self):
        """Percent of the period's enrolments completed so far; None without enrolments."""
        if not self.enrolments:
            return None
        return (Decimal(self.cohort_completions) * 100 / self.enrolments).quantize(Decimal("0.1"))

    def add(self, other):
        for f in fields(self):
            mine, theirs = getattr(self, f.name), getattr(other, f.name)
            if theirs is not None:
                setattr(self, f.name, (mine or 0) + theirs)
        return self

    def minus(self, other):
        """These figures less `other`'s (what a union has beyond its child unions)."""
        result = Figures()
        for f in fields(self):
            mine, theirs = getattr(self, f.name), getattr(other, f.name)
            setattr(result, f.name, None if mine is None else mine - (theirs or 0))
        return result

    @property
    def is_empty(self):
        return not any(getattr(self, f.name) for f in fields(self))


def measures_of(row):
    """Figures from a row of rollup sums."""
    return Figures(
        enrolments=int(row.enrolments or 0),
        completions=int(row.completions or 0),
        cohort_completions=int(row.cohort_completions or 0),
        credits=Decimal(row.credits or 0).quantize(Decimal("0.01")),
        minutes=int(row.minutes or 0),
        tenths=int(row.tenths or 0),
    )


def sums_of(model=SubtreeRollup):
    """SUM() of every measure of a rollup table, labelled by name."""
    return [func.sum(getattr(model, name)).label(name) for name in MEASURES]


def in_subtree(org, column):
    """A WHERE clause: `column` (an org id) lies in `org`'s subtree."""
    return column.in_(select(Org.id).where(Org.path.startswith(org.path)))


def children_of(session, org):
    """The unions directly below `org`, by name."""
    return session.scalars(select(Org).where(Org.parent_id == org.id).order_by(Org.name, Org.id)).all()


def child_map(session, org):
    """{org id in the subtree: id of the child of `org` it lies under} (org itself maps to itself)."""
    depth = len(org.ancestor_ids)
    rows = session.execute(select(Org.id, Org.path).where(Org.path.startswith(org.path)))
    mapping = {}
    for org_id, path in rows:
        parts = path.strip("/").split("/")
        mapping[org_id] = int(parts[depth]) if len(parts) > depth else org_id
    return mapping


@dataclass
class Dashboard:
    org: Org
    total: Figures
    children: list  # [(Org or None for "the union itself", Figures)]
    categories: list  # [(code, label, Figures)]
    trend: list  # [(first day of month, Figures)]
    counted_at: object = None  # when workers and active learners were counted (UTC)
    recognitions: int = 0  # applications approved in the period, for workers of the subtree
    as_of: object = None  # what the unions below had done by then is in (the last drained batch, UTC)


def as_of(session):
    """When the subtree rollups last took in the outbox: the unions below are counted up to then."""
    return session.scalar(select(RollupDrain.drained_at).where(RollupDrain.id == 1))


def dashboard(session, org, period, today):
    """Everything the overview page shows for `org`'s subtree over `period`."""
    children = children_of(session, org)
    ids = [org.id] + [child.id for child in children]
    learned = {
        row.org_id: measures_of(row)
        for row in session.execute(
            select(SubtreeRollup.org_id, *sums_of())
            .where(SubtreeRollup.org_id.in_(ids), SubtreeRollup.day.between(period.start, period.end))
            .group_by(SubtreeRollup.org_id)
        )
    }
    people, counted_at = headcounts(session, ids)

    def figures_of(org_id):
        figures = learned.get(org_id, Figures())
        figures.workers, figures.active_7, figures.active_30 = people.get(org_id, (0, 0, 0))
        return figures

    total = figures_of(org.id)
    rows = [(child, figures_of(child.id)) for child in children]
    if children:
        beyond = total.minus(_total_of(rows))
        if not beyond.is_empty:
            rows.append((None, beyond))
    return Dashboard(
        org,
        total,
        rows,
        category_figures(session, org, period),
        trend(session, org, period),
        counted_at,
        recognitions_approved(session, org, period),
        as_of(session) if children else None,
    )


def recognitions_approved(session, org, period):
    """How many recognition applications of workers of `org`'s subtree were approved in `period`.

    Approvals are few beside learning events, so they are counted from the applications
    themselves rather than rolled up.
    """
    from zoneinfo import ZoneInfo

    from learnhub.accounts.models import User
    from learnhub.recognition.models import Application

    zone = ZoneInfo("Asia/Shanghai")  # the period's days are Beijing days
    start = datetime.combine(period.start, time(), tzinfo=zone)
    end = datetime.combine(period.end + timedelta(days=1), time(), tzinfo=zone)
    return session.scalar(
        select(func.count(Application.id))
        .join(User, User.id == Application.user_id)
        .join(Org, Org.id == User.org_id)
        .where(
            Org.path.startswith(org.path),
            Application.status == "approved",
            Application.decided_at >= start,
            Application.decided_at < end,
        )
    )


def _total_of(rows):
    result = Figures(workers=0, active_7=0, active_30=0)
    for _child, figures in rows:
        result.add(figures)
    return result


def category_figures(session, org, period):
    """[(category, label, Figures)] for the subtree over the period, every category listed."""
    found = {
        row.category: measures_of(row)
        for row in session.execute(
            select(SubtreeRollup.category, *sums_of())
            .where(SubtreeRollup.org_id == org.id, SubtreeRollup.day.between(period.start, period.end))
            .group_by(SubtreeRollup.category)
        )
    }
    return [(code, label, found.get(code, Figures())) for code, label in CATEGORIES.items()] + [
        (code, code, figures) for code, figures in found.items() if code not in CATEGORIES
    ]


def trend(session, org, period):
    """[(month, Figures)] over the trend's months, empty months included."""
    months = trend_months(period)
    end = min(add_months(months[-1], 1) - timedelta(days=1), period.end)
    by_month = defaultdict(Figures)
    for row in session.execute(
        select(SubtreeRollup.day, *sums_of())
        .where(SubtreeRollup.org_id == org.id, SubtreeRollup.day.between(months[0], end))
        .group_by(SubtreeRollup.day)
    ):
        by_month[row.day.replace(day=1)].add(measures_of(row))
    return [(month, by_month.get(month, Figures())) for month in months]


def ideology_share(categories):
    """Percent of the period's completed learning hours spent on ideals, ethics and craftsmanship."""
    total = sum(figures.minutes for _c, _l, figures in categories)
    if not total:
        return None
    mine = sum(figures.minutes for code, _l, figures in categories if code == IDEOLOGY)
    return (Decimal(mine) * 100 / total).quantize(Decimal("0.1"))


def headline(session, org, today):
    """The three figures of the admin's home page: workers, active learners, completions this month."""
    people, _counted_at = headcounts(session, [org.id])
    workers, _week, month_active = people.get(org.id, (0, 0, 0))
    row = session.execute(
        select(*sums_of()).where(SubtreeRollup.org_id == org.id, SubtreeRollup.day.between(today.replace(day=1), today))
    ).one()
    return {
        "workers": workers,
        "active_30": month_active,
        "completions": int(row.completions or 0),
        "as_of": as_of(session) if org.kind != "enterprise" else None,
    }
