"""Breakdowns of a union's subtree: by course, by occupation, by skill level."""

from collections import defaultdict
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import func, select

from learnhub.accounts.models import User
from learnhub.catalog.models import Course
from learnhub.core.vocab import OCCUPATIONS, SKILL_LEVELS
from learnhub.extensions import db
from learnhub.learning.models import ActivityDay, Enrolment
from learnhub.stats.figures import Figures, _measures, _sums, in_subtree
from learnhub.stats.models import Rollup
from learnhub.stats.rollups import LOCAL_ZONE


def course_figures(org, period):
    """[(Course, Figures)] for the courses the subtree learned in the period, most enrolled first.

    Summed from the learners' own unions by path prefix: the one breakdown that reads the
    fine-grained rollup.
    """
    rows = db.session.execute(
        select(Rollup.course_id, *_sums(Rollup))
        .where(Rollup.day.between(period.start, period.end), in_subtree(org, Rollup.org_id))
        .group_by(Rollup.course_id)
    ).all()
    if not rows:
        return []
    courses = {c.id: c for c in db.session.scalars(select(Course).where(Course.id.in_([r.course_id for r in rows])))}
    found = [(courses[row.course_id], _measures(row)) for row in rows if row.course_id in courses]
    return sorted(found, key=lambda item: (-item[1].enrolments, -item[1].completions, item[0].title))


def utc_bounds(period):
    """The period's first and after-last moments in UTC (its days are Beijing days)."""
    start = datetime.combine(period.start, time(0), LOCAL_ZONE).astimezone(UTC)
    end = datetime.combine(period.end + timedelta(days=1), time(0), LOCAL_ZONE).astimezone(UTC)
    return start, end


def people_figures(org, period, today, column):
    """{code: Figures} grouped by a column of the people table (occupation or skill level).

    Workers and active learners now; enrolments and completions of the period.
    """
    result = defaultdict(lambda: Figures(workers=0, active_7=0, active_30=0))
    scope = in_subtree(org, User.org_id)
    for code, number in db.session.execute(
        select(column, func.count()).where(User.role == "worker", User.is_active_account.is_(True), scope)
        .group_by(column)
    ):
        result[code].workers = number
    active = (select(ActivityDay.user_id).where(ActivityDay.day >= today - timedelta(days=29))
              .group_by(ActivityDay.user_id).subquery())
    for code, number in db.session.execute(
        select(column, func.count()).join(active, active.c.user_id == User.id).where(scope).group_by(column)
    ):
        result[code].active_30 = number
    start, end = utc_bounds(period)
    for code, number in db.session.execute(
        select(column, func.count()).join(Enrolment, Enrolment.user_id == User.id)
        .where(scope, Enrolment.enrolled_at >= start, Enrolment.enrolled_at < end).group_by(column)
    ):
        result[code].enrolments = number
    for code, number in db.session.execute(
        select(column, func.count()).join(Enrolment, Enrolment.user_id == User.id)
        .where(scope, Enrolment.completed_at >= start, Enrolment.completed_at < end).group_by(column)
    ):
        result[code].completions = number
    return result


def by_occupation(org, period, today):
    """[(code, label, Figures)] for every occupation with workers or learning in the subtree."""
    found = people_figures(org, period, today, User.occupation)
    return _in_order(found, OCCUPATIONS)


def by_skill_level(org, period, today):
    """[(code, label, Figures)] for every skill level, lowest first."""
    found = people_figures(org, period, today, User.skill_level)
    return _in_order(found, SKILL_LEVELS, keep_empty=True)


def _in_order(found, vocabulary, keep_empty=False):
    rows = [(code, label, found[code]) for code, label in vocabulary
            if keep_empty or (code in found and not found[code].is_empty)]
    known = {code for code, _label in vocabulary}
    rows += [(code, code or "—", figures) for code, figures in found.items()
             if code not in known and not figures.is_empty]
    return rows
