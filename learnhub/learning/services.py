"""Learning: enrolment, progress, quizzes and completion. Services flush; the caller commits.

One event is all or nothing: finishing a module records the progress, pays the credits
(idempotently) and tells the features above through `module_completed`, in one transaction.
"""

import math
import re
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import and_, bindparam, func, select, update

from learnhub.catalog.models import Course, Module
from learnhub.core import audit
from learnhub.core.db import dialect_insert, seconds_since
from learnhub.core.errors import DomainError
from learnhub.core.i18n import gettext as _
from learnhub.core.i18n import ngettext
from learnhub.credits.services import award
from learnhub.extensions import db
from learnhub.learning import papers, study
from learnhub.learning.models import ActivityDay, Enrolment, Progress, QuizAttempt, QuizSitting
from learnhub.learning.signals import (
    course_completed,
    enrolled,
    module_completed,
    module_opened,
    quiz_submitted,
    video_played,
)

MAX_POSITION_S = 24 * 3600
# A quiz passed in less than this many seconds a question is flagged in the audit log.
QUICK_SECONDS_PER_QUESTION = 10
_BEIJING = ZoneInfo("Asia/Shanghai")
_WHOLE_NUMBER = re.compile(r"^[0-9]{1,6}(\.[0-9]+)?$", re.ASCII)


class NotEnrolled(DomainError):
    """The person has not enrolled in the course they try to learn in."""


def _now():
    return datetime.now(UTC)


def now():
    """The time the services go by (tests set it)."""
    return _now()


# ---------------------------------------------------------------- enrolment


# Statements of every course and module page, built once (see catalog.services).
_ENROLMENT = select(Enrolment).where(
    Enrolment.user_id == bindparam("user_id"), Enrolment.course_id == bindparam("course_id")
)
_COURSE_STATE = (
    select(Enrolment, Progress)
    .outerjoin(Module, Module.course_id == Enrolment.course_id)
    .outerjoin(Progress, and_(Progress.module_id == Module.id, Progress.user_id == Enrolment.user_id))
    .where(Enrolment.user_id == bindparam("user_id"), Enrolment.course_id == bindparam("course_id"))
)
_MODULE_STATE = (
    select(Enrolment, Progress)
    .outerjoin(Progress, and_(Progress.user_id == Enrolment.user_id, Progress.module_id == bindparam("module_id")))
    .where(Enrolment.user_id == bindparam("user_id"), Enrolment.course_id == bindparam("course_id"))
)


def get_enrolment(user, course):
    """This person's enrolment in the course, or None."""
    return db.session.scalar(_ENROLMENT, {"user_id": user.id, "course_id": course.id})


def enrol(user, course):
    """Enrol in a course (a second tap changes nothing) and return the enrolment."""
    now = _now()
    # RETURNING tells whether this call made the enrolment (rowcount is not reliable on psycopg).
    inserted = db.session.execute(
        dialect_insert(Enrolment)
        .values(user_id=user.id, course_id=course.id, enrolled_at=now, last_active_at=now)
        .on_conflict_do_nothing(index_elements=["user_id", "course_id"])
        .returning(Enrolment.id)
    ).first()
    enrolment = get_enrolment(user, course)
    if inserted is not None:
        enrolled.send(course, user=user, enrolment=enrolment)
    return enrolment


def require_enrolment(user, course):
    """The enrolment, or NotEnrolled: progress from someone not enrolled is refused."""
    enrolment = get_enrolment(user, course)
    if enrolment is None:
        raise NotEnrolled(_("Enrol in the course first."))
    return enrolment


def _local_day(when):
    return when.astimezone(_BEIJING).date()


def mark_active(user, when=None):
    """Note that this person learned today (Beijing time: the day they would name)."""
    day = _local_day(when or _now())
    db.session.execute(dialect_insert(ActivityDay).values(user_id=user.id, day=day).on_conflict_do_nothing())


# ---------------------------------------------------------------- the player


def _progress(user, module, lock=False):
    stmt = select(Progress).where(Progress.user_id == user.id, Progress.module_id == module.id)
    if lock:
        stmt = stmt.with_for_update()
    return db.session.scalar(stmt)


def module_state(user, course, module):
    """(enrolment or None, progress in `module` or None), in one query: what the player shows."""
    row = db.session.execute(
        _MODULE_STATE, {"user_id": user.id, "course_id": course.id, "module_id": module.id}
    ).first()
    return (row[0], row[1]) if row is not None else (None, None)


def _open(user, course, module, active_at=None):
    """Record that `user` has `module` open; returns (enrolment, progress).

    Makes the progress row at the first opening (a racing second request finds it made),
    keeps the person's place in the course and marks today active. The player's page only
    reads: its first heartbeat, or the first thing posted from it, calls this.
    """
    enrolment, progress = module_state(user, course, module)
    if enrolment is None:
        raise NotEnrolled(_("Enrol in the course first."))
    now = _now()
    if progress is None:
        inserted = db.session.execute(
            dialect_insert(Progress)
            .values(user_id=user.id, module_id=module.id, started_at=now, position_s=0)
            .on_conflict_do_nothing(index_elements=["user_id", "module_id"])
            .returning(Progress.id)
        ).first()
        progress = _progress(user, module)
        if inserted is not None:
            module_opened.send(module, user=user, course=course, progress=progress)
    enrolment.last_module_id = module.id
    enrolment.last_active_at = now
    mark_active(user, active_at or now)
    db.session.flush()
    return enrolment, progress


def keep_beating(user, slug, key):
    """The heartbeat of a player page that stays open, in one UPDATE; False when it is an opening.

    While the page is open its heartbeats come every STUDY_HEARTBEAT_SECONDS: each adds the
    seconds since the one before to the module's active time. That is all this does, for a
    heartbeat that follows the previous one of this module within STUDY_HEARTBEAT_CAP_SECONDS
    and on the same day (Beijing time): the page was opened, with every check of the player,
    by `open_module` moments ago. Anything else (the first heartbeat of a page, one after a
    pause or past midnight, a module this person never opened, one that does not exist) is
    not a continuation: False, and the caller opens the module the full way (`open_module`).

    The most frequent request of the site, so it costs one statement (the session's user is
    the other): the elapsed time is added by the database, which also keeps two devices'
    heartbeats from both counting the same seconds.
    """
    now = _now()
    since = max(
        now - timedelta(seconds=current_app.config["STUDY_HEARTBEAT_CAP_SECONDS"]),
        datetime.combine(_local_day(now), time(), _BEIJING).astimezone(UTC),
    )
    module_id = (
        select(Module.id).join(Course, Course.id == Module.course_id).where(Course.slug == slug, Module.key == key)
    )
    result = db.session.execute(
        update(Progress)
        .where(
            Progress.user_id == user.id,
            Progress.module_id == module_id.scalar_subquery(),
            Progress.last_seen_at.between(since, now),
        )
        .values(
            active_seconds=func.coalesce(Progress.active_seconds, 0) + seconds_since(Progress.last_seen_at, now),
            last_seen_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def open_module(user, course, module):
    """The player's heartbeat: `user` is active in `module` now.

    Opens it (progress row, place in the course, active today) and counts the time since the
    previous heartbeat as study time (learning.study).
    """
    progress = _open(user, course, module)[1]
    study.add_heartbeat(progress, _now())
    db.session.flush()
    return progress


def open_module_at(user, course, module, when):
    """`user` had `module` open at `when`, offline (learnhub.offline): the progress, with the day
    they learned marked active. Counting the study time is the caller's (it knows the beats before)."""
    return _open(user, course, module, active_at=when)[1]


def parse_position(value):
    """A video position in seconds: a plain number from 0 to 24 hours, else a DomainError."""
    text = str(value if value is not None else "").strip()
    if not _WHOLE_NUMBER.match(text):
        raise DomainError(_("The position must be a number of seconds."), "position")
    seconds = int(float(text))
    if seconds > MAX_POSITION_S:
        raise DomainError(_("The position must be a number of seconds."), "position")
    return seconds


def save_position(user, course, module, value, played=None):
    """Remember where a video was left (so that it resumes there) and the ranges played so far."""
    if module.kind != "video":
        raise DomainError(_("Only a video has a position."))
    seconds = parse_position(value)
    ranges = study.parse_ranges(played) if played else []
    progress = _open(user, course, module)[1]
    progress.position_s = seconds
    if ranges:
        played_now = study.uncovered(ranges, progress.played)  # before merging: merging joins ranges in place
        progress.played = study.merge_ranges([*(progress.played or []), *ranges])
        if played_now:
            video_played.send(module, user=user, course=course, progress=progress, ranges=played_now)
    db.session.flush()
    return progress


def study_in_full(user, course, module, revision):
    """Open the module and record it as studied in full: how the demo's invented learners learn."""
    study.as_if_studied(open_module(user, course, module), revision)
    db.session.flush()


def complete_module(user, course, module, revision, opened=None):
    """Mark a lesson or video done, if the evidence says it was studied; True if this call finished it.

    `opened` is the player's note of when its page was opened (learning.study), for readers
    without JavaScript. Refused with study.NotYet, saying how much is left, before it is enough.
    """
    if module.kind == "quiz":
        raise DomainError(_("A quiz is finished by passing it."))
    enrolment, progress = _open(user, course, module)
    if progress.completed_at is not None:
        return False
    measured = study.measured_seconds(progress, user, module, revision, opened, _now())
    study.check_enough(module, revision, measured)
    return _finish(user, course, module, revision, enrolment, measured)


def _finish(user, course, module, revision, enrolment, measured):
    # The guarded UPDATE lets exactly one of several racing requests finish the module.
    won = (
        db.session.execute(
            update(Progress)
            .where(Progress.user_id == user.id, Progress.module_id == module.id, Progress.completed_at.is_(None))
            .values(completed_at=_now())
        ).rowcount
        == 1
    )
    if not won:
        return False
    entry, _created = award(
        user,
        kind="module",
        source_type="module",
        source_id=module.id,
        credits=revision.credits,
        minutes=study.paid_minutes(revision, measured),
        declared_minutes=revision.minutes,
        measured_minutes=None if measured is None else measured // 60,
        note=revision.title[:200],
        module=module,
        course=course,
    )
    module_completed.send(module, user=user, enrolment=enrolment, revision=revision, entry=entry)
    _complete_course_if_done(user, course, enrolment)
    return True


def _complete_course_if_done(user, course, enrolment):
    missing = db.session.scalar(
        select(func.count(Module.id))
        .outerjoin(Progress, and_(Progress.module_id == Module.id, Progress.user_id == user.id))
        .where(
            Module.course_id == course.id,
            Module.is_required.is_(True),
            Module.is_retired.is_(False),
            Progress.completed_at.is_(None),
        )
    )
    if missing:
        return False
    won = (
        db.session.execute(
            update(Enrolment)
            .where(Enrolment.id == enrolment.id, Enrolment.completed_at.is_(None))
            .values(completed_at=_now())
        ).rowcount
        == 1
    )
    if not won:
        return False
    # The course pays what its modules did not: its credits and hours minus theirs.
    paid_credits, paid_minutes = db.session.execute(
        select(func.coalesce(func.sum(_module_credits()), 0), func.coalesce(func.sum(_module_minutes()), 0))
        .select_from(Module)
        .where(Module.course_id == course.id, Module.is_retired.is_(False))
    ).one()
    rest_credits = max(Decimal(course.credits) - Decimal(paid_credits), Decimal("0"))
    rest_minutes = max(course.minutes - int(paid_minutes), 0)
    entry, _created = award(
        user,
        kind="course",
        source_type="course",
        source_id=course.id,
        credits=rest_credits,
        minutes=rest_minutes,
        note=course.title[:200],
        course=course,
    )
    course_completed.send(course, user=user, enrolment=enrolment, entry=entry)
    return True


def _module_credits():
    from learnhub.catalog.models import ModuleRevision

    return (
        select(ModuleRevision.credits)
        .where(ModuleRevision.module_id == Module.id, ModuleRevision.revision == Module.revision)
        .scalar_subquery()
    )


def _module_minutes():
    from learnhub.catalog.models import ModuleRevision

    return (
        select(ModuleRevision.minutes)
        .where(ModuleRevision.module_id == Module.id, ModuleRevision.revision == Module.revision)
        .scalar_subquery()
    )


# ---------------------------------------------------------------- quizzes


def attempts_used(user, module):
    """How many times this person has submitted this quiz."""
    return db.session.scalar(
        select(func.count(QuizAttempt.id)).where(QuizAttempt.user_id == user.id, QuizAttempt.module_id == module.id)
    )


def attempts_left(user, module, revision):
    """Attempts still allowed, or None when there is no limit."""
    if not revision.max_attempts:
        return None
    return max(revision.max_attempts - attempts_used(user, module), 0)


class LateSubmission(DomainError):
    """A timed paper handed in after its time: recorded as a failed attempt, not scored."""


def get_sitting(user, module):
    """The timed paper this person is writing at this quiz, or None."""
    return db.session.scalar(
        select(QuizSitting).where(QuizSitting.user_id == user.id, QuizSitting.module_id == module.id)
    )


def _check_attempt_allowed(user, module, revision):
    if attempts_left(user, module, revision) == 0:
        raise DomainError(_("You have used all your attempts at this quiz."))
    papers.check_may_attempt(user, module, _now())


def start_paper(user, course, module, revision):
    """Start the clock on a timed quiz: draw the paper and keep it with its due time (a second tap keeps the first)."""
    _open(user, course, module)  # not enrolled: NotEnrolled, before anything about the quiz is said
    if module.kind != "quiz" or not revision.time_limit:
        raise DomainError(_("This quiz has no time limit: answer it on its page."))
    _progress(user, module, lock=True)  # one start at a time per person
    sitting = get_sitting(user, module)
    if sitting is not None and sitting.revision_id == revision.id:
        return sitting
    if sitting is not None:  # a paper of a revision that is no longer the quiz's
        db.session.delete(sitting)
        db.session.flush()
    _check_attempt_allowed(user, module, revision)
    now = _now()
    paper = papers.paper_for(user, revision, attempts_used(user, module) + 1)
    sitting = QuizSitting(
        user_id=user.id,
        module_id=module.id,
        revision_id=revision.id,
        paper=papers.as_stored(paper),
        started_at=now,
        due_at=now + timedelta(minutes=revision.time_limit),
    )
    db.session.add(sitting)
    db.session.flush()
    return sitting


def sitting_paper(sitting, revision):
    """[(question, choices)] of a timed paper being written."""
    return papers.stored_paper(sitting.paper, revision)


def submit_quiz(user, course, module, revision, answers, opened=None):
    """Score an attempt on the server and record it; passing finishes the module.

    `answers` maps question ids (as sent) to the lists of values sent (choice ids, or the
    typed answer). Every question of the paper must be answered, with its own choices.
    A timed quiz scores the paper started (start_paper); after its time, LateSubmission.
    `opened`: as for complete_module (the time spent on the quiz page is its measured time).
    """
    if module.kind != "quiz":
        raise DomainError(_("This module is not a quiz."))
    enrolment, _progress_row = _open(user, course, module)
    progress = _progress(user, module, lock=True)  # one attempt at a time per person
    now = _now()
    sitting = None
    if revision.time_limit:
        sitting = get_sitting(user, module)
        if sitting is None or sitting.revision_id != revision.id:
            raise DomainError(_("Start the paper first: its time runs from when you press Start."))
        paper = sitting_paper(sitting, revision)
        if not papers.check_in_time(sitting, now):
            return _late(user, module, revision, sitting, now)
    else:
        _check_attempt_allowed(user, module, revision)
        paper = papers.paper_for(user, revision, attempts_used(user, module) + 1)
    chosen = papers.ensure_answers_fit(paper, answers)
    marks = papers.mark(paper, chosen)
    score = sum(marks.values()) * 100 // (len(paper) or 1)
    is_passed = score >= (revision.pass_mark or 0)
    attempt = QuizAttempt(
        user_id=user.id,
        module_id=module.id,
        revision_id=revision.id,
        answers=chosen,
        paper=papers.as_stored(paper),
        marks=marks,
        score=score,
        is_passed=is_passed,
        started_at=sitting.started_at if sitting else None,
        submitted_at=now,
    )
    db.session.add(attempt)
    if sitting is not None:
        db.session.delete(sitting)
    progress.best_score = max(progress.best_score or 0, score)
    db.session.flush()
    quiz_submitted.send(module, user=user, course=course, revision=revision, attempt=attempt, paper=paper)
    if is_passed:
        measured = study.measured_seconds(progress, user, module, revision, opened, _now())
        if sitting is not None:
            measured = int((now - sitting.started_at).total_seconds())
        if measured is not None and measured < QUICK_SECONDS_PER_QUESTION * len(paper):
            # Not refused (a worker who knows the matter may be quick), but the union looks at it.
            audit.record(
                user,
                "learning.quick_pass",
                "quiz_attempt",
                attempt.id,
                user.org.path,
                course=course.slug,
                module=module.key,
                title=course.title,
                seconds=measured,
                questions=len(paper),
            )
        _finish(user, course, module, revision, enrolment, measured)
    return attempt


def _late(user, module, revision, sitting, now):
    """Record a paper handed in after its time as a failed attempt, then refuse it (the caller commits)."""
    db.session.add(
        QuizAttempt(
            user_id=user.id,
            module_id=module.id,
            revision_id=revision.id,
            answers={},
            paper=sitting.paper,
            marks={},
            score=0,
            is_passed=False,
            is_late=True,
            started_at=sitting.started_at,
            submitted_at=now,
        )
    )
    db.session.delete(sitting)
    db.session.flush()
    late = max(1, math.ceil((now - sitting.due_at).total_seconds() / 60))
    raise LateSubmission(
        ngettext(
            "Time was up: the paper had to be handed in within %(limit)d minutes, and your answers arrived "
            "%(num)d minute late. They were not scored; this counts as a failed attempt.",
            "Time was up: the paper had to be handed in within %(limit)d minutes, and your answers arrived "
            "%(num)d minutes late. They were not scored; this counts as a failed attempt.",
            late,
            limit=revision.time_limit,
        )
    )


def get_attempt(user, module, attempt_id):
    """One of this person's attempts at this quiz, or None."""
    try:
        attempt_id = int(attempt_id)
    except (TypeError, ValueError):
        return None
    return db.session.scalar(
        select(QuizAttempt).where(
            QuizAttempt.id == attempt_id, QuizAttempt.user_id == user.id, QuizAttempt.module_id == module.id
        )
    )


# ---------------------------------------------------------------- where I am


def progress_by_module(user, course):
    """{module_id: Progress} of this person in this course: one query."""
    if user is None or not getattr(user, "is_authenticated", False):
        return {}
    rows = db.session.scalars(
        select(Progress)
        .join(Module, Module.id == Progress.module_id)
        .where(Progress.user_id == user.id, Module.course_id == course.id)
    )
    return {row.module_id: row for row in rows}


def course_state(user, course):
    """(enrolment or None, {module_id: Progress}) of this person in this course: one query.

    Progress exists only under an enrolment, so the enrolment's row, joined to the course's
    modules and this person's progress in each, carries both.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return None, {}
    rows = db.session.execute(_COURSE_STATE, {"user_id": user.id, "course_id": course.id}).all()
    if not rows:
        return None, {}
    return rows[0][0], {row[1].module_id: row[1] for row in rows if row[1] is not None}


def modules_done(user, course_ids):
    """{course_id: (modules done, modules)} of this person in these courses: one query."""
    if not course_ids:
        return {}
    rows = db.session.execute(
        select(Module.course_id, func.count(Progress.completed_at), func.count(Module.id))
        .outerjoin(Progress, and_(Progress.module_id == Module.id, Progress.user_id == user.id))
        .where(Module.course_id.in_(course_ids), Module.is_retired.is_(False))
        .group_by(Module.course_id)
    )
    return {course_id: (done, total) for course_id, done, total in rows}


def next_module(modules, progress):
    """The first module not yet done, or None when all are."""
    for module, _revision in modules:
        row = progress.get(module.id)
        if row is None or row.completed_at is None:
            return module
    return None


def next_module_key(user, course):
    """The key of the first module of the course this person has not finished, or None: one query."""
    return db.session.scalar(
        select(Module.key)
        .outerjoin(Progress, and_(Progress.module_id == Module.id, Progress.user_id == user.id))
        .where(Module.course_id == course.id, Module.is_retired.is_(False), Progress.completed_at.is_(None))
        .order_by(Module.position, Module.id)
        .limit(1)
    )


def continue_learning(user, limit=3):
    """(course, key of the module I was last in or None) for courses I am in the middle of."""
    return db.session.execute(
        select(Course, Module.key)
        .join(Enrolment, Course.id == Enrolment.course_id)
        .outerjoin(Module, Module.id == Enrolment.last_module_id)
        .where(Enrolment.user_id == user.id, Enrolment.completed_at.is_(None), Course.status == "published")
        .order_by(Enrolment.last_active_at.desc())
        .limit(limit)
    ).all()


def suggestions(user, limit=5, language=None):
    """Courses for my trade and level that I have not started yet, those in `language` first."""
    from learnhub.catalog.services import catalogue_query

    started = select(Enrolment.course_id).where(Enrolment.user_id == user.id)
    stmt = catalogue_query(user, for_you=True, language=language).where(Course.id.not_in(started))
    return db.session.scalars(stmt.limit(limit)).all()
