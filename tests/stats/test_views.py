import csv
import io
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from openpyxl import load_workbook

from learnhub.credits import services as credits
from learnhub.extensions import db
from learnhub.learning.models import ActivityDay
from learnhub.stats.headcounts import count_everyone
from learnhub.stats.rollups import local_day
from tests.conftest import count_queries


def _today():
    return local_day(datetime.now(UTC))


def test_statistics_are_for_admins_only(client, auth, make_user, tree):
    assert client.get("/stats/").location.startswith("/login?next=")
    make_user("stats-worker")  # ("w1" was too short a username to log in: this part never ran as a worker)
    assert auth.login("stats-worker").status_code == 302
    assert client.get("/stats/").status_code == 404
    assert "/stats/" not in client.get("/").get_data(as_text=True)
    auth.logout()
    make_user("stats-trainer", role="trainer", org=tree.city_a, occupation=None)
    assert auth.login("stats-trainer").status_code == 302
    assert client.get(f"/stats/{tree.city_a.id}/").status_code == 404


def test_menu_and_home_show_statistics_to_admins(client, admin_of, tree, make_user, make_course, learn):
    learn(make_user("w1", org=tree.ent_a1), make_course())
    make_user("w2", org=tree.ent_a2)
    count_everyone()  # the periodic task
    admin_of(tree.city_a)
    home = client.get("/").get_data(as_text=True)
    assert 'href="/stats/"' in home
    assert '<p data-figure="workers"><span class="big">2</span>' in home


def test_overview_shows_the_subtree_figures_and_drills_down(
    client, admin_of, tree, make_user, make_course, learn, drain
):
    course = make_course()
    learn(make_user("w1", org=tree.ent_a1, name="甲一"), course)
    learn(make_user("w2", org=tree.ent_a2, name="甲二"), course, modules=1)
    make_user("w3", org=tree.ent_a2)
    learn(make_user("far", org=tree.ent_b1), course)  # another province: never counted here
    count_everyone()  # the periodic tasks
    drain()
    admin_of(tree.prov_a)
    html = client.get("/stats/").get_data(as_text=True)
    figures = dict(re.findall(r'<li data-figure="(\w+)"><span class="big">([^<]*)</span>', html))
    assert figures["workers"] == "3" and figures["enrolments"] == "2" and figures["completion_rate"] == "50.0%"
    assert figures["recognitions"] == "0"
    # The child union links to its own dashboard, which has a breadcrumb back up.
    assert f'href="/stats/{tree.city_a.id}/?period=month"' in html
    child = client.get(f"/stats/{tree.city_a.id}/?period=month").get_data(as_text=True)
    assert f'href="/stats/{tree.prov_a.id}/?period=month"' in child
    assert tree.ent_a1.name in child and tree.ent_a2.name in child
    enterprise = client.get(f"/stats/{tree.ent_a2.id}/").get_data(as_text=True)
    assert "<svg" in enterprise and "<table" in enterprise


STATS_PAGES = [
    "/stats/{id}/",
    "/stats/{id}/courses",
    "/stats/{id}/people",
    "/stats/{id}/required",
    "/stats/{id}/roster",
    "/stats/{id}/export/child-unions.csv",
    "/stats/{id}/export/workforce.xlsx",
    "/stats/{id}/export/trend.xlsx",
]


def test_walking_the_tree_an_admin_sees_only_their_subtree(client, admin_of, tree):
    admin_of(tree.city_a)
    inside = {tree.city_a, tree.ent_a1, tree.ent_a2}
    everyone = [
        tree.national,
        tree.prov_a,
        tree.city_a,
        tree.ent_a1,
        tree.ent_a2,
        tree.prov_b,
        tree.city_b,
        tree.ent_b1,
    ]
    for org in everyone:
        for page in STATS_PAGES:
            status = client.get(page.format(id=org.id)).status_code
            assert status == (200 if org in inside else 404), (page, org.name, status)
    assert client.get("/stats/999999/").status_code == 404
    assert client.get(f"/stats/{tree.city_a.id}/export/secrets.csv").status_code == 404
    assert client.get(f"/stats/{tree.city_a.id}/export/trend.pdf").status_code == 404


def test_figures_of_a_sibling_never_reach_an_admin(client, admin_of, tree, make_user, make_course, learn):
    learn(make_user("far", org=tree.ent_b1, name="乙省工人"), make_course())
    admin_of(tree.city_a)
    for page in ("/stats/", "/stats/{id}/courses", "/stats/{id}/people", "/stats/{id}/roster"):
        html = client.get(page.format(id=tree.city_a.id)).get_data(as_text=True)
        assert "乙省工人" not in html and tree.ent_b1.name not in html
    export = client.get(f"/stats/{tree.city_a.id}/export/summary.csv").get_data(as_text=True)
    assert ",0\r\n" in export  # enrolments 0, not the other province's 1


def test_exports_open_in_excel_with_figures_as_numbers(client, admin_of, tree, make_user, make_course, learn, make_org):
    tricky = make_org('=HYPERLINK("http://x")工会', "enterprise", tree.city_a)
    learn(make_user("w1", org=tricky, phone="13812345678"), make_course())
    count_everyone()  # the periodic task
    admin_of(tree.city_a)
    response = client.get(f"/stats/{tree.city_a.id}/export/child-unions.csv")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    tricky_row = next(row for row in rows if "HYPERLINK" in row[0])
    assert tricky_row[0].startswith("'=")
    assert tricky_row[1] == "1"  # one worker
    response = client.get(f"/stats/{tree.city_a.id}/export/child-unions.xlsx")
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data)).active
    cells = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    row = cells[next(name for name in cells if "HYPERLINK" in name)]
    assert row[0].value.startswith("'=") and row[0].data_type == "s"
    assert row[1].value == 1 and row[1].data_type == "n"
    roster = load_workbook(io.BytesIO(client.get(f"/stats/{tree.city_a.id}/export/workforce.xlsx").data)).active
    values = [cell.value for cell in list(roster.iter_rows(min_row=2))[0]]
    assert "138****5678" in values and "13812345678" not in values


def test_a_bad_period_is_explained_and_the_month_is_shown(client, admin_of, tree):
    admin_of(tree.city_a)
    for query in (
        "period=custom&start=2026-13-01&end=2026-01-01",
        "period=custom&start=2026-05-01&end=2026-04-01",
        "period=custom&start=1990-01-01&end=2026-01-01",
        "period=nonsense",
        "period=custom",
        "period=custom&start=%00&end=x",
    ):
        response = client.get(f"/stats/?{query}")
        assert response.status_code == 200, query
    html = client.get("/stats/?period=custom&start=2026-05-01&end=2026-04-01").get_data(as_text=True)
    assert 'class="error"' in html
    start = _today().replace(day=1).isoformat()
    assert start in html  # fell back to this month


def test_a_custom_period_counts_only_its_days(
    client, admin_of, tree, make_user, make_course, learn, monkeypatch, drain
):
    from learnhub.learning import services as learning

    course = make_course()
    monkeypatch.setattr(learning, "_now", lambda: datetime(2025, 6, 10, 4, tzinfo=UTC))
    learn(make_user("w1", org=tree.ent_a1), course)
    monkeypatch.undo()
    learn(make_user("w2", org=tree.ent_a1), course)
    drain()
    admin_of(tree.city_a)
    june = client.get(f"/stats/{tree.city_a.id}/export/summary.csv?period=custom&start=2025-06-01&end=2025-06-30")
    rows = dict(row[:2] for row in csv.reader(io.StringIO(june.get_data(as_text=True)[1:])) if len(row) > 1)
    enrolments = next(v for k, v in rows.items() if k in ("选课人次", "Enrolments"))
    assert enrolments == "1"
    trend = client.get(f"/stats/{tree.city_a.id}/export/trend.csv?period=custom&start=2025-01-01&end=2025-12-31")
    months = [row[0] for row in csv.reader(io.StringIO(trend.get_data(as_text=True)[1:]))][1:]
    assert months[0] == "2025-01" and months[-1] == "2025-12"


def test_the_overview_runs_the_same_queries_for_three_or_thirty_unions(
    app, client, admin_of, tree, make_org, make_user
):
    admin_of(tree.national)

    def statements_of(url):
        with count_queries() as statements:
            assert client.get(url).status_code == 200
        return len(statements)

    statements_of(f"/stats/{tree.city_a.id}/")  # the first request counts the people afresh
    few = statements_of(f"/stats/{tree.city_a.id}/")
    for i in range(30):
        make_user(f"w{i}", org=make_org(f"新厂{i}工会", "enterprise", tree.city_a))
    statements_of(f"/stats/{tree.city_a.id}/")  # new unions: counted afresh once more
    assert statements_of(f"/stats/{tree.city_a.id}/") == few


def test_roster_filters_by_learning_activity_and_masks_phones(client, admin_of, tree, make_user, make_course, learn):
    learn(make_user("busy", org=tree.ent_a1, name="赵大勇", phone="13900001111"), make_course())
    lapsed = make_user("lapsed", org=tree.ent_a1, name="钱久别")
    db.session.add(ActivityDay(user_id=lapsed.id, day=_today() - timedelta(days=60)))
    make_user("never", org=tree.ent_a2, name="孙新来", occupation="welder")
    admin_of(tree.city_a)
    url = f"/stats/{tree.city_a.id}/roster"
    html = client.get(url).get_data(as_text=True)
    assert "139****1111" in html and "13900001111" not in html
    assert all(name in html for name in ("赵大勇", "钱久别", "孙新来"))
    for activity, name in (("active", "赵大勇"), ("lapsed", "钱久别"), ("never", "孙新来")):
        html = client.get(f"{url}?activity={activity}").get_data(as_text=True)
        assert name in html and sum(n in html for n in ("赵大勇", "钱久别", "孙新来")) == 1, activity
    html = client.get(f"{url}?occupation=welder").get_data(as_text=True)
    assert "孙新来" in html and "赵大勇" not in html
    assert client.get(f"{url}?activity=%00&page=-1&occupation=x").status_code == 200


def test_breakdowns_by_course_occupation_and_level(client, admin_of, tree, make_user, make_course, learn):
    ethics = make_course("ethics", title="工匠精神", category="ideology")
    learn(make_user("w1", org=tree.ent_a1, occupation="welder", skill_level="level3"), ethics)
    admin_of(tree.city_a)
    html = client.get(f"/stats/{tree.city_a.id}/courses").get_data(as_text=True)
    assert "工匠精神" in html and "<svg" in html
    html = client.get(f"/stats/{tree.city_a.id}/people").get_data(as_text=True)
    assert "<svg" in html and "<table" in html
    xlsx = load_workbook(io.BytesIO(client.get(f"/stats/{tree.city_a.id}/export/occupations.xlsx").data)).active
    rows = [[cell.value for cell in row] for row in xlsx.iter_rows(min_row=2)]
    assert rows and rows[0][1:5] == [1, 1, 1, 1]  # one welder, active, enrolled, completed
    assert client.get(f"/stats/{tree.city_a.id}/export/categories.csv").status_code == 200


def test_required_course_from_marking_to_chasing(client, admin_of, auth, tree, make_user, make_course, learn):
    course = make_course("safety-first", title="安全第一")
    learn(make_user("done", org=tree.ent_a1, name="周一全"), course)
    learn(make_user("half", org=tree.ent_a1, name="吴半程", phone="13700002222"), course, modules=1)
    make_user("none", org=tree.ent_a2, name="郑未动")
    admin_of(tree.city_a)
    due_day = _today() + timedelta(days=30)
    due = due_day.isoformat()
    page = f"/stats/{tree.city_a.id}/required"
    response = auth.post("/stats/required", {"course": "", "due_on": due})
    assert response.status_code == 400
    response = auth.post("/stats/required", {"course": str(course.id), "due_on": "2020-01-01"})
    assert response.status_code == 400
    assert 'id="due_on-error"' in response.get_data(as_text=True)
    response = auth.post("/stats/required", {"course": str(course.id), "due_on": due})
    assert response.status_code == 302
    assert auth.post("/stats/required", {"course": str(course.id), "due_on": due}).status_code == 400
    html = client.get(page).get_data(as_text=True)
    assert "安全第一" in html and f"{due_day.year}年{due_day.month}月{due_day.day}日" in html  # as a person reads it
    from learnhub.stats.models import RequiredCourse

    requirement = db.session.scalars(db.select(RequiredCourse)).one()
    detail = client.get(f"/stats/{tree.city_a.id}/required/{requirement.id}").get_data(as_text=True)
    assert "吴半程" in detail and "郑未动" in detail and "周一全" not in detail
    assert "137****2222" in detail and "13700002222" not in detail
    export = client.get(f"/stats/{tree.city_a.id}/export/required.csv?requirement={requirement.id}")
    rows = list(csv.reader(io.StringIO(export.get_data(as_text=True)[1:])))
    assert [tree.ent_a1.name, "2", "1", "1", "50.0"] in rows
    # Drilled down to an enterprise, the requirement of the city above still applies.
    assert client.get(f"/stats/{tree.ent_a2.id}/required/{requirement.id}").status_code == 200
    assert (
        client.get(f"/stats/{tree.ent_a2.id}/export/not-finished.xlsx?requirement={requirement.id}").status_code == 200
    )
    assert client.get(f"/stats/{tree.city_a.id}/export/required.csv?requirement=abc").status_code == 404
    assert auth.post(f"/stats/required/{requirement.id}/remove").status_code == 302
    assert f"/required/{requirement.id}" not in client.get(page).get_data(as_text=True)
    assert db.session.get(RequiredCourse, requirement.id) is None


def test_a_requirement_from_above_cannot_be_removed_or_seen_by_a_sibling(client, auth, admin_of, tree, make_course):
    from learnhub.stats.models import RequiredCourse

    course = make_course()
    national = RequiredCourse(org_id=tree.national.id, course_id=course.id, due_on=_today())
    city_b = RequiredCourse(org_id=tree.city_b.id, course_id=course.id, due_on=_today())
    db.session.add_all([national, city_b])
    db.session.flush()
    admin_of(tree.city_a)
    assert client.get(f"/stats/{tree.city_a.id}/required/{national.id}").status_code == 200
    assert client.get(f"/stats/{tree.city_a.id}/required/{city_b.id}").status_code == 404
    assert auth.post(f"/stats/required/{national.id}/remove").status_code == 404
    assert auth.post(f"/stats/required/{city_b.id}/remove").status_code == 404
    assert db.session.get(RequiredCourse, national.id) is not None


def test_an_excel_file_too_long_to_write_in_time_is_refused_with_a_way_out(
    app, client, admin_of, tree, make_user, monkeypatch
):
    for i in range(3):
        make_user(f"w{i}", org=tree.ent_a1)
    admin_of(tree.city_a)
    monkeypatch.setitem(app.config, "STATS_XLSX_MAX_ROWS", 2)
    response = client.get(f"/stats/{tree.city_a.id}/export/workforce.xlsx?occupation=electrician")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/stats/{tree.city_a.id}/roster?occupation=electrician")
    assert 'class="flash error"' in client.get(response.headers["Location"]).get_data(as_text=True)
    assert client.get(f"/stats/{tree.city_a.id}/export/workforce.csv").status_code == 200  # CSV has no limit
    monkeypatch.setitem(app.config, "STATS_XLSX_MAX_ROWS", 3)
    assert client.get(f"/stats/{tree.city_a.id}/export/workforce.xlsx").status_code == 200


def test_query_strings_that_name_url_parts_are_dropped_not_a_500(
    app, client, auth, admin_of, tree, make_user, monkeypatch
):
    # ?org_id= collides with the address's own id; ?_method=, ?_external=, ?_scheme= are url_for's words.
    odd = ["org_id=1", "_method=POST", "_external=1", "_scheme=javascript", "_anchor=x"]
    for i in range(3):
        make_user(f"w{i}", org=tree.ent_a1)
    admin_of(tree.city_a)
    monkeypatch.setitem(app.config, "STATS_XLSX_MAX_ROWS", 2)
    for query in odd:
        response = client.get(f"/stats/{tree.city_a.id}/export/workforce.xlsx?occupation=electrician&{query}")
        assert response.status_code == 302, query
        assert response.headers["Location"].endswith(f"/stats/{tree.city_a.id}/roster?occupation=electrician")
        for url in (f"/people/?q=w&{query}", f"/courses/?q=x&{query}"):
            assert client.get(url).status_code == 200, url


def test_recognitions_approved_are_counted_in_the_subtree(client, admin_of, tree, make_user, make_course, learn):
    from learnhub.recognition import services as recognition
    from learnhub.recognition.pathways import load_pathway

    course = make_course("counted-course", category="safety")
    version = load_pathway(
        "stats-test",
        tree.national,
        title="安全证书",
        target_kind="certificate",
        institution="某培训中心",
        programme="安全培训合格证",
        required_courses="counted-course",
        categories=["safety"],
    )
    reviewer = make_user("reviewer", role="admin", org=tree.national, occupation=None)
    for name, org in (("near", tree.ent_a1), ("far", tree.ent_b1)):
        worker = make_user(name, org=org)
        learn(worker, course)
        recognition.approve(reviewer, recognition.apply(worker, version.pathway_id))
    admin_of(tree.prov_a)
    html = client.get("/stats/").get_data(as_text=True)
    figures = dict(re.findall(r'<li data-figure="(\w+)"><span class="big">([^<]*)</span>', html))
    assert figures["recognitions"] == "1"  # the other province's approval is not ours


def _hours_column(table_html):
    """The 'Hours earned' cells of a data table, as numbers."""
    head = re.findall(r"<th scope=\"col\"[^>]*>([^<]*)</th>", table_html)
    column = head.index("获得学时")
    rows = re.findall(r"<tr>\s*<th scope=\"row\">.*?</tr>", table_html, re.S)
    return [Decimal(re.findall(r"<td[^>]*>([^<]*)</td>", row)[column - 1].replace(",", "")) for row in rows]


def test_the_dashboards_hours_are_the_sums_of_its_rows_as_shown(
    client, admin_of, tree, make_user, make_course, learn, make_org, drain
):
    course = make_course(modules=(("a", "lesson", "0.5", 20),))  # 20 minutes: 0.4 学时 (of 45 minutes) shown
    third = make_org("第三厂工会", "enterprise", tree.city_a)
    for index, org in enumerate((tree.ent_a1, tree.ent_a2, third)):
        learn(make_user(f"w{index}", org=org), course)
    drain()
    admin_of(tree.city_a)
    html = client.get(f"/stats/{tree.city_a.id}/").get_data(as_text=True)
    total = Decimal(re.search(r'<li data-figure="hours"><span class="big">([^<]*)</span>', html).group(1))
    tables = re.findall(r"<table[^>]*>.*?</table>", html, re.S)
    unions, months, categories = (_hours_column(t) for t in tables)
    assert unions == [Decimal("0.4")] * 3  # naive rounding of the 60 minutes would say 1.3
    assert total == sum(unions) == sum(months) == sum(categories) == Decimal("1.2")
    # The exports hold the same numbers: a spreadsheet's sum of the rows is the summary's total.
    rows = list(csv.reader(io.StringIO(client.get(f"/stats/{tree.city_a.id}/export/child-unions.csv").text[1:])))
    column = rows[0].index("获得学时")
    assert sum(Decimal(row[column]) for row in rows[1:]) == total
    summary = list(csv.reader(io.StringIO(client.get(f"/stats/{tree.city_a.id}/export/summary.csv").text[1:])))
    assert Decimal(dict(summary)["获得学时"]) == total
    sheet = load_workbook(io.BytesIO(client.get(f"/stats/{tree.city_a.id}/export/child-unions.xlsx").data)).active
    assert sum(Decimal(str(row[column].value)) for row in sheet.iter_rows(min_row=2)) == total
    # The roster's people show the hours their records total.
    roster = client.get(f"/stats/{tree.city_a.id}/roster").get_data(as_text=True)
    assert len(re.findall(r'<td class="num"[^>]*>0\.4</td>', roster)) == 3


def test_a_roster_row_shows_the_hours_the_persons_record_totals(
    client, auth, admin_of, tree, make_user, make_course, learn
):
    course = make_course(modules=tuple((key, "lesson", "0.5", 20) for key in "abc"))  # 3 x 0.4 学时
    worker = make_user("w1", org=tree.ent_a1, name="赵大勇")
    learn(worker, course)
    admin_of(tree.city_a)
    roster = client.get(f"/stats/{tree.city_a.id}/roster").get_data(as_text=True)
    row = re.search(r"赵大勇.*?</tr>", roster, re.S).group(0)
    assert re.search(
        r'<td class="num"[^>]*>1\.2</td>', row
    )  # the sum of the record's rows, not 60 minutes rounded (1.3)
    export = list(csv.reader(io.StringIO(client.get(f"/stats/{tree.city_a.id}/export/workforce.csv").text[1:])))
    assert export[1][export[0].index("学时")] == "1.2"
    # …which is what the worker's record totals (credits.shown_totals, the record page's totals).
    assert credits.shown_totals(credits.get_account(worker))[1].value == Decimal("1.2")
