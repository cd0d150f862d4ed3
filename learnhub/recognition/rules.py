"""Eligibility: how far a worker is along a pathway, computed from the ledger when asked.

A handful of queries fetch what a worker has earned; every pathway is then measured in
Python, so a page listing many pathways costs the same few queries as one.

A pathway counts only what counts toward it: an entry of a course in one of the pathway's
categories (if it names any) and for one of its occupations (if it names any; a course for
every occupation counts for each), prior learning if the pathway takes it, within its years.
The credits and hours shown are the sums of those entries as the record shows them
(core.hours), listed per course on the pathway's page; whether the rule is met is decided
on the exact minutes.
"""

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import func, select

from learnhub.catalog.models import ALL_OCCUPATIONS, Course
from learnhub.contests.models import STAGES, Contest, ContestEntry
from learnhub.core.hours import Hours, minutes_per_xueshi
from learnhub.credits.models import Account, LedgerEntry
from learnhub.extensions import db
from learnhub.recognition.models import Application, Target

COUNTED_KINDS = ("module", "course", "prior_learning")


@dataclass(frozen=True)
class Fact:
    """One ledger entry that still stands, with the course it came from (if any)."""

    kind: str
    credits: Decimal
    minutes: int
    at: datetime
    slug: str | None = None
    category: str | None = None
    occupation: str | None = None
    title: str = ""  # the course's title, or the entry's note (prior learning)


@dataclass(frozen=True)
class Placing:
    """A published rank of the worker in a skill contest."""

    contest_id: int
    title: str
    stage: str
    occupation: str | None
    rank: int
    count: int  # papers ranked
    at: datetime  # when the results were published


@dataclass
class Earned:
    """What one worker has earned: ledger facts, credits already recognised per programme, contest placings."""

    facts: list
    recognised: dict  # {(institution, programme): credits granted by approved applications}
    placings: list = field(default_factory=list)


@dataclass
class CourseGroup:
    """A required course, or several of which any one will do."""

    slugs: list
    courses: list  # Course objects found for the slugs, in the same order
    is_done: bool


@dataclass
class Progress:
    version: object
    credits: Decimal
    minutes: int
    groups: list = field(default_factory=list)
    cap_left: Decimal | None = None
    grant_credits: Decimal = Decimal("0")
    counted: list = field(default_factory=list)  # the Facts that count toward the pathway
    placing: Placing | None = None  # the best placing that meets the rule's, if it asks for one

    @property
    def hours(self):
        """The hours counted, as shown: the sum of the counted entries' hours as shown."""
        return Hours.total(f.minutes for f in self.counted)

    @property
    def counted_rows(self):
        """[(title, credits, Hours)] per course (or prior learning) counted, in the order first earned.

        Their sums are `credits` and `hours`; a course's own completion that pays nothing is no row.
        """
        rows = {}
        for fact in sorted(self.counted, key=lambda f: f.at):
            if not fact.credits and not fact.minutes:
                continue
            key = fact.slug or (fact.kind, fact.title)
            title, credits, hours = rows.get(key, (fact.title, Decimal("0"), Hours()))
            rows[key] = (title, credits + fact.credits, hours + Hours.of(fact.minutes))
        return list(rows.values())

    @property
    def missing_groups(self):
        return [group for group in self.groups if not group.is_done]

    @property
    def credits_met(self):
        return self.credits >= self.version.min_credits

    @property
    def minutes_met(self):
        return self.minutes >= self.version.min_minutes

    @property
    def is_capped(self):
        """True when the programme's cap leaves nothing more to recognise."""
        return self.cap_left is not None and self.version.target.credits > 0 and self.cap_left <= 0

    @property
    def placing_met(self):
        return not self.version.placing or self.placing is not None

    @property
    def is_met(self):
        return (
            not self.missing_groups
            and self.credits_met
            and self.minutes_met
            and self.placing_met
            and not self.is_capped
        )

    @property
    def fraction(self):
        """0 to 1: the mean of the parts of the rule, each counted up to its requirement."""
        parts = []
        if self.groups:
            parts.append(Decimal(len(self.groups) - len(self.missing_groups)) / len(self.groups))
        if self.version.min_credits > 0:
            parts.append(min(self.credits / self.version.min_credits, Decimal(1)))
        if self.version.min_minutes > 0:
            parts.append(min(Decimal(self.minutes) / self.version.min_minutes, Decimal(1)))
        if self.version.placing:
            parts.append(Decimal(1 if self.placing else 0))
        return float(sum(parts) / len(parts)) if parts else 1.0

    @property
    def percent(self):
        return int(self.fraction * 100)

    def snapshot(self):
        """What counted, as JSON, kept with an application for its reviewer."""
        return {
            "credits": str(self.credits),
            "minutes": self.minutes,
            "tenths": self.hours.tenths,  # the hours as shown: the sum of the counted entries'
            "xueshi": minutes_per_xueshi(),  # ... in 学时 of this many minutes
            "courses": [[c.slug for c in g.courses] for g in self.groups if g.is_done],
            "placing": [self.placing.title, self.placing.rank, self.placing.count] if self.placing else None,
            "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }


def earned_by(user):
    """Everything `user` has earned that a pathway may count: two queries."""
    reversed_ids = select(LedgerEntry.reverses_id).where(LedgerEntry.reverses_id.is_not(None))
    entries = db.session.execute(
        select(
            LedgerEntry.kind,
            LedgerEntry.credits,
            LedgerEntry.minutes,
            LedgerEntry.created_at,
            Course.slug,
            Course.category,
            Course.occupation,
            Course.title,
            LedgerEntry.note,
        )
        .join(Account, Account.id == LedgerEntry.account_id)
        .outerjoin(Course, Course.id == LedgerEntry.course_id)
        .where(Account.user_id == user.id, LedgerEntry.kind.in_(COUNTED_KINDS), LedgerEntry.id.not_in(reversed_ids))
    ).all()
    facts = [
        Fact(
            e.kind,
            Decimal(e.credits),
            int(e.minutes),
            e.created_at,
            e.slug,
            e.category,
            e.occupation,
            e.title or e.note or "",
        )
        for e in entries
    ]
    return Earned(facts=facts, recognised=recognised_credits(user), placings=placings_of(user))


def placings_of(user):
    """The worker's published contest ranks (a Placing each): one query."""
    ranked = (
        select(ContestEntry.contest_id, func.count(ContestEntry.id).label("count"))
        .where(ContestEntry.rank.is_not(None))
        .group_by(ContestEntry.contest_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Contest, ContestEntry.rank, ranked.c.count)
        .join(ContestEntry, ContestEntry.contest_id == Contest.id)
        .join(ranked, ranked.c.contest_id == Contest.id)
        .where(
            ContestEntry.user_id == user.id,
            ContestEntry.rank.is_not(None),
            Contest.results_published_at.is_not(None),
        )
    ).all()
    return [
        Placing(c.id, c.title, c.stage, c.occupation, rank, count, c.results_published_at) for c, rank, count in rows
    ]


def placing_meets(placing, rule):
    """Whether a contest placing meets a pathway's placing rule (see PathwayVersion.placing)."""
    if STAGES.index(placing.stage) < STAGES.index(rule["stage"]):
        return False
    if rule.get("occupation") and placing.occupation != rule["occupation"]:
        return False
    if rule.get("top"):
        return placing.rank <= rule["top"]
    return placing.rank <= max(1, math.ceil(placing.count * rule["percent"] / 100))


def recognised_credits(user):
    """{(institution, programme): credits} granted to `user` by approved applications."""
    rows = db.session.execute(
        select(Target.institution, Target.programme, func.coalesce(func.sum(Application.credits), 0))
        .select_from(Application)
        .join(Application.version)
        .join(Target)
        .where(Application.user_id == user.id, Application.status == "approved")
        .group_by(Target.institution, Target.programme)
    ).all()
    return {(row[0], row[1]): Decimal(row[2]) for row in rows}


def _since(version, now):
    if not version.within_years:
        return None
    try:
        return now.replace(year=now.year - version.within_years)
    except ValueError:  # 29 February
        return now.replace(year=now.year - version.within_years, day=28)


def _counts(fact, version):
    if fact.kind == "prior_learning":
        return version.counts_prior_learning
    if version.categories and fact.category not in version.categories:
        return False
    if not version.occupations:
        return True
    return fact.occupation in version.occupations or fact.occupation == ALL_OCCUPATIONS


def measure(version, earned, courses_by_slug, now=None):
    """How far the worker whose `earned` this is has come along `version`'s rule."""
    now = now or datetime.now(UTC)
    since = _since(version, now)
    facts = [f for f in earned.facts if since is None or f.at >= since]
    counted = [f for f in facts if _counts(f, version)]
    credits = sum((f.credits for f in counted), Decimal("0")).quantize(Decimal("0.01"))
    minutes = sum(f.minutes for f in counted)
    done = {f.slug for f in facts if f.kind == "course" and f.slug}
    groups = [
        CourseGroup(
            slugs=list(group),
            courses=[courses_by_slug[s] for s in group if s in courses_by_slug],
            is_done=any(slug in done for slug in group),
        )
        for group in version.required_courses or []
    ]
    progress = Progress(version=version, credits=credits, minutes=minutes, groups=groups, counted=counted)
    if version.placing:
        meeting = [p for p in earned.placings if (since is None or p.at >= since) and placing_meets(p, version.placing)]
        progress.placing = min(meeting, key=lambda p: (p.rank / p.count, -p.at.timestamp()), default=None)
    target = version.target
    progress.grant_credits = Decimal(target.credits)
    if version.cap is not None and target.credits > 0:
        already = earned.recognised.get((target.institution, target.programme), Decimal("0"))
        progress.cap_left = max(Decimal(version.cap) - already, Decimal("0"))
        progress.grant_credits = min(Decimal(target.credits), progress.cap_left)
    return progress


def courses_for(versions):
    """{slug: Course} for every course the versions name: one query."""
    slugs = {slug for version in versions for group in version.required_courses or [] for slug in group}
    if not slugs:
        return {}
    return {c.slug: c for c in db.session.scalars(select(Course).where(Course.slug.in_(slugs)))}
