"""How the statistics follow learning: each signal of learning and the ledger moves the rollups
of the learner's union and of every union above it, in the same transaction as the event."""

from sqlalchemy import select

from learnhub.accounts.models import User
from learnhub.catalog.models import Course
from learnhub.core.hours import tenths
from learnhub.credits.models import Account, LedgerEntry
from learnhub.credits.signals import entry_reversed
from learnhub.extensions import db
from learnhub.learning.models import Enrolment
from learnhub.learning.signals import course_completed, enrolled, module_completed
from learnhub.stats.rollups import add_events, local_day


def connect():
    """Subscribe the rollups to the learning and ledger signals (called by stats.init_app)."""
    enrolled.connect(on_enrolled)
    module_completed.connect(on_module_completed)
    course_completed.connect(on_course_completed)
    entry_reversed.connect(on_entry_reversed)


def _ledger_entry(user, kind, link):
    """What the ledger paid `user` for a module or course (`link`: a clause on the entry's links)."""
    return db.session.execute(
        select(LedgerEntry.credits, LedgerEntry.minutes, LedgerEntry.created_at)
        .join(Account, Account.id == LedgerEntry.account_id)
        .where(Account.user_id == user.id, LedgerEntry.kind == kind, link)
    ).first()


def on_enrolled(course, user, enrolment, **_kw):
    add_events(user.org, course, [(local_day(enrolment.enrolled_at), {"enrolments": 1})])


def on_module_completed(module, user, enrolment, entry=None, **_kw):
    # The ledger is the truth about what was paid; rebuild reads the same entry.
    entry = entry or _ledger_entry(user, "module", LedgerEntry.module_id == module.id)
    if entry is not None:
        add_events(
            user.org,
            enrolment.course,
            [
                (
                    local_day(entry.created_at),
                    {"credits": entry.credits, "minutes": entry.minutes, "tenths": tenths(entry.minutes)},
                )
            ],
        )


def on_course_completed(course, user, enrolment, entry=None, **_kw):
    enrolled_at, completed_at = db.session.execute(
        select(Enrolment.enrolled_at, Enrolment.completed_at).where(Enrolment.id == enrolment.id)
    ).one()
    events = [(local_day(completed_at), {"completions": 1}), (local_day(enrolled_at), {"cohort_completions": 1})]
    entry = entry or _ledger_entry(user, "course", LedgerEntry.course_id == course.id)
    if entry is not None:
        events.append(
            (
                local_day(entry.created_at),
                {"credits": entry.credits, "minutes": entry.minutes, "tenths": tenths(entry.minutes)},
            )
        )
    add_events(user.org, course, events)


def on_entry_reversed(entry, reversal, user_id, **_kw):
    """A correction takes its credits and hours off the course's figures, on the day it is made.

    It counts for the learner's union of the day of the correction: should they have moved
    union since the award, the old union keeps the credits and the new one goes below zero
    until `flask stats rebuild`, which counts everything for the union they are in now.
    """
    if reversal.course_id is None:
        return  # recognitions and prior learning move no credits in the statistics
    user = db.session.get(User, user_id)
    add_events(
        user.org,
        db.session.get(Course, reversal.course_id),
        [
            (
                local_day(reversal.created_at),
                {"credits": reversal.credits, "minutes": reversal.minutes, "tenths": tenths(reversal.minutes)},
            )
        ],
    )
