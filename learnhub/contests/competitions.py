"""Skill competitions (技术比武): an admin's contest for their subtree, one clocked paper per contestant.

A contest draws each contestant's paper from the banks of chosen courses by a rule (as a quiz
does, catalog.questions.draw), when they press Enter; the paper is clocked on the server from
then (the time limit, and never past the contest's close), answers never reach the browser
before it is handed in, a late paper is refused and scores nothing, and each person has one
attempt. A contestant sees their own score and rank at once; the rankings (individuals by
score, then time; unions by the mean of their best TEAM_BEST members and the share of their
workers who took part) show to everyone once an admin publishes the results.

Who may enter, and the stages (enterprise → city → province) a round belongs to: stages.py.
Published results count: a ledger entry of kind "competition" for each ranked paper, the
winners' credentials (issued by recognition on the results_published signal), the entrants
told in their inbox (notices.py).

Services flush; the caller commits.
"""

import random
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import and_, func, or_, select

from learnhub.accounts.models import User
from learnhub.catalog import questions as kinds
from learnhub.catalog.models import BankQuestion, Course
from learnhub.catalog.services import bank_questions_by_id, visible_filter
from learnhub.contests import notices, stages
from learnhub.contests.models import Contest, ContestEntry
from learnhub.contests.signals import paper_scored, results_published
from learnhub.contests.stages import plain, whole_number
from learnhub.core import audit
from learnhub.core.db import dialect_insert
from learnhub.core.errors import DomainError, NotFound
from learnhub.core.hours import minutes_of
from learnhub.core.i18n import force_locale
from learnhub.core.i18n import gettext as _
from learnhub.core.text import clean_line, has_hidden_characters
from learnhub.core.vocab import OCCUPATION_CODES
from learnhub.credits.services import award, parse_credits
from learnhub.extensions import db
from learnhub.learning import papers
from learnhub.orgs.models import Org
from learnhub.orgs.services import subtree_filter

_BEIJING = ZoneInfo("Asia/Shanghai")
_LOCAL_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}$")
_HOURS = re.compile(r"^[0-9]{1,3}(\.[0-9]{1,2})?$", re.ASCII)
TEAM_BEST = 3  # a union's team score: the mean of its best three
# A paper handed in faster than this many seconds a question is flagged for the admins.
QUICK_SECONDS_PER_QUESTION = 5


def _now():
    return datetime.now(UTC)


# ---------------------------------------------------------------- creating


def _local(value, field):
    text = plain(value)
    if not _LOCAL_TIME.match(text):
        raise DomainError(_("Give a date and time such as 2026-12-01 09:00."), field)
    try:
        return datetime.fromisoformat(text.replace(" ", "T")).replace(tzinfo=_BEIJING).astimezone(UTC)
    except ValueError:
        raise DomainError(_("Give a date and time such as 2026-12-01 09:00."), field) from None


def contest_courses(admin):
    """(id, title) of the published courses the admin may see that have a question bank, to draw contests from."""
    with_bank = select(BankQuestion.course_id).where(BankQuestion.is_retired.is_(False))
    return db.session.execute(
        select(Course.id, Course.title)
        .where(Course.status == "published", Course.id.in_(with_bank), visible_filter(admin))
        .order_by(Course.title)
    ).all()


def create_contest(admin, values):
    """A new contest for the admin's union and the unions below it (values as from the contest form)."""
    title = clean_line(values.get("title"))
    if not title or has_hidden_characters(title):
        raise DomainError(_("Give the contest a title."), "title")
    if len(title) > 120:
        raise DomainError(
            _("At most %(max)d characters, please; this has %(count)d.", max=120, count=len(title)), "title"
        )
    occupation = values.get("occupation") or None
    if occupation is not None and occupation not in OCCUPATION_CODES:
        raise DomainError(_("Choose an occupation from the list."), "occupation")
    levels = stages.parse_levels(values.get("levels"))
    stage = values.get("stage") or stages.default_stage(admin.org)
    if stage not in stages.stages_for(admin.org):
        raise DomainError(_("Choose a stage from the list: up to your union's level."), "stage")
    previous_id, admit_top, admit_percent = stages.parse_admission(admin, stage, values)
    chosen = _courses(admin, values)
    rule = _rule(values, chosen)
    time_limit = whole_number(values.get("time_limit"), "time_limit", 600)
    if time_limit == 0:
        raise DomainError(_("A contest has a time limit of 1 to 600 minutes."), "time_limit")
    credits, minutes, winners = _results(values)
    opens_at, closes_at = _local(values.get("opens_at"), "opens_at"), _local(values.get("closes_at"), "closes_at")
    if closes_at <= opens_at:
        raise DomainError(_("The contest closes after it opens."), "closes_at")
    contest = Contest(
        title=title,
        org_id=admin.org_id,
        org_path=admin.org.path,
        occupation=occupation,
        levels=levels,
        stage=stage,
        previous_id=previous_id,
        admit_top=admit_top,
        admit_percent=admit_percent,
        course_ids=sorted(chosen),
        rule=rule,
        time_limit=time_limit,
        opens_at=opens_at,
        closes_at=closes_at,
        credits=credits,
        minutes=minutes,
        winners=winners,
        created_by_id=admin.id,
    )
    db.session.add(contest)
    db.session.flush()
    audit.record(admin, "contest.created", "contest", contest.id, admin.org.path, note=title[:200])
    return contest


def _results(values):
    """(credits, minutes, winners) a published result counts for, from the form (empty: none, none, 3)."""
    credits = parse_credits(plain(values.get("credits")) or "0", "credits")
    if credits > 100:
        raise DomainError(_("A contest grants at most 100 credits."), "credits")
    hours = plain(values.get("hours"))
    if hours and (not _HOURS.match(hours) or Decimal(hours) > 100):
        raise DomainError(_("Enter hours as a number from 0 to 100, such as 2.5."), "hours")
    winners = whole_number(values.get("winners") if values.get("winners") not in (None, "") else "3", "winners", 1000)
    return credits, minutes_of(hours) if hours else 0, winners


def _courses(admin, values):
    offered = {course_id for course_id, _t in contest_courses(admin)}
    chosen = set()
    for value in values.get("courses") or []:
        text = str(value)
        if not text.isascii() or not text.isdigit() or int(text) not in offered:
            raise DomainError(_("Choose the courses from the list."), "courses")
        chosen.add(int(text))
    if not chosen:
        raise DomainError(_("Choose at least one course whose question bank the papers are drawn from."), "courses")
    return chosen


def _rule(values, chosen):
    rule = {
        "basic": whole_number(values.get("basic"), "basic", 100),
        "harder": whole_number(values.get("harder"), "harder", 100),
        "each_topic": bool(values.get("each_topic")),
    }
    found = kinds.rule_problem(rule, _bank(chosen))
    if found is None:
        return rule
    key, numbers = found
    if key == "empty":
        raise DomainError(_("Draw at least one question."), "basic")
    if key == "topics":
        raise DomainError(
            _("The banks have %(topics)d topics: one of each needs at least %(topics)d questions.", **numbers),
            "each_topic",
        )
    raise DomainError(_("The banks have %(have)d questions of this difficulty; draw fewer.", have=numbers["have"]), key)


def _bank(course_ids):
    return db.session.scalars(
        select(BankQuestion).where(BankQuestion.course_id.in_(course_ids), BankQuestion.is_retired.is_(False))
    ).all()


# ---------------------------------------------------------------- who sees what


def _is_admin_over(user, contest):
    return user.role == "admin" and contest.org_path.startswith(user.org.path)


may_see, may_enter = stages.may_see, stages.may_enter


def get_contest(user, contest_id):
    """The contest, if it is for this person (see stages.may_see) or they are an admin over it; else NotFound."""
    contest = db.session.get(Contest, contest_id)
    if contest is None or not (may_see(user, contest) or _is_admin_over(user, contest)):
        raise NotFound(_("Contest not found."))
    return contest


def contests_for(user):
    """The contests this person may enter (workers) or runs (admins: those of their subtree), latest first."""
    stmt = select(Contest).order_by(Contest.opens_at.desc()).limit(100)
    if user.role == "admin":
        return db.session.scalars(stmt.where(subtree_filter(user.org, Contest.org_path))).all()
    # The contests of my union and every union above it: their paths are prefixes of mine.
    ancestors = [f"/{'/'.join(user.org.path.strip('/').split('/')[:n])}/" for n in range(1, user.org.path.count("/"))]
    stmt = stmt.where(
        Contest.org_path.in_(ancestors), or_(Contest.occupation.is_(None), Contest.occupation == user.occupation)
    )
    return [contest for contest in db.session.scalars(stmt) if may_see(user, contest)]


def previous_round(contest):
    """The round below this one, whose best go through to it, or None."""
    return db.session.get(Contest, contest.previous_id) if contest.previous_id else None


def entry_of(user, contest):
    """This person's entry in the contest, or None."""
    return db.session.scalar(
        select(ContestEntry).where(ContestEntry.contest_id == contest.id, ContestEntry.user_id == user.id)
    )


def is_open(contest, now=None):
    now = now or _now()
    return contest.opens_at <= now < contest.closes_at and contest.results_published_at is None


# ---------------------------------------------------------------- taking part


def enter(user, contest):
    """Draw this person's paper and start their clock; entering again returns the same entry."""
    if not may_see(user, contest):
        raise NotFound(_("Contest not found."))
    if not stages.went_through(user, contest):
        raise DomainError(_("This round is for those who went through from the round below."))
    existing = entry_of(user, contest)
    if existing is not None:
        return existing
    now = _now()
    if not is_open(contest, now):
        raise DomainError(_("The contest is not open now."))
    paper = kinds.draw(contest.rule, _bank(contest.course_ids), random.Random())
    db.session.execute(
        dialect_insert(ContestEntry)
        .values(
            contest_id=contest.id,
            user_id=user.id,
            org_id=user.org_id,
            paper=papers.as_stored(paper),
            started_at=now,
            due_at=min(now + timedelta(minutes=contest.time_limit), contest.closes_at),
            is_late=False,
        )
        .on_conflict_do_nothing(index_elements=["contest_id", "user_id"])
    )
    return entry_of(user, contest)


def entry_paper(entry):
    """[(question, [choices in order])] of an entry's paper."""
    questions = bank_questions_by_id([qid for qid, _c in entry.paper])
    paper = []
    for qid, choice_ids in entry.paper:
        question = questions.get(qid)
        if question is not None:
            choices = {choice.id: choice for choice in question.choices}
            paper.append((question, [choices[cid] for cid in choice_ids if cid in choices]))
    return paper


def submit(user, contest, answers):
    """Hand in this person's paper: scored, or (after its time) refused and scored nothing."""
    entry = db.session.scalar(
        select(ContestEntry)
        .where(ContestEntry.contest_id == contest.id, ContestEntry.user_id == user.id)
        .with_for_update()
    )
    if entry is None:
        raise DomainError(_("Enter the contest first."))
    if entry.submitted_at is not None:
        raise DomainError(_("Your paper is handed in already: a contest has one attempt."))
    now = _now()
    grace = timedelta(seconds=current_app.config["QUIZ_LATE_GRACE_SECONDS"])
    paper = entry_paper(entry)
    if now > entry.due_at + grace:
        entry.submitted_at, entry.is_late, entry.score, entry.answers, entry.marks = now, True, 0, {}, {}
        entry.seconds = int((now - entry.started_at).total_seconds())
        db.session.flush()
        raise LateEntry(
            _(
                "Time was up: the paper had to be handed in within %(limit)d minutes of entering. It was not scored.",
                limit=contest.time_limit,
            )
        )
    chosen = papers.ensure_answers_fit(paper, answers)
    marks = papers.mark(paper, chosen)
    entry.answers, entry.marks = chosen, marks
    entry.score = sum(marks.values()) * 100 // (len(paper) or 1)
    entry.seconds = max(1, int((now - entry.started_at).total_seconds()))
    entry.submitted_at = now
    db.session.flush()
    paper_scored.send(contest, user=user, entry=entry, paper=paper)
    if entry.seconds < QUICK_SECONDS_PER_QUESTION * len(paper):
        audit.record(
            user,
            "contest.quick_paper",
            "contest_entry",
            entry.id,
            user.org.path,
            title=contest.title[:200],
            seconds=entry.seconds,
            questions=len(paper),
        )
    return entry


class LateEntry(DomainError):
    """A contest paper handed in after its time: recorded, not scored."""


def publish_results(admin, contest):
    """Show the rankings to everyone; the contest closes now if it had not.

    Each paper handed in on time keeps its rank (and its rank within its union, for the round
    above) and counts in the contestant's learning account: an entry of kind "competition"
    paying what the contest grants (often nothing). Features above hear of it
    (signals.results_published): recognition issues the winners' credentials.
    """
    if not _is_admin_over(admin, contest):
        raise NotFound(_("Contest not found."))
    if contest.results_published_at is not None:
        return
    now = _now()
    contest.results_published_at = now
    if contest.closes_at > now:
        contest.closes_at = max(now, contest.opens_at + timedelta(seconds=1))
    ranked = individual_ranking(contest)
    for rank, entry, *_rest in ranked:
        entry.rank = rank
    stages.rank_within_unions(contest, ranked)
    people = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_([r[1].user_id for r in ranked])))}
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):  # stored text, in the platform's language
        for rank, entry, _name, _union in ranked:
            note = _(
                "%(title)s: rank %(rank)d of %(count)d, score %(score)d",
                title=contest.title,
                rank=rank,
                count=len(ranked),
                score=entry.score,
            )
            award(
                people[entry.user_id],
                kind="competition",
                source_type="contest",
                source_id=contest.id,
                credits=contest.credits,
                minutes=contest.minutes,
                note=note,
                created_by=admin,
            )
    audit.record(admin, "contest.published", "contest", contest.id, contest.org_path, note=contest.title[:200])
    db.session.flush()
    pairs = [(rank, entry) for rank, entry, _n, _u in ranked]
    notices.tell_results(contest, pairs)
    results_published.send(contest, ranked=pairs)


# ---------------------------------------------------------------- rankings


def individual_ranking(contest):
    """[(rank, entry, person's name, union name)] of the papers handed in on time: score, then time."""
    rows = db.session.execute(
        select(ContestEntry, User.name, Org.name)
        .join(User, User.id == ContestEntry.user_id)
        .join(Org, Org.id == ContestEntry.org_id)
        .where(
            ContestEntry.contest_id == contest.id,
            ContestEntry.submitted_at.is_not(None),
            ContestEntry.is_late.is_(False),
        )
        .order_by(ContestEntry.score.desc(), ContestEntry.seconds, ContestEntry.id)
    ).all()
    ranked, previous, rank = [], None, 0
    for position, (entry, name, union) in enumerate(rows, 1):
        if (entry.score, entry.seconds) != previous:
            rank, previous = position, (entry.score, entry.seconds)
        ranked.append((rank, entry, name, union))
    return ranked


def rank_of(contest, entry):
    """This entry's rank among the papers handed in on time (None for a late or running one)."""
    if entry is None or entry.submitted_at is None or entry.is_late:
        return None
    better = db.session.scalar(
        select(func.count(ContestEntry.id)).where(
            ContestEntry.contest_id == contest.id,
            ContestEntry.submitted_at.is_not(None),
            ContestEntry.is_late.is_(False),
            or_(
                ContestEntry.score > entry.score,
                and_(ContestEntry.score == entry.score, ContestEntry.seconds < entry.seconds),
            ),
        )
    )
    return better + 1


def team_ranking(contest):
    """[(union name, mean of its best TEAM_BEST scores, entrants, its workers who may enter)], best first."""
    scores = {}
    for _rank, entry, _name, _union in individual_ranking(contest):
        scores.setdefault(entry.org_id, []).append(entry.score)
    if not scores:
        return []
    eligible = select(User.org_id, func.count(User.id)).where(User.role == "worker", User.org_id.in_(scores))
    if contest.occupation:
        eligible = eligible.where(User.occupation == contest.occupation)
    if contest.levels:
        eligible = eligible.where(User.skill_level.in_(contest.levels))
    counts = dict(db.session.execute(eligible.group_by(User.org_id)).all())
    names = dict(db.session.execute(select(Org.id, Org.name).where(Org.id.in_(scores))).all())
    teams = [
        (
            names[org_id],
            sum(sorted(s, reverse=True)[:TEAM_BEST]) / min(len(s), TEAM_BEST),
            len(s),
            counts.get(org_id, 0),
        )
        for org_id, s in scores.items()
    ]
    return sorted(teams, key=lambda team: (-team[1], -team[2], team[0]))
