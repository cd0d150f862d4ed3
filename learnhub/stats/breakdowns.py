"""Breakdowns of a union's subtree: by course, by occupation, by skill level."""

from collections import defaultdict
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import case, func, or_, select

from learnhub.accounts.models import User
from learnhub.catalog.models import Course
from learnhub.core.vocab import OCCUPATIONS, SKILL_LEVELS
from learnhub.learning.models import ActivityDay, Enrolment
from learnhub.stats.figures import Figures, in_subtree, measures_of, sums_of
from learnhub.stats.models import Rollup
from learnhub.stats.rollups import LOCAL_ZONE


def course_figures(session, org, period):
    """[(Course, Figures)] for the courses the subtree learned in the period, most enrolled first.

    Summed from the learners' own unions by path prefix: the one breakdown that reads the
    fine-grained rollup.
    """
    rows = session.execute(
        select(Rollup.course_id, *sums_of(Rollup))
        .where(Rollup.day.between(period.start, period.end), in_subtree(org, Rollup.org_id))
        .group_by(Rollup.course_id)
    ).all()
    if not rows:
        return []
    courses = {c.id: c for c in session.scalars(select(Course).where(Course.id.in_([r.course_id for r in rows])))}
    found = [(courses[row.course_id], measures_of(row)) for row in rows if row.course_id in courses]
    return sorted(found, key=lambda item: (-item[1].enrolments, -item[1].completions, item[0].title))


def utc_bounds(period):
    """The period's first and after-last moments in UTC (its days are Beijing days)."""
    start = datetime.combine(period.start, time(0), LOCAL_ZONE).astimezone(UTC)
    end = datetime.combine(period.end + timedelta(days=1), time(0), LOCAL_ZONE).astimezone(UTC)
    return start, end


def people_figures(session, org, period, today):
    """{(occupation, skill level): Figures} for the subtree: workers and active learners now,
    enrolments and completions of the period. Two grouped queries for both breakdowns."""
    result = defaultdict(lambda: Figures(workers=0, active_7=0, active_30=0))
    # The learners of the last 30 days, once each (read from the (day, user_id) index).
    recent = (
        select(ActivityDay.user_id)
        .where(ActivityDay.day >= today - timedelta(days=29))
        .group_by(ActivityDay.user_id)
        .subquery()
    )
    for occupation, level, workers, active in session.execute(
        select(User.occupation, User.skill_level, func.count(), func.count(recent.c.user_id))
        .outerjoin(recent, recent.c.user_id == User.id)
        .where(User.role == "worker", User.is_active_account.is_(True), in_subtree(org, User.org_id))
        .group_by(User.occupation, User.skill_level)
    ):
        result[(occupation, level)].workers = workers
        result[(occupation, level)].active_30 = int(active or 0)
    start, end = utc_bounds(period)
    enrolled = Enrolment.enrolled_at.between(start, end - timedelta(microseconds=1))
    completed = Enrolment.completed_at.between(start, end - timedelta(microseconds=1))
    for occupation, level, enrolments, completions in session.execute(
        select(
            User.occupation,
            User.skill_level,
            func.sum(case((enrolled, 1), else_=0)),
            func.sum(case((completed, 1), else_=0)),
        )
        .join(Enrolment, Enrolment.user_id == User.id)
        .where(User.role == "worker", in_subtree(org, User.org_id), or_(enrolled, completed))
        .group_by(User.occupation, User.skill_level)
    ):
        result[(occupation, level)].enrolments = int(enrolments or 0)
        result[(occupation, level)].completions = int(completions or 0)
    return result


def _by(found, index):
    grouped = defaultdict(lambda: Figures(workers=0, active_7=0, active_30=0))
    for key, figures in found.items():
        grouped[key[index]].add(figures)
    return grouped


def by_occupation(found):
    """[(code, label, Figures)] for every occupation with workers or learning in the subtree."""
    return _in_order(_by(found, 0), OCCUPATIONS)


def by_skill_level(found):
    """[(code, label, Figures)] for every skill level, lowest first."""
    return _in_order(_by(found, 1), SKILL_LEVELS, keep_empty=True)


def _in_order(found, vocabulary, keep_empty=False):
    rows = [
        (code, label, found[code])
        for code, label in vocabulary
        if keep_empty or (code in found and not found[code].is_empty)
    ]
    known = {code for code, _label in vocabulary}
    rows += [
        (code, code or "—", figures) for code, figures in found.items() if code not in known and not figures.is_empty
    ]
    return rows
