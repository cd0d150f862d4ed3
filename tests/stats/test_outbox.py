"""The unions above a learner's are counted from the outbox, in batches, each once."""

import re

import pytest
from sqlalchemy import func, select

from learnhub.extensions import db
from learnhub.stats import figures, rollups
from learnhub.stats.models import MEASURES, RollupOutbox, SubtreeRollup
from learnhub.stats.periods import make_period


def _subtree():
    rows = {
        (r.org_id, r.category, r.day): tuple(getattr(r, m) for m in MEASURES)
        for r in db.session.scalars(select(SubtreeRollup))
    }
    db.session.expire_all()
    return rows


def _figures(org):
    today = rollups.today()
    total = figures.dashboard(db.session, org, make_period("year", today), today).total
    return (total.enrolments, total.completions, total.credits, total.minutes)


@pytest.fixture
def learned(tree, make_user, make_course, learn):
    """Nine learners in five unions, two categories: 32 outbox rows."""
    courses = [make_course("safe", category="safety"), make_course("ethic", category="ideology")]
    unions = [tree.ent_a1, tree.ent_a2, tree.ent_b1, tree.city_a, tree.prov_a]
    for index in range(9):
        learn(make_user(f"w{index}", org=unions[index % 5]), courses[index % 2], modules=1 + index % 2)
    return tree


def test_the_dashboards_equal_a_rebuild_once_the_outbox_is_drained(app, learned, client, admin_of, drain):
    tree = learned
    assert db.session.scalar(select(func.count()).select_from(RollupOutbox)) > 0
    admin_of(tree.national)
    assert "data-as-of" not in client.get("/stats/").get_data(as_text=True)  # never drained yet

    drain()
    assert db.session.scalar(select(func.count()).select_from(RollupOutbox)) == 0
    shown = {org.id: _figures(org) for org in (tree.national, tree.prov_a, tree.city_a, tree.ent_a1)}
    kept = _subtree()
    html = client.get("/stats/").get_data(as_text=True)
    assert "data-as-of" in html
    assert re.search(r'data-figure="enrolments"><span class="big">9<', html)

    rollups.rebuild_rollups()
    assert _subtree() == kept
    assert {org.id: _figures(org) for org in (tree.national, tree.prov_a, tree.city_a, tree.ent_a1)} == shown


def test_a_drain_killed_half_way_counts_nothing_twice(app, learned, monkeypatch, drain):
    app.config["STATS_OUTBOX_BATCH"] = 5
    real_upsert = rollups._upsert

    def dies_after_adding(model, rows):
        real_upsert(model, rows)
        raise SystemExit("the worker was killed")

    assert rollups.drain_outbox() == 5  # one batch goes through
    monkeypatch.setattr(rollups, "_upsert", dies_after_adding)
    owed = db.session.scalar(select(func.count()).select_from(RollupOutbox))
    batch = db.session.begin_nested()  # the task's transaction, which dies with its process
    with pytest.raises(SystemExit):
        rollups.drain_outbox()
    batch.rollback()
    assert db.session.scalar(select(func.count()).select_from(RollupOutbox)) == owed  # the batch is still owed
    monkeypatch.undo()

    drain()  # the retry, and the batches after it
    kept = _subtree()
    rollups.rebuild_rollups()
    assert _subtree() == kept


def test_the_periodic_task_drains_and_a_full_batch_queues_the_next(app, learned, monkeypatch):
    from learnhub.core import tasks

    app.config["STATS_OUTBOX_BATCH"] = 10
    assert "learnhub.stats.rollups.drain_rollups" in app.extensions["learnhub_tasks"]["tasks"]
    queued = []
    monkeypatch.setattr(tasks, "enqueue", lambda function, *a, **kw: queued.append(function))
    rollups.drain_rollups()
    assert queued == [rollups.drain_rollups]
    while queued:
        queued.pop()()
    assert db.session.scalar(select(func.count()).select_from(RollupOutbox)) == 0


def test_rebuild_empties_the_outbox_and_counts_everything_once(learned, drain):
    rollups.rebuild_rollups()
    assert db.session.scalar(select(func.count()).select_from(RollupOutbox)) == 0
    kept = _subtree()
    drain()
    assert _subtree() == kept
