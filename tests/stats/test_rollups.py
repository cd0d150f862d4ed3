import contextlib
import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from learnhub.catalog.services import course_modules
from learnhub.core.errors import DomainError
from learnhub.credits import services as credits
from learnhub.credits.models import LedgerEntry
from learnhub.extensions import db
from learnhub.learning import services as learning
from learnhub.learning.models import Enrolment
from learnhub.stats.models import MEASURES, Rollup, SubtreeRollup
from learnhub.stats.rollups import local_day, rebuild_rollups
from tests.stats.conftest import _answers


def _snapshot():
    leaf = {
        (r.org_id, r.course_id, r.day): tuple(getattr(r, m) for m in MEASURES)
        for r in db.session.scalars(select(Rollup))
    }
    subtree = {
        (r.org_id, r.category, r.day): tuple(getattr(r, m) for m in MEASURES)
        for r in db.session.scalars(select(SubtreeRollup))
    }
    db.session.expire_all()
    return leaf, subtree


def test_learning_moves_the_rollups_of_the_union_and_every_union_above(tree, make_user, make_course, learn, drain):
    worker = make_user("w1", org=tree.ent_a1)
    course = make_course("safe", category="safety")
    learn(worker, course)
    today = local_day(datetime.now(UTC))
    # The learner's transaction writes their own union's rows; the unions above wait for the drain.
    assert db.session.get(SubtreeRollup, (tree.ent_a1.id, today, "safety")).completions == 1
    assert db.session.get(SubtreeRollup, (tree.national.id, today, "safety")) is None
    drain()
    leaf = db.session.get(Rollup, (tree.ent_a1.id, course.id, today))
    assert (leaf.enrolments, leaf.completions, leaf.cohort_completions) == (1, 1, 1)
    assert leaf.credits == Decimal("1.50") and leaf.minutes == 30  # the modules' 0.5 + 1, 20 + 10 minutes
    for org in (tree.ent_a1, tree.city_a, tree.prov_a, tree.national):
        row = db.session.get(SubtreeRollup, (org.id, today, "safety"))
        assert (row.enrolments, row.completions, row.credits, row.minutes) == (1, 1, Decimal("1.50"), 30)
    assert db.session.get(SubtreeRollup, (tree.city_b.id, today, "safety")) is None


def test_a_second_tap_counts_once(tree, make_user, make_course, learn):
    worker = make_user("w1")
    course = make_course()
    learn(worker, course)
    learn(worker, course)  # enrol again, finish again: nothing new happened
    row = db.session.scalars(select(Rollup)).one()
    assert (row.enrolments, row.completions, row.minutes) == (1, 1, 30)


def test_an_event_late_in_the_evening_utc_counts_on_the_next_beijing_day(tree, make_user, make_course, monkeypatch):
    worker = make_user("w1")
    course = make_course()
    evening = datetime(2026, 3, 1, 17, 30, tzinfo=UTC)  # 01:30 on 2 March in Beijing
    monkeypatch.setattr(learning, "_now", lambda: evening)
    learning.enrol(worker, course)
    assert db.session.scalars(select(Rollup.day)).one() == date(2026, 3, 2)
    rebuild_rollups()  # the SQL of the rebuild agrees on either database
    assert db.session.scalars(select(Rollup.day)).one() == date(2026, 3, 2)


def test_rollups_and_raw_tables_agree_after_a_random_mix_of_events(tree, make_user, make_course, monkeypatch, drain):
    rng = random.Random(6)
    courses = [
        make_course("safe", category="safety"),
        make_course(
            "ethics",
            category="ideology",
            modules=(("a", "lesson", "0.25", 15), ("b", "video", "0.5", 25), ("c", "lesson", "0", 5)),
        ),
        make_course(
            "weld",
            category="vocational",
            credits=Decimal("3"),
            minutes=90,
            modules=(("q", "quiz", "1", 10), ("r", "lesson", "0.75", 30)),
        ),
    ]
    unions = [tree.ent_a1, tree.ent_a2, tree.ent_b1]
    people = [make_user(f"w{i}", org=unions[i % 3]) for i in range(9)]
    people.append(make_user("trainer", role="trainer", org=tree.city_a, occupation=None))
    admin = make_user("admin", role="admin", org=tree.national, occupation=None)
    start = datetime(2025, 12, 30, 12, tzinfo=UTC)
    clock = {"now": start}
    monkeypatch.setattr(learning, "_now", lambda: clock["now"])
    modules = {course.id: course_modules(course) for course in courses}
    for _step in range(160):
        clock["now"] = start + timedelta(hours=rng.randrange(0, 24 * 75))
        person, course = rng.choice(people), rng.choice(courses)
        action = rng.random()
        if action < 0.3:
            learning.enrol(person, course)
            continue
        if action < 0.37:  # an admin corrects an entry paid earlier
            paid_entries = db.session.scalars(
                select(LedgerEntry)
                .where(LedgerEntry.kind != "reversal", LedgerEntry.credits > 0)
                .order_by(LedgerEntry.id)
            ).all()
            if paid_entries:
                with contextlib.suppress(DomainError):  # corrected already
                    credits.reverse_entry(rng.choice(paid_entries), reason="录入错误", created_by=admin)
            continue
        module, revision = rng.choice(modules[course.id])
        try:
            if module.kind == "quiz":
                learning.submit_quiz(person, course, module, revision, _answers(revision, right=rng.random() < 0.7))
            else:
                learning.complete_module(person, course, module, revision)
        except DomainError:
            pass  # not enrolled, or out of attempts: nothing happened, as for a real person
    drain()
    kept = _snapshot()
    assert kept[0] and kept[1]
    assert db.session.scalar(select(func.count()).where(LedgerEntry.kind == "reversal")) > 3
    enrolments = db.session.scalar(select(func.count()).select_from(Enrolment))
    completed = db.session.scalar(select(func.count(Enrolment.completed_at)))
    paid = db.session.scalar(select(func.sum(LedgerEntry.credits)))
    assert completed > 0
    assert db.session.scalar(select(func.sum(Rollup.enrolments))) == enrolments
    assert db.session.scalar(select(func.sum(Rollup.completions))) == completed
    assert db.session.scalar(select(func.sum(Rollup.cohort_completions))) == completed
    assert db.session.scalar(select(func.sum(Rollup.credits))) == paid
    assert (
        db.session.scalar(select(func.sum(SubtreeRollup.enrolments)).where(SubtreeRollup.org_id == tree.national.id))
        == enrolments
    )
    rebuild_rollups()
    assert _snapshot() == kept


def test_flask_stats_rebuild(runner, tree, make_user, make_course, learn):
    learn(make_user("w1"), make_course())
    db.session.execute(Rollup.__table__.delete())
    result = runner.invoke(args=["stats", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "Rollups rebuilt: 1 rows" in result.output
    assert db.session.scalars(select(Rollup)).one().completions == 1


def test_a_correction_takes_its_credits_off_the_union_figures(tree, make_user, make_course, learn, drain):
    worker = make_user("w1", org=tree.ent_a1)
    course = make_course("safe", category="safety")
    learn(worker, course)
    drain()
    before = db.session.scalar(select(func.sum(SubtreeRollup.credits)).where(SubtreeRollup.org_id == tree.city_a.id))
    entry = db.session.scalars(select(LedgerEntry).where(LedgerEntry.kind == "module").order_by(LedgerEntry.id)).first()
    credits.reverse_entry(entry, reason="重复计分", created_by=make_user("admin", role="admin", org=tree.city_a))
    drain()
    after = db.session.scalar(select(func.sum(SubtreeRollup.credits)).where(SubtreeRollup.org_id == tree.city_a.id))
    assert entry.credits > 0 and after == before - entry.credits
    kept = _snapshot()
    rebuild_rollups()
    assert _snapshot() == kept
