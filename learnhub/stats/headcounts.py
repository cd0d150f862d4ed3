"""Workers and active learners per union subtree, counted for the whole tree at once.

A dashboard reads a handful of Headcount rows. A periodic task (every STATS_HEADCOUNT_MINUTES,
registered by stats.init_app) counts everyone again: one grouped query over the people table
and one over the last 30 days of ActivityDay, summed up the tree by path, written back with
one upsert. A page never counts: a union with no row yet (a new one, a fresh install) asks
the queue for a count and shows none until it is done.
"""

from collections import defaultdict
from datetime import UTC, datetime, timedelta

from sqlalchemy import case, func, select

from learnhub.accounts.models import User
from learnhub.core import tasks
from learnhub.core.db import dialect_insert
from learnhub.extensions import db
from learnhub.learning.models import ActivityDay
from learnhub.orgs.models import Org
from learnhub.stats.models import Headcount
from learnhub.stats.rollups import local_day

FIELDS = ("workers", "active_7", "active_30")
_CHUNK = 2000  # rows per upsert, well under every database's limit of bound parameters


def count_everyone(now=None):
    """Count workers and active learners of every union's subtree and store them; returns the count."""
    now = now or datetime.now(UTC)
    today = local_day(now)
    own = defaultdict(lambda: [0, 0, 0])
    for org_id, number in db.session.execute(
        select(User.org_id, func.count())
        .where(User.role == "worker", User.is_active_account.is_(True))
        .group_by(User.org_id)
    ):
        own[org_id][0] = number
    # Each learner's last active day within 30 days: one pass serves both windows.
    last = (
        select(ActivityDay.user_id, func.max(ActivityDay.day).label("last"))
        .where(ActivityDay.day >= today - timedelta(days=29))
        .group_by(ActivityDay.user_id)
        .subquery()
    )
    for org_id, week, month in db.session.execute(
        select(User.org_id, func.sum(case((last.c.last >= today - timedelta(days=6), 1), else_=0)), func.count())
        .join(last, last.c.user_id == User.id)
        .group_by(User.org_id)
    ):
        own[org_id][1], own[org_id][2] = int(week or 0), int(month or 0)
    paths = dict(db.session.execute(select(Org.id, Org.path)).all())
    totals = {org_id: [0, 0, 0] for org_id in paths}
    for org_id, values in own.items():
        for ancestor in (int(part) for part in paths.get(org_id, "").strip("/").split("/") if part):
            if ancestor in totals:
                totals[ancestor] = [a + b for a, b in zip(totals[ancestor], values, strict=True)]
    rows = [
        dict(org_id=org_id, workers=w, active_7=a7, active_30=a30, counted_at=now)
        for org_id, (w, a7, a30) in sorted(totals.items())
    ]
    for start in range(0, len(rows), _CHUNK):
        stmt = dialect_insert(Headcount).values(rows[start : start + _CHUNK])
        db.session.execute(
            stmt.on_conflict_do_update(
                index_elements=["org_id"], set_={name: getattr(stmt.excluded, name) for name in (*FIELDS, "counted_at")}
            )
        )
    return len(rows)


def headcounts(session, org_ids):
    """{org id: (workers, active 7 days, active 30 days)} as last counted, and when (None: not yet).

    `session` reads them (the statistics' read session). Unions never counted are missing
    from the result, and a count is put on the queue.
    """
    wanted = set(org_ids)
    rows = session.execute(
        select(
            Headcount.org_id, Headcount.workers, Headcount.active_7, Headcount.active_30, Headcount.counted_at
        ).where(Headcount.org_id.in_(list(wanted)))
    ).all()
    if len(rows) < len(wanted):
        tasks.enqueue(count_everyone)
    counted_at = min((row.counted_at for row in rows), default=None)
    return {row.org_id: (row.workers, row.active_7, row.active_30) for row in rows}, counted_at
