"""Skill contests in a union's statistics: each contest, the unions below, the occupations.

The contests that opened in the period; their papers written by workers of the union's
subtree (counted by the union each contestant belonged to when they entered). One grouped
query reads the papers; the tables fold its rows three ways.
"""

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import and_, case, func, select

from learnhub.accounts.models import User
from learnhub.contests.models import Contest, ContestEntry
from learnhub.contests.stages import STAGE_LABELS
from learnhub.core.i18n import gettext as _
from learnhub.core.i18n import lazy_gettext as _l
from learnhub.core.vocab import OCCUPATIONS
from learnhub.orgs.models import Org
from learnhub.stats.breakdowns import utc_bounds
from learnhub.stats.report import TEXT, VALUE, Column, Table


@dataclass
class Papers:
    """Papers of some contestants: started, handed in on time (scored), their scores."""

    entrants: int = 0
    scored: int = 0
    score_sum: int = 0
    best: int | None = None

    def add(self, entrants, scored, score_sum, best):
        self.entrants += entrants
        self.scored += scored
        self.score_sum += score_sum
        if best is not None:
            self.best = best if self.best is None else max(self.best, best)

    @property
    def mean(self):
        return round(self.score_sum / self.scored, 1) if self.scored else None

    @property
    def handed_in_rate(self):
        return round(100 * self.scored / self.entrants, 1) if self.entrants else None


@dataclass
class ContestStats:
    contests: list  # [(Contest, Papers)], latest first
    unions: list  # [(union name, Papers)] for each union directly below (and the union itself)
    occupations: list  # [(label, Papers)]


def contest_stats(session, org, period):
    """The contest figures of `org`'s subtree over `period`: one grouped query, and the names."""
    start, end = utc_bounds(period)
    on_time = and_(ContestEntry.submitted_at.is_not(None), ContestEntry.is_late.is_(False))
    rows = session.execute(
        select(
            ContestEntry.contest_id,
            Org.path,
            User.occupation,
            func.count(ContestEntry.id),
            func.sum(case((on_time, 1), else_=0)),
            func.sum(case((on_time, ContestEntry.score), else_=0)),
            func.max(case((on_time, ContestEntry.score), else_=None)),
        )
        .join(Contest, Contest.id == ContestEntry.contest_id)
        .join(Org, Org.id == ContestEntry.org_id)
        .join(User, User.id == ContestEntry.user_id)
        .where(Contest.opens_at >= start, Contest.opens_at < end, Org.path.startswith(org.path))
        .group_by(ContestEntry.contest_id, Org.path, User.occupation)
    ).all()
    children = {path: name for path, name in session.execute(select(Org.path, Org.name).where(Org.parent_id == org.id))}
    by_contest, by_union, by_occupation = defaultdict(Papers), defaultdict(Papers), defaultdict(Papers)
    for contest_id, path, occupation, entrants, scored, score_sum, best in rows:
        figures = (int(entrants), int(scored or 0), int(score_sum or 0), best)
        by_contest[contest_id].add(*figures)
        child = next((name for child_path, name in children.items() if path.startswith(child_path)), None)
        by_union[child or _("Directly in %(union)s", union=org.name)].add(*figures)
        by_occupation[occupation].add(*figures)
    contests = session.scalars(
        select(Contest).where(Contest.id.in_(list(by_contest))).order_by(Contest.opens_at.desc())
    ).all()
    labels = dict(OCCUPATIONS)
    return ContestStats(
        contests=[(contest, by_contest[contest.id]) for contest in contests],
        unions=sorted(by_union.items(), key=lambda item: (-item[1].entrants, item[0])),
        occupations=sorted(
            ((str(labels.get(code, code or "—")), papers) for code, papers in by_occupation.items()),
            key=lambda item: (-item[1].entrants, item[0]),
        ),
    )


PAPER_COLUMNS = [
    Column(_l("Contestants")),
    Column(_l("Handed in on time")),
    Column(_l("Handed in (%)"), VALUE),
    Column(_l("Mean score"), VALUE),
    Column(_l("Best score"), VALUE),
]


def _values(papers):
    return [papers.entrants, papers.scored, papers.handed_in_rate, papers.mean, papers.best]


def contests_table(found, link=None):
    table = Table(
        "contests", _l("By contest"), [Column(_l("Contest"), TEXT), Column(_l("Stage"), TEXT)] + PAPER_COLUMNS
    )
    for contest, papers in found.contests:
        table.rows.append([contest.title, STAGE_LABELS[contest.stage]] + _values(papers))
        table.links.append(link(contest) if link else None)
    return table


def contest_unions_table(found):
    table = Table("contest-unions", _l("Contestants by union"), [Column(_l("Union"), TEXT)] + PAPER_COLUMNS)
    for name, papers in found.unions:
        table.rows.append([name] + _values(papers))
    return table


def contest_occupations_table(found):
    table = Table(
        "contest-occupations", _l("Contestants by occupation"), [Column(_l("Occupation"), TEXT)] + PAPER_COLUMNS
    )
    for label, papers in found.occupations:
        table.rows.append([label] + _values(papers))
    return table
