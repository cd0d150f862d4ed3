"""What contests tell workers in their inbox (notify), in each worker's own language.

A contest opens for me, is about to close (a day before, if I have not handed in a paper),
its results are out. Opening and closing are told by a periodic task (`tell_contests`), once
a contest: the contest keeps when it told them (opening_told_at, closing_told_at), and each
notice has its own key, so a task that stopped half-way and runs again tells nobody twice. A
round above another is told once the round below has published who went through. Results are
told when the admin publishes them, in the same transaction.
"""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from learnhub.accounts.models import User
from learnhub.contests import stages
from learnhub.contests.models import Contest, ContestEntry
from learnhub.core.i18n import force_locale
from learnhub.core.i18n import gettext as _
from learnhub.extensions import db
from learnhub.notify.services import notify
from learnhub.orgs.models import Org

_BEIJING = ZoneInfo("Asia/Shanghai")
CLOSING_NOTICE = timedelta(days=1)
# People told per commit: a run over a province stops and starts again without losing its place.
NOTICE_BATCH = 200


def _language(user):
    return user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]


def _link(contest):
    return f"/contests/{contest.id}"


def contestants_query(contest):
    """A SELECT of the active workers the contest is for (its subtree, occupation and levels)."""
    stmt = (
        select(User)
        .join(Org, Org.id == User.org_id)
        .where(User.role == "worker", User.is_active_account.is_(True), Org.path.startswith(contest.org_path))
        .order_by(User.id)
    )
    if contest.occupation:
        stmt = stmt.where(User.occupation == contest.occupation)
    if contest.levels:
        stmt = stmt.where(User.skill_level.in_(contest.levels))
    if contest.previous_id is not None:
        went = stages.went_through_ids(contest)
        stmt = stmt.where(User.id.in_(went))
    return stmt


def _ready(contest):
    """A round above another can be told about once the round below has published its results."""
    if contest.previous_id is None:
        return True
    previous = db.session.get(Contest, contest.previous_id)
    return previous is not None and previous.results_published_at is not None


def _tell(contest, people, notice):
    told = 0
    for n, user in enumerate(people, start=1):
        with force_locale(_language(user)):
            if notice == "opened":
                title = _("A contest is open for you: %(title)s", title=contest.title)
                body = _(
                    "One paper of %(minutes)d minutes, drawn when you press Enter. Open until %(closes)s.",
                    minutes=contest.time_limit,
                    closes=_local(contest.closes_at),
                )
            else:
                title = _("Closes within a day: %(title)s", title=contest.title)
                body = _(
                    "You have not handed in a paper yet. The contest closes at %(closes)s.",
                    closes=_local(contest.closes_at),
                )
            told += notify(
                user,
                key=f"contest:{contest.id}:{notice}",
                kind=f"contest.{notice}",
                title=title,
                body=body,
                link=_link(contest),
            )
        if n % NOTICE_BATCH == 0:
            db.session.commit()
    return told


def _local(moment):
    return moment.astimezone(_BEIJING).strftime("%Y-%m-%d %H:%M")


def tell_contests(now=None):
    """Tell workers that a contest opened for them, or closes within a day (a periodic task); returns how many."""
    now = now or datetime.now(UTC)
    told = 0
    opened = db.session.scalars(
        select(Contest).where(
            Contest.opening_told_at.is_(None),
            Contest.opens_at <= now,
            Contest.closes_at > now,
            Contest.results_published_at.is_(None),
        )
    ).all()
    for contest in opened:
        if not _ready(contest):
            continue
        told += _tell(contest, db.session.scalars(contestants_query(contest)).all(), "opened")
        contest.opening_told_at = now
        db.session.commit()
    closing = db.session.scalars(
        select(Contest).where(
            Contest.closing_told_at.is_(None),
            Contest.closes_at > now,
            Contest.closes_at <= now + CLOSING_NOTICE,
            Contest.opens_at <= now,
            Contest.results_published_at.is_(None),
        )
    ).all()
    for contest in closing:
        if not _ready(contest):
            continue
        handed_in = select(ContestEntry.user_id).where(
            ContestEntry.contest_id == contest.id, ContestEntry.submitted_at.is_not(None)
        )
        people = db.session.scalars(contestants_query(contest).where(User.id.not_in(handed_in))).all()
        told += _tell(contest, people, "closing")
        contest.closing_told_at = now
        db.session.commit()
    return told


def tell_results(contest, ranked):
    """Tell everyone who entered the contest that its results are out, and their own place."""
    places = {entry.user_id: rank for rank, entry in ranked}
    entrants = db.session.scalars(
        select(User).join(ContestEntry, ContestEntry.user_id == User.id).where(ContestEntry.contest_id == contest.id)
    ).all()
    for user in entrants:
        with force_locale(_language(user)):
            rank = places.get(user.id)
            body = (
                _("You placed %(rank)d of %(count)d.", rank=rank, count=len(ranked))
                if rank
                else _("Your paper was not scored, so it has no place.")
            )
            notify(
                user,
                key=f"contest:{contest.id}:results",
                kind="contest.results",
                title=_("Results are out: %(title)s", title=contest.title),
                body=body,
                link=_link(contest),
            )
