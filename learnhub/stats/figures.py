"""The dashboard's figures for a union's subtree: totals, child unions, categories, trend.

Learning figures come from SubtreeRollup (a few hundred rows per union and period);
headcounts from the people table and active learners from ActivityDay, one grouped query
each, so a page costs the same handful of queries at any size of tree.
"""

from collections import defaultdict
from dataclasses import dataclass, field, fields
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import case, func, select

from learnhub.accounts.models import User
from learnhub.catalog.models import CATEGORIES
from learnhub.extensions import db
from learnhub.learning.models import ActivityDay
from learnhub.orgs.models import Org
from learnhub.stats.models import MEASURES, SubtreeRollup
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


def _measures(row):
    return Figures(enrolments=int(row.enrolments or 0), completions=int(row.completions or 0),
                   cohort_completions=int(row.cohort_completions or 0),
                   credits=Decimal(row.credits or 0).quantize(Decimal("0.01")), minutes=int(row.minutes or 0))


def _sums(model=SubtreeRollup):
    return [func.sum(getattr(model, name)).label(name) for name in MEASURES]


def in_subtree(org, column):
    """A WHERE clause: `column` (an org id) lies in `org`'s subtree."""
    return column.in_(select(Org.id).where(Org.path.startswith(org.path)))


def children_of(org):
    """The unions directly below `org`, by name."""
    return db.session.scalars(select(Org).where(Org.parent_id == org.id).order_by(Org.name, Org.id)).all()


def _child_map(org):
    """{org id in the subtree: id of the child of `org` it lies under} (org itself maps to itself)."""
    depth = len(org.ancestor_ids)
    rows = db.session.execute(select(Org.id, Org.path).where(Org.path.startswith(org.path)))
    mapping = {}
    for org_id, path in rows:
        parts = path.strip("/").split("/")
        mapping[org_id] = int(parts[depth]) if len(parts) > depth else org_id
    return mapping


def headcounts(org, today):
    """{org id: (workers, active in 7 days, active in 30 days)} for every union of the subtree."""
    workers = dict(db.session.execute(
        select(User.org_id, func.count())
        .where(User.role == "worker", User.is_active_account.is_(True), in_subtree(org, User.org_id))
        .group_by(User.org_id)).all())
    # Each learner's last active day within 30 days: one pass serves both windows.
    last = (select(ActivityDay.user_id, func.max(ActivityDay.day).label("last"))
            .where(ActivityDay.day >= today - timedelta(days=29)).group_by(ActivityDay.user_id).subquery())
    week = today - timedelta(days=6)
    active = db.session.execute(
        select(User.org_id, func.sum(case((last.c.last >= week, 1), else_=0)), func.count())
        .join(last, last.c.user_id == User.id).where(in_subtree(org, User.org_id))
        .group_by(User.org_id)).all()
    counts = defaultdict(lambda: [0, 0, 0])
    for org_id, number in workers.items():
        counts[org_id][0] = number
    for org_id, a7, a30 in active:
        counts[org_id][1], counts[org_id][2] = int(a7 or 0), int(a30 or 0)
    return counts


@dataclass
class Dashboard:
    org: Org
    total: Figures
    children: list  # [(Org or None for "the union itself", Figures)]
    categories: list  # [(code, label, Figures)]
    trend: list  # [(first day of month, Figures)]


def dashboard(org, period, today):
    """Everything the overview page shows for `org`'s subtree over `period`."""
    children = children_of(org)
    ids = [org.id] + [child.id for child in children]
    learned = {row.org_id: _measures(row) for row in db.session.execute(
        select(SubtreeRollup.org_id, *_sums()).where(
            SubtreeRollup.org_id.in_(ids), SubtreeRollup.day.between(period.start, period.end))
        .group_by(SubtreeRollup.org_id))}
    counts = headcounts(org, today)
    child_of = _child_map(org) if children else {org.id: org.id}
    people = defaultdict(lambda: [0, 0, 0])
    for org_id, values in counts.items():
        target = child_of.get(org_id)
        if target is not None:
            people[target] = [a + b for a, b in zip(people[target], values)]

    def with_people(figures, values):
        figures.workers, figures.active_7, figures.active_30 = values
        return figures

    total = with_people(learned.get(org.id, Figures()),
                        [sum(v[i] for v in counts.values()) for i in range(3)])
    rows = [(child, with_people(learned.get(child.id, Figures()), people[child.id])) for child in children]
    if children:
        beyond = total.minus(_total_of(rows))
        if not beyond.is_empty:
            rows.append((None, beyond))
    return Dashboard(org, total, rows, category_figures(org, period), trend(org, period))


def _total_of(rows):
    result = Figures(workers=0, active_7=0, active_30=0)
    for _child, figures in rows:
        result.add(figures)
    return result


def category_figures(org, period):
    """[(category, label, Figures)] for the subtree over the period, every category listed."""
    found = {row.category: _measures(row) for row in db.session.execute(
        select(SubtreeRollup.category, *_sums()).where(
            SubtreeRollup.org_id == org.id, SubtreeRollup.day.between(period.start, period.end))
        .group_by(SubtreeRollup.category))}
    return [(code, label, found.get(code, Figures())) for code, label in CATEGORIES.items()] + [
        (code, code, figures) for code, figures in found.items() if code not in CATEGORIES]


def trend(org, period):
    """[(month, Figures)] over the trend's months, empty months included."""
    months = trend_months(period)
    end = min(add_months(months[-1], 1) - timedelta(days=1), period.end)
    by_month = defaultdict(Figures)
    for row in db.session.execute(
        select(SubtreeRollup.day, *_sums()).where(
            SubtreeRollup.org_id == org.id, SubtreeRollup.day.between(months[0], end))
        .group_by(SubtreeRollup.day)
    ):
        by_month[row.day.replace(day=1)].add(_measures(row))
    return [(month, by_month.get(month, Figures())) for month in months]


def ideology_share(categories):
    """Percent of the period's completed learning hours spent on ideals, ethics and craftsmanship."""
    total = sum(figures.minutes for _c, _l, figures in categories)
    if not total:
        return None
    mine = sum(figures.minutes for code, _l, figures in categories if code == IDEOLOGY)
    return (Decimal(mine) * 100 / total).quantize(Decimal("0.1"))


def headline(org, today):
    """The two or three figures of the admin's home page: workers, active learners, completions."""
    counts = headcounts(org, today)
    month = today.replace(day=1)
    row = db.session.execute(select(*_sums()).where(
        SubtreeRollup.org_id == org.id, SubtreeRollup.day.between(month, today))).one()
    return {"workers": sum(v[0] for v in counts.values()), "active_30": sum(v[2] for v in counts.values()),
            "completions": int(row.completions or 0)}
