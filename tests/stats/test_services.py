from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from learnhub.core import tasks
from learnhub.core.errors import DomainError, NotFound
from learnhub.extensions import db
from learnhub.learning.models import ActivityDay
from learnhub.stats import breakdowns, charts, figures, required
from learnhub.stats.headcounts import count_everyone, headcounts
from learnhub.stats.models import Headcount
from learnhub.stats.periods import make_period, parse_period, trend_months
from learnhub.stats.rollups import local_day

TODAY = date(2026, 11, 22)


def _today():
    return local_day(datetime.now(UTC))


# ---------------------------------------------------------------- periods


def test_periods_as_a_union_admin_names_them():
    assert (make_period("month", TODAY).start, make_period("month", TODAY).end) == (date(2026, 11, 1), TODAY)
    assert make_period("30d", TODAY).days == 30
    assert make_period("year", TODAY).start == date(2026, 1, 1)
    period = parse_period({"period": "custom", "start": "2025-02-03", "end": "2099-01-01"}, TODAY)
    assert (period.start, period.end) == (date(2025, 2, 3), TODAY)  # nothing has happened after today
    assert parse_period({"period": "bogus"}, TODAY).key == "month"


@pytest.mark.parametrize(
    "args, field",
    [
        ({"period": "custom", "start": "2026-02-30", "end": "2026-03-01"}, "start"),
        ({"period": "custom", "start": "2026-03-01", "end": ""}, "end"),
        ({"period": "custom", "start": "2026-03-02", "end": "2026-03-01"}, "start"),
        ({"period": "custom", "start": "1999-12-31", "end": "2000-01-02"}, "start"),
        ({"period": "custom", "start": "2020-01-01", "end": "2026-01-01"}, "start"),
    ],
)
def test_a_period_that_makes_no_sense_is_refused_with_the_field_named(args, field):
    with pytest.raises(DomainError) as error:
        parse_period(args, TODAY)
    assert error.value.field == field


def test_a_trend_shows_twelve_months_or_the_whole_longer_period():
    months = trend_months(make_period("month", TODAY))
    assert (months[0], months[-1], len(months)) == (date(2025, 12, 1), date(2026, 11, 1), 12)
    long = parse_period({"period": "custom", "start": "2024-03-15", "end": "2026-02-01"}, TODAY)
    assert (trend_months(long)[0], len(trend_months(long))) == (date(2024, 3, 1), 24)


# ---------------------------------------------------------------- headcounts


def test_workers_and_active_learners_of_each_subtree(tree, make_user, app):
    today = _today()
    recent = make_user("recent", org=tree.ent_a1)
    month = make_user("month", org=tree.ent_a2)
    old = make_user("old", org=tree.ent_a2)
    make_user("gone", org=tree.ent_a1, is_active_account=False)
    trainer = make_user("trainer", role="trainer", org=tree.city_a, occupation=None)
    make_user("far", org=tree.ent_b1)
    db.session.add_all(
        [
            ActivityDay(user_id=recent.id, day=today),
            ActivityDay(user_id=recent.id, day=today - timedelta(days=20)),
            ActivityDay(user_id=month.id, day=today - timedelta(days=29)),
            ActivityDay(user_id=old.id, day=today - timedelta(days=30)),
            ActivityDay(user_id=trainer.id, day=today - timedelta(days=6)),
        ]
    )
    count_everyone()
    counts, _at = headcounts(db.session, [tree.ent_a1.id, tree.ent_a2.id, tree.city_a.id, tree.national.id])
    # Workers: active worker accounts only. Learners: anyone who learned, trainers too.
    assert counts[tree.ent_a1.id] == (1, 1, 1)
    assert counts[tree.ent_a2.id] == (2, 0, 1)
    assert counts[tree.city_a.id] == (3, 2, 3)
    assert counts[tree.national.id] == (4, 2, 3)


def test_headcounts_are_read_as_last_counted_and_a_union_never_counted_asks_for_a_count(tree, make_user, app):
    queue = tasks.queue()
    queue.flush()
    make_user("w1", org=tree.ent_a1)
    now = datetime.now(UTC)
    count_everyone(now)
    make_user("w2", org=tree.ent_a1)
    counts, counted_at = headcounts(db.session, [tree.ent_a1.id])
    assert counts[tree.ent_a1.id][0] == 1 and counted_at == now  # as counted, until the next count
    assert queue.pending_count() == 0
    count_everyone(now + timedelta(minutes=5))
    assert headcounts(db.session, [tree.ent_a1.id])[0][tree.ent_a1.id][0] == 2

    db.session.execute(Headcount.__table__.delete().where(Headcount.org_id == tree.ent_a1.id))
    counts, counted_at = headcounts(db.session, [tree.ent_a1.id])
    assert counts == {} and counted_at is None
    assert [task.name for task in queue.pending()] == ["learnhub.stats.headcounts.count_everyone"]
    queue.flush()


# ---------------------------------------------------------------- the dashboard


def test_dashboard_figures_add_up_over_children_and_the_union_itself(tree, make_user, make_course, learn, drain):
    course = make_course(category="ideology")
    learn(make_user("a1", org=tree.ent_a1), course)
    learn(make_user("a2", org=tree.ent_a2), course, modules=1)
    learn(make_user("t", role="trainer", org=tree.city_a, occupation=None), course)
    drain()
    period = make_period("month", _today())
    dash = figures.dashboard(db.session, tree.city_a, period, _today())
    assert (dash.total.enrolments, dash.total.completions, dash.total.completion_rate) == (3, 2, Decimal("66.7"))
    assert dash.total.credits == Decimal("3.50") and dash.total.minutes == 80  # 2 x (0.5 + 1), 1 x 0.5
    by_name = {child.name if child else None: f for child, f in dash.children}
    assert by_name[tree.ent_a1.name].completions == 1 and by_name[tree.ent_a2.name].completion_rate == 0
    assert by_name[None].completions == 1  # the trainer of the city itself
    assert figures.ideology_share(dash.categories) == Decimal("100.0")
    assert dash.trend[-1][1].enrolments == 3
    empty = figures.dashboard(db.session, tree.city_b, period, _today())
    assert empty.total.completion_rate is None and empty.total.enrolments == 0


def test_breakdowns_count_only_the_subtree(tree, make_user, make_course, learn):
    course = make_course()
    learn(make_user("a1", org=tree.ent_a1, occupation="welder", skill_level="level3"), course)
    learn(make_user("b1", org=tree.ent_b1, occupation="welder", skill_level="level3"), course)
    period = make_period("month", _today())
    found = breakdowns.people_figures(db.session, tree.city_a, period, _today())
    welders = dict((code, f) for code, _label, f in breakdowns.by_occupation(found))["welder"]
    assert (welders.workers, welders.active_30, welders.enrolments, welders.completions) == (1, 1, 1, 1)
    levels = breakdowns.by_skill_level(found)
    assert [code for code, _l, _f in levels][:3] == ["none", "apprentice", "level5"]  # every level, in order
    [(found_course, course_figures)] = breakdowns.course_figures(db.session, tree.city_a, period)
    assert found_course.id == course.id and course_figures.enrolments == 1


# ---------------------------------------------------------------- required courses


def test_requiring_a_course_checks_what_an_admin_can_get_wrong(tree, make_user, make_course):
    admin = make_user("admin", role="admin", org=tree.city_a, occupation=None)
    course = make_course()
    draft = make_course("draft", status="draft")
    elsewhere = make_course("only-b", audience_org_id=tree.prov_b.id)
    due = TODAY + timedelta(days=10)
    for course_id, due_on, field in (
        (draft.id, due, "course"),
        (elsewhere.id, due, "course"),
        ("x", due, "course"),
        (course.id, TODAY - timedelta(days=1), "due_on"),
        (course.id, date(2040, 1, 1), "due_on"),
        (course.id, None, "due_on"),
    ):
        with pytest.raises(DomainError) as error:
            required.require_course(admin, course_id, due_on, TODAY)
        assert error.value.field == field
    requirement = required.require_course(admin, course.id, due, TODAY)
    with pytest.raises(DomainError):
        required.require_course(admin, course.id, due, TODAY)
    assert required.requirements_for(tree.ent_a1) == [requirement]
    assert required.requirements_for(tree.ent_b1) == []
    with pytest.raises(NotFound):
        required.get_requirement(tree.city_b, requirement.id)


def test_adding_and_removing_a_required_course_is_in_the_audit_log(tree, make_user, make_course):
    from sqlalchemy import select

    from learnhub.core.audit import AuditEvent

    admin = make_user("city.admin", role="admin", org=tree.city_a)
    course = make_course("audited-course")
    requirement = required.require_course(admin, course.id, TODAY + timedelta(days=10), TODAY)
    required.remove_requirement(admin, requirement.id)
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action.like("required.%")).order_by(AuditEvent.id))
    assert [(e.action, e.actor_id, e.subject_id, e.org_path) for e in events] == [
        ("required.add", admin.id, str(course.id), tree.city_a.path),
        ("required.remove", admin.id, str(course.id), tree.city_a.path),
    ]


def test_who_has_finished_a_required_course_per_child_union(tree, make_user, make_course, learn):
    admin = make_user("admin", role="admin", org=tree.prov_a, occupation=None)
    course = make_course()
    learn(make_user("done", org=tree.ent_a1), course)
    learn(make_user("half", org=tree.ent_a2), course, modules=1)
    make_user("idle", org=tree.ent_a2)
    make_user("far", org=tree.ent_b1)
    requirement = required.require_course(admin, course.id, TODAY + timedelta(days=5), TODAY)
    assert required.progress_by_child(db.session, tree.prov_a, requirement) == [(tree.city_a, 3, 1)]
    assert sorted(required.progress_by_child(db.session, tree.city_a, requirement), key=lambda row: row[0].id) == [
        (tree.ent_a1, 1, 1),
        (tree.ent_a2, 2, 0),
    ]
    assert required.progress_by_child(db.session, tree.ent_a2, requirement) == [(tree.ent_a2, 2, 0)]
    rows = db.session.execute(required.not_finished_query(tree.prov_a, requirement)).all()
    assert sorted((user.username, started) for user, _union, started in rows) == [("half", True), ("idle", False)]


# ---------------------------------------------------------------- charts


def test_charts_escape_names_and_draw_one_bar_per_row():
    svg = charts.bar_chart("<b>标题</b>", [("<script>alert(1)</script>", 3), ("甲", None)])
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "&lt;b&gt;" in svg
    assert svg.count('<rect class="s1"') == 2
    columns = charts.column_chart("趋势", ["1\n2026", "2"], [("选课", [5, 0]), ("完成", [2, 1])])
    assert columns.count("<rect class=") == 4 + 2  # four bars and two legend keys
    assert charts.fit("工会名称很长很长很长的工会", 60).endswith("…")
    assert charts.percent(1, 3) == Decimal("33.3") and charts.percent(1, 0) is None


def test_xlsx_keeps_figures_as_numbers_and_text_as_text():
    import io

    from openpyxl import load_workbook

    from learnhub.core.tables import xlsx_for_excel

    data = xlsx_for_excel(
        [["名称", "数"], ["=1+1", Decimal("1.50")], ["@cmd", 3], ["\tx", None], ["ok\x07", 0]], title="表[1]:测试"
    )
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.title == "表1测试"
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[1] == ["'=1+1", 1.5] and values[2] == ["'@cmd", 3] and values[3] == ["'\tx", None]
    assert values[4] == ["ok", 0]
