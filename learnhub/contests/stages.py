"""Stages of a competition (enterprise → city → province) and who may enter a round.

A stage is a contest round (Contest.stage) that may be linked to the round below it
(Contest.previous_id). When the round below publishes its results, each ranked paper is also
ranked within its union of that round's stage (ContestEntry.union_id, union_rank: the
contestant's enterprise union in an enterprise round, their city's union in a city round). The
round above admits the top `admit_top` of each such union, or the top `admit_percent` per cent
of each (rounded up, at least one); a tie at the cut goes through together.

Who may see a round: the workers of its subtree, of its occupation and skill levels (if it
names any). Who may enter it: those, if it has no round below, or if they went through it.
"""

import math
import unicodedata

from flask import g, has_request_context
from sqlalchemy import func, select

from learnhub.contests.models import STAGES, Contest, ContestEntry
from learnhub.core.errors import DomainError
from learnhub.core.i18n import gettext as _
from learnhub.core.i18n import lazy_gettext as _l
from learnhub.core.text import clean_line
from learnhub.core.vocab import SKILL_LEVEL_CODES
from learnhub.extensions import db
from learnhub.orgs.models import Org
from learnhub.orgs.services import subtree_filter

STAGE_LABELS = {"enterprise": _l("Enterprise round"), "city": _l("City round"), "province": _l("Province round")}
# The unions a round of each stage ranks its contestants within.
_UNION_KINDS = {"enterprise": ("enterprise",), "city": ("city", "industry"), "province": ("province",)}
_MOST_ADMITTED = 100_000


def plain(value):
    """A number or a time as typed, full-width digits and signs made plain (NFKC)."""
    return unicodedata.normalize("NFKC", clean_line(value))


def whole_number(value, field, most):
    text = plain(value) or "0"
    if not text.isascii() or not text.isdigit() or int(text) > most:
        raise DomainError(_("A whole number from 0 to %(most)d.", most=most), field)
    return int(text)


def default_stage(org):
    """The stage an admin of `org` most likely runs: their union's level."""
    return {"province": "province", "national": "province", "city": "city", "industry": "city"}.get(
        org.kind, "enterprise"
    )


def stages_for(org):
    """The stages an admin of `org` may run: up to their union's level."""
    return STAGES[: STAGES.index(default_stage(org)) + 1]


def is_below(lower, upper):
    return STAGES.index(lower) < STAGES.index(upper)


def lower_rounds(admin):
    """(id, title) of the rounds of the admin's subtree below the province's, that a new round may admit from."""
    return db.session.execute(
        select(Contest.id, Contest.title)
        .where(subtree_filter(admin.org, Contest.org_path), Contest.stage != "province")
        .order_by(Contest.opens_at.desc())
        .limit(50)
    ).all()


def parse_levels(values):
    """The skill levels a contest is for, from the form: a sorted list of codes (empty: any level)."""
    levels = set()
    for value in values or []:
        if value not in SKILL_LEVEL_CODES:
            raise DomainError(_("Choose the skill levels from the list."), "levels")
        levels.add(value)
    return sorted(levels)


def parse_admission(admin, stage, values):
    """(previous round id, admit_top, admit_percent) from the form; (None, None, None) for a first round."""
    chosen = plain(values.get("previous"))
    top, percent = plain(values.get("admit_top")), plain(values.get("admit_percent"))
    if not chosen:
        if top or percent:
            raise DomainError(_("Choose the round below whose best go through, or leave these empty."), "previous")
        return None, None, None
    rounds = {str(contest_id) for contest_id, _t in lower_rounds(admin)}
    if chosen not in rounds:
        raise DomainError(_("Choose the round below from the list."), "previous")
    previous = db.session.get(Contest, int(chosen))
    if not is_below(previous.stage, stage):
        raise DomainError(
            _("The round below must be of a lower stage than this one (enterprise, then city, then province)."),
            "previous",
        )
    if bool(top) == bool(percent):
        raise DomainError(
            _("Say either how many of each union go through, or what share of them: one of the two."), "admit_top"
        )
    if top:
        number = whole_number(top, "admit_top", _MOST_ADMITTED)
        if number == 0:
            raise DomainError(_("At least one of each union goes through."), "admit_top")
        return previous.id, number, None
    number = whole_number(percent, "admit_percent", 100)
    if number == 0:
        raise DomainError(_("A share from 1 to 100 per cent."), "admit_percent")
    return previous.id, None, number


# ---------------------------------------------------------------- who may see, who may enter


def may_see(user, contest):
    """Whether this person is one of the workers the contest is for: its subtree, occupation and levels."""
    return (
        user.role == "worker"
        and user.org is not None
        and user.org.path.startswith(contest.org_path)
        and (contest.occupation is None or user.occupation == contest.occupation)
        and (not contest.levels or user.skill_level in contest.levels)
    )


def went_through(user, contest):
    """Whether this person went through from the round below (True for a round with none below)."""
    if contest.previous_id is None:
        return True
    key = ("contest-through", user.id, contest.id)
    if has_request_context() and key in g.setdefault("contests_through", {}):
        return g.contests_through[key]
    answer = _went_through(user, contest)
    if has_request_context():
        g.contests_through[key] = answer
    return answer


def _went_through(user, contest):
    previous = db.session.get(Contest, contest.previous_id)
    if previous is None or previous.results_published_at is None:
        return False
    mine = db.session.execute(
        select(ContestEntry.union_id, ContestEntry.union_rank).where(
            ContestEntry.contest_id == previous.id,
            ContestEntry.user_id == user.id,
            ContestEntry.union_rank.is_not(None),
        )
    ).first()
    if mine is None:
        return False
    return mine.union_rank <= admitted_per_union(contest, previous, mine.union_id)


def went_through_ids(contest):
    """The ids of everyone who went through to `contest` from the round below (empty before it publishes)."""
    previous = db.session.get(Contest, contest.previous_id)
    if previous is None or previous.results_published_at is None:
        return []
    rows = db.session.execute(
        select(ContestEntry.user_id, ContestEntry.union_id, ContestEntry.union_rank).where(
            ContestEntry.contest_id == previous.id, ContestEntry.union_rank.is_not(None)
        )
    ).all()
    sizes = {}
    for _user, union_id, _rank in rows:
        sizes[union_id] = sizes.get(union_id, 0) + 1
    if contest.admit_top is not None:
        return [user for user, _union, rank in rows if rank <= contest.admit_top]
    return [
        user
        for user, union_id, rank in rows
        if rank <= max(1, math.ceil(sizes[union_id] * contest.admit_percent / 100))
    ]


def admitted_per_union(contest, previous, union_id):
    """How many places of one union of the round below go through to `contest`."""
    if contest.admit_top is not None:
        return contest.admit_top
    ranked = db.session.scalar(
        select(func.count(ContestEntry.id)).where(
            ContestEntry.contest_id == previous.id,
            ContestEntry.union_id == union_id,
            ContestEntry.union_rank.is_not(None),
        )
    )
    return max(1, math.ceil(ranked * (contest.admit_percent or 0) / 100))


def may_enter(user, contest):
    """Whether this person may enter: one of the workers it is for, and through from the round below."""
    return may_see(user, contest) and went_through(user, contest)


# ---------------------------------------------------------------- ranking within unions


def rank_within_unions(contest, ranked):
    """Set each ranked entry's union of the contest's stage and its rank within it.

    `ranked` is [(rank, entry, ...)] best first, as competitions.individual_ranking gives it.
    A contestant whose union of that kind is outside the contest's subtree (a round run by a
    union below that level) counts for the contest's own union.
    """
    kinds = _UNION_KINDS[contest.stage]
    paths = dict(db.session.execute(select(Org.id, Org.path).where(Org.id.in_({r[1].org_id for r in ranked}))).all())
    ancestor_ids = {int(part) for path in paths.values() for part in path.strip("/").split("/")}
    of_kind = dict(
        db.session.execute(
            select(Org.id, Org.path).where(
                Org.id.in_(ancestor_ids), Org.kind.in_(kinds), Org.path.startswith(contest.org_path)
            )
        ).all()
    )
    seen = {}  # union id: (places so far, last (score, seconds), last union rank)
    for _rank, entry, *_rest in ranked:
        path = paths.get(entry.org_id, "")
        unions = [int(p) for p in path.strip("/").split("/") if p and int(p) in of_kind]
        union_id = unions[-1] if unions else contest.org_id
        places, last, last_rank = seen.get(union_id, (0, None, 0))
        places += 1
        union_rank = last_rank if (entry.score, entry.seconds) == last else places
        seen[union_id] = (places, (entry.score, entry.seconds), union_rank)
        entry.union_id, entry.union_rank = union_id, union_rank
