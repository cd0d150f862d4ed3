"""The demo's contests: 滨江市's electricians' city round open now, and an earlier round whose
results are published (ranked, in the ledger, its winners' credentials issued), both drawn from
the shipped electrical-safety bank (safe to run again). The open round admits every electrician
of the city, not only the earlier round's best, so that demo-worker, who starts with a clean
slate, can enter it."""

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from learnhub.accounts.models import User
from learnhub.catalog import questions as kinds
from learnhub.catalog.models import Course
from learnhub.catalog.services import bank_questions
from learnhub.contests import competitions
from learnhub.contests.models import Contest, ContestEntry
from learnhub.extensions import db
from learnhub.learning import papers

OPEN = "滨江市电工技术比武（演示）"
EARLIER = "滨江市电工技术比武（演示·第一轮）"
RULE = {"basic": 6, "harder": 4, "each_topic": True}


def load_demo_contests(admin, slug="electrical-safety"):
    """Create the demo contests of `admin`'s union when the course's bank is loaded; return how many were made."""
    course = db.session.scalar(select(Course).where(Course.slug == slug, Course.status == "published"))
    bank = bank_questions(course.id) if course is not None else []
    if not bank or kinds.rule_problem(RULE, bank) is not None:
        return 0
    made = 0
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    for title, opens, closes in (
        (EARLIER, now - timedelta(days=30), now - timedelta(days=23)),
        (OPEN, now - timedelta(hours=1), now + timedelta(days=30)),
    ):
        if db.session.scalar(select(Contest.id).where(Contest.title == title, Contest.org_id == admin.org_id)):
            continue
        contest = Contest(
            title=title,
            org_id=admin.org_id,
            org_path=admin.org.path,
            occupation="electrician",
            stage="city",
            course_ids=[course.id],
            rule=RULE,
            time_limit=15,
            opens_at=opens,
            closes_at=closes,
            created_by_id=admin.id,
        )
        db.session.add(contest)
        db.session.flush()
        made += 1
        if title == EARLIER:
            _earlier_round(contest, bank, admin)
    return made


def _earlier_round(contest, bank, admin):
    """Papers of the subtree's invented electricians (not the demo accounts), scored, results published."""
    rng = random.Random(19)
    workers = db.session.scalars(
        select(User)
        .where(User.role == "worker", User.occupation == "electrician", User.username.like("demo-w%"))
        .order_by(User.id)
    ).all()
    for user in workers:
        if not user.org.path.startswith(contest.org_path):
            continue
        paper = kinds.draw(contest.rule, bank, rng)
        skill = rng.uniform(0.4, 0.95)
        marks = {str(question.id): rng.random() < skill for question, _c in paper}
        started = contest.opens_at + timedelta(hours=rng.randint(1, 100))
        seconds = rng.randint(240, 880)
        db.session.add(
            ContestEntry(
                contest_id=contest.id,
                user_id=user.id,
                org_id=user.org_id,
                paper=papers.as_stored(paper),
                started_at=started,
                due_at=started + timedelta(minutes=contest.time_limit),
                submitted_at=started + timedelta(seconds=seconds),
                answers={},
                marks=marks,
                score=sum(marks.values()) * 100 // len(paper),
                seconds=seconds,
            )
        )
    db.session.flush()
    competitions.publish_results(admin, contest)
    contest.results_published_at = contest.closes_at + timedelta(days=1)
    contest.opening_told_at = contest.closing_told_at = contest.opens_at  # long past: nobody is told now
    db.session.flush()
