"""Drills (岗位练兵): a few questions a day from the banks of my trade and my courses.

The pool: the live bank questions of the published courses a worker may see that are for
their occupation, and of the courses they are enrolled in. The daily drill (DRILL_QUESTIONS,
10) mixes questions they have not met yet with ones they missed before; each answer is marked
at once and shows the right answer and the explanation (drills are for learning). A missed
question goes into the wrong-answer book (错题本) and leaves it when answered right in a later
drill. A day with a finished drill keeps the streak going. Drills pay no credits.

Services flush; the caller commits.
"""

import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import and_, func, or_, select

from learnhub.catalog import questions as kinds
from learnhub.catalog.models import BankQuestion, Course
from learnhub.catalog.services import bank_questions_by_id, visible_filter
from learnhub.contests.models import Drill, DrillItem
from learnhub.core.db import dialect_insert
from learnhub.core.errors import DomainError, NotFound
from learnhub.core.i18n import gettext as _
from learnhub.extensions import db
from learnhub.learning.models import Enrolment
from learnhub.learning.services import mark_active

_BEIJING = ZoneInfo("Asia/Shanghai")
STREAK_LOOKBACK_DAYS = 400


def _now():
    return datetime.now(UTC)


def today(now=None):
    """The day in Beijing: the day the worker would name."""
    return (now or _now()).astimezone(_BEIJING).date()


def pool_ids(user):
    """The ids of the live bank questions this person drills: their trade's courses and the courses they take."""
    enrolled = select(Enrolment.course_id).where(Enrolment.user_id == user.id)
    mine = Course.id.in_(enrolled)
    if user.occupation:
        mine = or_(mine, Course.occupation == user.occupation)
    return list(
        db.session.scalars(
            select(BankQuestion.id)
            .join(Course, Course.id == BankQuestion.course_id)
            .where(
                BankQuestion.is_retired.is_(False),
                Course.status == "published",
                visible_filter(user),
                mine,
            )
        )
    )


def _items(user, ids=None):
    stmt = select(DrillItem).where(DrillItem.user_id == user.id)
    if ids is not None:
        stmt = stmt.where(DrillItem.question_id.in_(ids))
    return {item.question_id: item for item in db.session.scalars(stmt)}


def book_count(user):
    """How many questions are in this person's wrong-answer book (of those still in a bank)."""
    return db.session.scalar(
        select(func.count())
        .select_from(DrillItem)
        .join(BankQuestion, BankQuestion.id == DrillItem.question_id)
        .where(DrillItem.user_id == user.id, DrillItem.is_in_book.is_(True), BankQuestion.is_retired.is_(False))
    )


def todays_drill(user, now=None):
    """This person's daily drill of today, or None."""
    return db.session.scalar(
        select(Drill).where(Drill.user_id == user.id, Drill.kind == "daily", Drill.day == today(now))
    )


def choose_daily(user, rng, size):
    """The ids of a daily drill: missed questions (at most half) and new ones, mixed; topped up with
    the ones met longest ago when there are not enough of those."""
    pool = pool_ids(user)
    items = _items(user, pool)
    missed = [qid for qid in pool if qid in items and items[qid].is_in_book]
    new = [qid for qid in pool if qid not in items]
    rng.shuffle(missed)
    rng.shuffle(new)
    chosen = missed[: max(size // 2, size - len(new))]
    chosen += new[: size - len(chosen)]
    if len(chosen) < size:
        met = sorted(
            (qid for qid in pool if qid in items and qid not in chosen), key=lambda q: items[q].last_answered_at
        )
        chosen += met[: size - len(chosen)]
    rng.shuffle(chosen)
    return chosen


def start_drill(user, kind="daily"):
    """Start today's drill (or return it, when it was started already), or a drill of my wrong-answer book."""
    if kind not in ("daily", "book"):
        raise DomainError(_("Choose today's drill or your wrong-answer book."))
    now = _now()
    size = current_app.config["DRILL_QUESTIONS"]
    rng = random.Random()
    if kind == "daily":
        existing = todays_drill(user, now)
        if existing is not None:
            return existing
        ids = choose_daily(user, rng, size)
    else:
        pool = set(pool_ids(user))
        ids = [qid for qid, item in _items(user).items() if item.is_in_book and qid in pool]
        rng.shuffle(ids)
        ids = ids[:size]
    if not ids:
        if kind == "book":
            raise DomainError(_("Your wrong-answer book is empty: there is nothing to drill again."))
        raise DomainError(
            _("There are no questions for your trade or your courses yet. Enrol in a course to drill it.")
        )
    questions = bank_questions_by_id(ids)
    paper = [[qid, [c.id for c in kinds.shuffled_choices(questions[qid], rng)]] for qid in ids]
    values = dict(user_id=user.id, kind=kind, day=today(now), questions=paper, answers=[], started_at=now)
    if kind == "daily":
        # Two taps on Start (or two phones) make one drill: the second finds the first.
        db.session.execute(
            dialect_insert(Drill)
            .values(**values)
            .on_conflict_do_nothing(index_elements=["user_id", "day"], index_where=Drill.kind == "daily")
        )
        return todays_drill(user, now)
    drill = Drill(**values)
    db.session.add(drill)
    db.session.flush()
    return drill


def get_drill(user, drill_id):
    """One of this person's drills, or NotFound (another person's drill does not exist for them)."""
    drill = db.session.get(Drill, drill_id)
    if drill is None or drill.user_id != user.id:
        raise NotFound(_("Drill not found."))
    return drill


def drill_paper(drill):
    """[(question, [choices in order])] of a drill, as asked."""
    questions = bank_questions_by_id([qid for qid, _c in drill.questions])
    paper = []
    for qid, choice_ids in drill.questions:
        question = questions.get(qid)
        if question is not None:
            choices = {choice.id: choice for choice in question.choices}
            paper.append((question, [choices[cid] for cid in choice_ids if cid in choices]))
    return paper


def _parse_answer(question, choices, sent):
    if not kinds.has_choices(question):
        typed = kinds.typed_answer(sent)
        if not typed:
            raise DomainError(_("Write your answer first."), "answer")
        return typed
    picked = set()
    for value in sent:
        value = str(value).strip()
        if not value.isascii() or not value.isdigit() or len(value) > 12:
            raise DomainError(_("An answer was not one of the choices. Reload the page and try again."))
        picked.add(int(value))
    if not picked:
        raise DomainError(_("Choose an answer first."), "answer")
    if not picked <= {choice.id for choice in choices} or (question.kind != "multiple" and len(picked) > 1):
        raise DomainError(_("An answer was not one of the choices. Reload the page and try again."))
    return sorted(picked)


def answer(user, drill, number, sent):
    """Answer question `number` (1-based) of a drill; returns whether it was right.

    `sent`: the values sent for it (choice ids, or the typed answer). A number other than the
    next question's is refused (a second tap, or a stale page): what is answered stays answered.
    """
    paper = drill_paper(drill)
    if drill.is_finished or number != len(drill.answers) + 1 or number > len(paper):
        raise DomainError(_("This question is answered already."), "stale")
    question, choices = paper[number - 1]
    given = _parse_answer(question, choices, sent)
    right = kinds.is_right(question, given)
    now = _now()
    drill.answers = [*drill.answers, {"answer": given, "right": right}]
    _remember(user, question, given, right, now)
    if len(drill.answers) == len(paper):
        drill.finished_at = now
        mark_active(user, now)
    db.session.flush()
    return right


def _remember(user, question, given, right, now):
    db.session.execute(
        dialect_insert(DrillItem)
        .values(user_id=user.id, question_id=question.id, times_answered=0, times_missed=0, last_answered_at=now)
        .on_conflict_do_nothing(index_elements=["user_id", "question_id"])
    )
    item = db.session.get(DrillItem, (user.id, question.id), populate_existing=True)
    item.times_answered += 1
    item.last_answered_at = now
    if right:
        item.is_in_book = False
    else:
        item.times_missed += 1
        item.is_in_book = True
        item.last_answer = {"answer": given}


def book(user):
    """[(question, item)] of this person's wrong-answer book, the most missed first."""
    rows = db.session.execute(
        select(BankQuestion, DrillItem)
        .join(DrillItem, and_(DrillItem.question_id == BankQuestion.id, DrillItem.user_id == user.id))
        .where(DrillItem.is_in_book.is_(True), BankQuestion.is_retired.is_(False))
        .order_by(DrillItem.times_missed.desc(), DrillItem.last_answered_at.desc())
        .limit(200)
    ).all()
    return [(question, item) for question, item in rows]


def streak(user, now=None):
    """Days in a row, up to today (or yesterday, while today's drill is not done yet), with a finished drill."""
    day = today(now)
    days = set(
        db.session.scalars(
            select(Drill.day)
            .where(
                Drill.user_id == user.id,
                Drill.finished_at.is_not(None),
                Drill.day >= day - timedelta(days=STREAK_LOOKBACK_DAYS),
            )
            .distinct()
        )
    )
    if day not in days:
        day -= timedelta(days=1)
    count = 0
    while day in days:
        count += 1
        day -= timedelta(days=1)
    return count
