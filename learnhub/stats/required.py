"""Required courses: an admin requires a course of every worker in their subtree by a date.

A requirement set by a union applies to that union and every union below it, so a city's
dashboard shows its own requirements and those of the province and the nation above it.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import and_, event, func, select
from sqlalchemy.orm import Session

from learnhub.accounts.models import User
from learnhub.catalog.models import Course
from learnhub.catalog.services import visible_filter
from learnhub.core import audit
from learnhub.core.cache import generation, kept, new_generation_after_commit
from learnhub.core.db import dialect_insert, utcnow
from learnhub.core.errors import DomainError, NotFound
from learnhub.core.i18n import day_text, force_locale
from learnhub.core.i18n import gettext as _
from learnhub.core.inputs import parse_id
from learnhub.core.vocab import OCCUPATION_CODES, SKILL_LEVEL_CODES
from learnhub.extensions import db
from learnhub.learning.models import Enrolment
from learnhub.learning.services import modules_done
from learnhub.notify.services import notify
from learnhub.orgs.models import Org
from learnhub.stats.figures import child_map, children_of, in_subtree
from learnhub.stats.models import RequiredCourse, RequirementReminder
from learnhub.stats.rollups import today as rollups_today


def requirements_for(org):
    """The requirements that apply to `org`: set by it or by a union above it, soonest first."""
    return db.session.scalars(
        select(RequiredCourse)
        .join(Course, Course.id == RequiredCourse.course_id)
        .where(RequiredCourse.org_id.in_(org.ancestor_ids))
        .order_by(RequiredCourse.due_on, Course.title, RequiredCourse.id)
    ).all()


def courses_to_require(admin):
    """Published courses every worker of the admin's subtree can see, by title."""
    # Visible to the admin's union means visible to every union below it too.
    return db.session.scalars(select(Course).where(visible_filter(admin)).order_by(Course.title, Course.id)).all()


def require_course(admin, course_id, due_on, today, occupations=(), skill_levels=()):
    """Require a course of the workers in the admin's subtree by `due_on`; returns it.

    `occupations` and `skill_levels` narrow it to those (none: every worker).
    """
    course_id = parse_id(course_id)
    course = (
        db.session.scalar(select(Course).where(Course.id == course_id, visible_filter(admin)))
        if course_id is not None
        else None
    )
    if course is None:
        raise DomainError(_("Choose a published course from the list."), "course")
    if not isinstance(due_on, date):
        raise DomainError(_("Enter a date such as 2026-03-01."), "due_on")
    if due_on < today:
        raise DomainError(_("The deadline cannot be in the past."), "due_on")
    if due_on.year > today.year + 5:
        raise DomainError(_("Choose a deadline within five years."), "due_on")
    if not set(occupations) <= set(OCCUPATION_CODES):
        raise DomainError(_("Choose occupations from the list."), "occupations")
    if not set(skill_levels) <= set(SKILL_LEVEL_CODES):
        raise DomainError(_("Choose skill levels from the list."), "skill_levels")
    taken = db.session.scalar(
        select(RequiredCourse.id).where(RequiredCourse.org_id == admin.org_id, RequiredCourse.course_id == course.id)
    )
    if taken is not None:
        raise DomainError(_("This course is already required in your union."), "course")
    requirement = RequiredCourse(
        org_id=admin.org_id,
        course_id=course.id,
        due_on=due_on,
        occupations=sorted(set(occupations)),
        skill_levels=sorted(set(skill_levels)),
        created_by_id=admin.id,
    )
    db.session.add(requirement)
    db.session.flush()
    audit.record(
        admin, "required.add", "course", course.id, admin.org.path, course=course.title, due_on=due_on.isoformat()
    )
    return requirement


def get_requirement(org, requirement_id):
    """A requirement that applies to `org`; NotFound for any other."""
    requirement_id = parse_id(requirement_id)
    requirement = db.session.get(RequiredCourse, requirement_id) if requirement_id is not None else None
    if requirement is None or requirement.org_id not in org.ancestor_ids:
        raise NotFound(_("Requirement not found."))
    return requirement


def remove_requirement(admin, requirement_id):
    """Withdraw a requirement set in the admin's own subtree (not one set above it)."""
    requirement_id = parse_id(requirement_id)
    requirement = db.session.get(RequiredCourse, requirement_id) if requirement_id is not None else None
    if requirement is None or not admin.org.contains(requirement.org):
        raise NotFound(_("Requirement not found."))
    audit.record(
        admin,
        "required.remove",
        "course",
        requirement.course_id,
        requirement.org.path,
        course=requirement.course.title,
        due_on=requirement.due_on.isoformat(),
    )
    db.session.delete(requirement)
    db.session.flush()
    return requirement


def _finished(requirement):
    return and_(
        Enrolment.user_id == User.id, Enrolment.course_id == requirement.course_id, Enrolment.completed_at.is_not(None)
    )


def _workers(org, requirement):
    """WHERE clauses: the active workers of `org`'s subtree whom `requirement` asks."""
    clauses = [User.role == "worker", User.is_active_account.is_(True), in_subtree(org, User.org_id)]
    if requirement.occupations:
        clauses.append(User.occupation.in_(requirement.occupations))
    if requirement.skill_levels:
        clauses.append(User.skill_level.in_(requirement.skill_levels))
    return clauses


def progress_by_child(session, org, requirement):
    """[(Org or None, workers, finished)] per child union (None: workers directly in `org`)."""
    rows = session.execute(
        select(User.org_id, func.count(), func.count(Enrolment.id))
        .outerjoin(Enrolment, _finished(requirement))
        .where(*_workers(org, requirement))
        .group_by(User.org_id)
    ).all()
    children = children_of(session, org)
    if not children:
        return [(org, sum(r[1] for r in rows), sum(r[2] for r in rows))]
    child_of = child_map(session, org)
    totals = defaultdict(lambda: [0, 0])
    for org_id, workers, finished in rows:
        key = child_of.get(org_id, org_id)
        totals[key][0] += workers
        totals[key][1] += finished
    result = [(child, *totals.get(child.id, (0, 0))) for child in children]
    if org.id in totals:
        result.append((None, *totals[org.id]))
    return result


def not_finished_query(org, requirement):
    """A SELECT of (User, Org name, enrolled?) for the subtree's workers who have not finished."""
    started = (
        select(Enrolment.id)
        .where(Enrolment.user_id == User.id, Enrolment.course_id == requirement.course_id)
        .correlate(User)
        .exists()
    )
    return (
        select(User, Org.name, started.label("has_started"))
        .join(Org, Org.id == User.org_id)
        .where(
            *_workers(org, requirement), ~select(Enrolment.id).where(_finished(requirement)).correlate(User).exists()
        )
        .order_by(Org.name, User.name, User.id)
    )


def started_ids(session, requirement, user_ids):
    """Of these people, the ids of those enrolled in the required course (finished or not)."""
    if not user_ids:
        return set()
    return set(
        session.scalars(
            select(Enrolment.user_id).where(
                Enrolment.course_id == requirement.course_id, Enrolment.user_id.in_(user_ids)
            )
        )
    )


@dataclass
class Asked:
    """A requirement as the worker it asks sees it."""

    requirement: RequiredCourse
    is_done: bool
    is_overdue: bool
    modules_done: int = 0
    modules: int = 0


GENERATION = "required"  # core.cache: a new generation whenever a requirement is written


def _asking(user):
    """[(requirement id, course id)] of what the worker's unions require of them.

    The same for every worker of the same union, occupation and level, and kept for them until
    a requirement is written anywhere: most pages a worker sees ask it, and most unions require
    nothing, so most pages then read nothing.
    """

    def read():
        stmt = select(RequiredCourse).where(RequiredCourse.org_id.in_(user.org.ancestor_ids))
        return [(r.id, r.course_id) for r in db.session.scalars(stmt) if r.asks(user)]

    parts = (generation(GENERATION), user.org.ancestor_ids, user.occupation, user.skill_level)
    return kept("required", parts, read)


def _written(session, _flush_context):
    if any(isinstance(o, RequiredCourse) for o in (*session.new, *session.dirty, *session.deleted)):
        new_generation_after_commit(session, GENERATION)


def watch_requirements():
    """A new generation of requirements whenever one is added, changed or removed (stats.init_app)."""
    if not event.contains(Session, "after_flush", _written):
        event.listen(Session, "after_flush", _written)


def requirements_of(user, today, course=None):
    """What the worker's unions require of them (of `course` only, if given): [Asked], unfinished
    first, soonest deadline first."""
    if user.role != "worker":
        return []
    ids = [r for r, course_id in _asking(user) if course is None or course_id == course.id]
    if not ids:
        return []
    asked = db.session.scalars(select(RequiredCourse).where(RequiredCourse.id.in_(ids))).all()
    finished = set(
        db.session.scalars(
            select(Enrolment.course_id).where(
                Enrolment.user_id == user.id,
                Enrolment.course_id.in_([r.course_id for r in asked]),
                Enrolment.completed_at.is_not(None),
            )
        )
    )
    counts = modules_done(user, [r.course_id for r in asked])
    result = [
        Asked(
            r,
            r.course_id in finished,
            r.course_id not in finished and r.due_on < today,
            *counts.get(r.course_id, (0, 0)),
        )
        for r in asked
    ]
    return sorted(result, key=lambda a: (a.is_done, a.requirement.due_on))


def required_course_ids(user):
    """The ids of the courses the worker's unions require of them (the catalogue's filter)."""
    return [asked.requirement.course_id for asked in requirements_of(user, rollups_today())]


def tell_the_asked(requirement_id):
    """Put a new requirement in the inbox of every worker it asks, in their language; returns how many.

    A task (a province has many workers); each message is sent once, however often it runs.
    """
    requirement = db.session.get(RequiredCourse, requirement_id)
    if requirement is None:
        return 0
    told = 0
    for user in db.session.scalars(select(User).where(*_workers(requirement.org, requirement))):
        with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
            told += notify(
                user,
                key=f"required:{requirement.id}",
                kind="required.assigned",
                title=_("Required: %(course)s", course=requirement.course.title),
                body=_(
                    "%(union)s asks you to finish this course by %(date)s.",
                    union=requirement.org.name,
                    date=day_text(requirement.due_on),
                ),
                link=f"/courses/{requirement.course.slug}",
            )
    return told


def remind(admin, org, requirement, day, people=()):
    """Remind, in their inbox, the workers of `org`'s subtree whom `requirement` asks and who have
    not finished it (only `people` of them, ids, when given); once a day per requirement and union.
    Returns the reminder (a task sends it)."""
    if not admin.org.contains(org):
        raise NotFound(_("Union not found."))
    chosen = sorted({int(i) for i in people})
    if chosen:
        # Only people of this list: anyone else (finished, another union, made up) is not reminded.
        listed = not_finished_query(org, requirement).where(User.id.in_(chosen)).with_only_columns(User.id)
        if set(db.session.scalars(listed)) != set(chosen):
            raise DomainError(_("Some of the people you chose are not on this list any more. Choose again."))
    sent = db.session.scalar(
        dialect_insert(RequirementReminder)
        .values(
            requirement_id=requirement.id,
            org_id=org.id,
            day=day,
            people=chosen,
            sent_by_id=admin.id,
            created_at=utcnow(),
        )
        .on_conflict_do_nothing(index_elements=["requirement_id", "org_id", "day"])
        .returning(RequirementReminder.id)
    )
    if sent is None:
        raise DomainError(_("These workers were reminded today already. You can remind them again tomorrow."))
    details = {"course": requirement.course.title} | ({"people": len(chosen)} if chosen else {})
    audit.record(admin, "required.remind", "required_course", requirement.id, org.path, **details)
    return db.session.get(RequirementReminder, sent)


def send_reminder(reminder_id):
    """Put a reminder in the inbox of each worker it is for, in their language; returns how many (a task)."""
    reminder = db.session.get(RequirementReminder, reminder_id)
    if reminder is None:
        return 0
    requirement, org = db.session.get(RequiredCourse, reminder.requirement_id), db.session.get(Org, reminder.org_id)
    stmt = not_finished_query(org, requirement)
    if reminder.people:
        stmt = stmt.where(User.id.in_(reminder.people))
    told = 0
    for user, _union, _started in db.session.execute(stmt):
        with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
            told += notify(
                user,
                key=f"remind:{reminder.id}",
                kind="required.reminder",
                title=_("Reminder: %(course)s", course=requirement.course.title),
                body=_(
                    "%(union)s reminds you to finish this course by %(date)s.",
                    union=org.name,
                    date=day_text(requirement.due_on),
                ),
                link=f"/courses/{requirement.course.slug}",
            )
    return told


# What a worker is told as a deadline nears and passes: (notice, the first day it is due,
# counted from the deadline). Each is told once per person and requirement (its key), so a run
# that stopped half-way, a retry or a second run the same day tells nobody twice.
DEADLINE_NOTICES = (("due7", -7), ("due1", -1), ("overdue", 1))
# People told per commit: a run over a province stops and starts again without losing its place.
NOTICE_BATCH = 200


def _deadline_notice(requirement, notice, today):
    """(title, body) of a deadline notice, in the current language."""
    course, date = requirement.course.title, day_text(requirement.due_on)
    if notice == "overdue":
        return (
            _("Overdue: %(course)s", course=course),
            _(
                "%(union)s asked you to finish this course by %(date)s. It still counts: finish it now.",
                union=requirement.org.name,
                date=date,
            ),
        )
    days = (requirement.due_on - today).days
    return (
        _("Due in %(days)d days: %(course)s", days=days, course=course)
        if days > 1
        else _("Due tomorrow: %(course)s", course=course)
        if days == 1
        else _("Due today: %(course)s", course=course),
        _("%(union)s asks you to finish this course by %(date)s.", union=requirement.org.name, date=date),
    )


def _notice_due(requirement, today):
    """The deadline notice whose time has come for `requirement` today, or None."""
    due = None
    for notice, offset in DEADLINE_NOTICES:
        if (today - requirement.due_on).days >= offset:
            due = notice
    return due


def tell_deadlines(today=None):
    """Tell each worker who has not finished a required course that it is due in 7 days, in 1 day,
    or overdue, once each (a periodic task); returns how many were told."""
    today = today or rollups_today()
    told = 0
    for requirement in db.session.scalars(select(RequiredCourse).order_by(RequiredCourse.id)).all():
        notice = _notice_due(requirement, today)
        # Overdue is told for a month after the deadline; after that the admin's reminders speak.
        if notice is None or (today - requirement.due_on).days > 30:
            continue
        people = db.session.execute(not_finished_query(requirement.org, requirement)).all()
        for n, (user, _union, _started) in enumerate(people, start=1):
            with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
                title, body = _deadline_notice(requirement, notice, today)
                told += notify(
                    user,
                    key=f"required:{requirement.id}:{notice}",
                    kind=f"required.{notice}",
                    title=title,
                    body=body,
                    link=f"/courses/{requirement.course.slug}",
                )
            if n % NOTICE_BATCH == 0:
                db.session.commit()
    return told
