from datetime import UTC, datetime
from decimal import Decimal

from learnhub.credits import services as credits
from learnhub.credits.models import LedgerEntry
from learnhub.extensions import db
from tests.conftest import ledger_rewritable


def _award(user, source_id, amount="1.5", minutes=30, note="单元", when=None):
    entry, _ = credits.award(
        user,
        kind="module",
        source_type="module",
        source_id=source_id,
        credits=Decimal(amount),
        minutes=minutes,
        note=note,
    )
    if when is not None:
        with ledger_rewritable():
            entry.created_at = when
    return entry


def test_my_record_shows_balances_entries_and_years(client, auth, make_user):
    worker = make_user("worker1")
    _award(worker, 1, note="去年的单元", when=datetime(2025, 5, 1, tzinfo=UTC))
    _award(worker, 2, "0.5", 15, note="今年的单元")
    auth.login("worker1")
    page = client.get("/me/record").get_data(as_text=True)
    assert "去年的单元" in page and "今年的单元" in page and ">2<" in page
    only_2025 = client.get("/me/record?year=2025").get_data(as_text=True)
    assert "去年的单元" in only_2025 and "今年的单元" not in only_2025
    assert client.get("/me/record?year=abc").status_code == 200


def test_record_csv_opens_in_excel_and_neutralises_formulas(client, auth, make_user):
    worker = make_user("worker1")
    _award(worker, 1, note='=HYPERLINK("http://evil")')
    auth.login("worker1")
    response = client.get("/me/record.csv")
    body = response.get_data(as_text=True)
    assert response.mimetype == "text/csv" and body.startswith("\ufeff")
    assert "'=HYPERLINK" in body and ",1.50," in body


def test_admin_reverses_an_entry_in_scope(client, auth, make_user, tree):
    worker = make_user("worker1", org=tree.ent_a1)
    entry = _award(worker, 1)
    make_user("admin1", role="admin", org=tree.city_a)
    auth.login("admin1")
    assert "单元" in client.get(f"/people/{worker.id}/record").get_data(as_text=True)
    response = auth.post(f"/people/{worker.id}/record/{entry.id}/reverse", {"reason": "误记"})
    assert response.status_code == 302
    assert credits.balance(credits.get_account(worker)) == (Decimal("0.00"), 0)
    again = auth.post(f"/people/{worker.id}/record/{entry.id}/reverse", {"reason": "再冲一次"})
    assert again.status_code == 400
    empty = auth.post(f"/people/{worker.id}/record/{entry.id}/reverse", {"reason": ""})
    assert empty.status_code == 400
    assert db.session.scalar(db.select(db.func.count()).select_from(LedgerEntry)) == 2


def test_records_outside_the_subtree_are_404(client, auth, make_user, tree):
    far = make_user("faraway", org=tree.ent_b1)
    entry = _award(far, 1)
    near = make_user("worker1", org=tree.ent_a1)
    make_user("admin1", role="admin", org=tree.city_a)
    auth.login("admin1")
    assert client.get(f"/people/{far.id}/record").status_code == 404
    assert auth.post(f"/people/{far.id}/record/{entry.id}/reverse", {"reason": "x"}).status_code == 404
    # An entry of someone else posted under a person of my subtree is no way round it either.
    assert auth.post(f"/people/{near.id}/record/{entry.id}/reverse", {"reason": "x"}).status_code == 404
    assert credits.balance(credits.get_account(far)) == (Decimal("1.50"), 30)


def test_workers_cannot_reverse(client, auth, make_user):
    worker = make_user("worker1")
    entry = _award(worker, 1)
    auth.login("worker1")
    assert auth.post(f"/people/{worker.id}/record/{entry.id}/reverse", {"reason": "x"}).status_code == 404


def test_a_long_record_is_paged_and_the_csv_holds_everything(client, auth, make_user):
    worker = make_user("worker1")
    for source_id in range(1, 56):
        _award(worker, source_id, "0.1", 1, note=f"单元{source_id:02d}")
    auth.login("worker1")
    first = client.get("/me/record").get_data(as_text=True)
    second = client.get("/me/record?page=2").get_data(as_text=True)
    assert "单元55" in first and "单元01" not in first and "单元01" in second
    assert ">5.5<" in first  # the totals cover every entry, not just the page
    assert client.get("/me/record.csv").get_data(as_text=True).count(",单元") == 55


def _cells(page):
    """The record's rows (credits, hours) and its totals, as the page shows them."""
    import re

    rows = re.findall(r'<td class="num">([^<]*)</td>\s*<td class="num">([^<]*)</td>', page)
    totals = re.findall(r'<span class="big">([^<]*)</span>', page)
    return [(Decimal(c), Decimal(h)) for c, h in rows], [Decimal(t) for t in totals]


def test_the_records_totals_are_the_sums_of_its_rows_as_shown(client, auth, make_user):
    worker = make_user("worker1")
    for source_id in (1, 2, 3):  # 20 minutes each: 0.4 学时 (of 45 minutes) shown, 1.3 if the sum were rounded
        _award(worker, source_id, "0.33", 20)
    credits.award(
        worker, kind="course", source_type="course", source_id=9, credits=Decimal("0"), minutes=0, note="课程"
    )
    auth.login("worker1")
    page = client.get("/me/record").get_data(as_text=True)
    rows, (total_credits, total_hours) = _cells(page)
    assert rows == [(Decimal("0.33"), Decimal("0.4"))] * 3
    assert total_credits == sum(c for c, _h in rows) == Decimal("0.99")
    assert total_hours == sum(h for _c, h in rows) == Decimal("1.2")
    # The course's own entry pays nothing beyond its modules: said in words, not 0 / 0.
    assert "学分和学时已由各单元计入" in page
    assert ">0</td>" not in page
    # The CSV holds the same hours: a spreadsheet's sum of the column is the page's total.
    import csv
    import io

    sheet = list(csv.reader(io.StringIO(client.get("/me/record.csv").get_data(as_text=True)[1:])))
    hours = sheet[0].index("学时")
    assert sum(Decimal(row[hours]) for row in sheet[1:]) == total_hours


def test_a_years_record_totals_that_year(client, auth, make_user):
    worker = make_user("worker1")
    _award(worker, 1, "1", 50, when=datetime(2025, 5, 1, tzinfo=UTC))
    _award(worker, 2, "2", 50)
    auth.login("worker1")
    rows, totals = _cells(client.get("/me/record?year=2025").get_data(as_text=True))
    assert rows == [(Decimal("1.00"), Decimal("1.1"))] and totals == [Decimal("1"), Decimal("1.1")]


def test_the_record_links_to_what_a_learning_hour_is_and_the_page_says_the_deployments_figures(
    app, client, auth, make_user
):
    worker = make_user("worker1")
    _award(worker, 1, "1", 90)
    auth.login("worker1")
    record = client.get("/me/record").get_data(as_text=True)
    assert 'href="/help/terms#xueshi"' in record and ">2</td>" in record  # 90 minutes: two 学时 of 45
    terms = client.get("/help/terms").get_data(as_text=True)
    assert "1学时为45分钟的学习" in terms and "1学分对应16学时（720分钟）" in terms
    app.config["MINUTES_PER_XUESHI"] = 60  # a deployment that counts clock hours
    try:
        assert "1学时为60分钟的学习" in client.get("/help/terms").get_data(as_text=True)
        assert ">1.5</td>" in client.get("/me/record").get_data(as_text=True)
    finally:
        app.config["MINUTES_PER_XUESHI"] = 45


def test_a_kept_record_shows_a_new_entry_and_a_correction_at_once_and_only_to_its_owner(client, auth, make_user, tree):
    worker = make_user("worker1", org=tree.ent_a1)
    other = make_user("worker2", org=tree.ent_a1)
    first = _award(worker, 1, "1.0", 45, note="第一个单元")
    _award(other, 1, "2.0", 90, note="别人的单元")
    auth.login("worker1")
    page = client.get("/me/record").get_data(as_text=True)
    assert "第一个单元" in page and "别人的单元" not in page and ">1<" in page
    assert client.get("/me/record").get_data(as_text=True) == page  # kept: the same page
    assert "Learning record" in client.get("/me/record", headers={"Accept-Language": "en"}).get_data(as_text=True)

    _award(worker, 2, "0.5", 15, note="第二个单元")
    db.session.commit()
    page = client.get("/me/record").get_data(as_text=True)
    assert "第二个单元" in page and ">1.5<" in page

    auth.logout()
    make_user("admin1", role="admin", org=tree.city_a)
    auth.login("admin1")
    assert auth.post(f"/people/{worker.id}/record/{first.id}/reverse", {"reason": "误记"}).status_code == 302
    auth.logout()
    auth.login("worker1")
    page = client.get("/me/record").get_data(as_text=True)
    assert "误记" in page and ">0.5<" in page

    auth.logout()
    auth.login("worker2")
    page = client.get("/me/record").get_data(as_text=True)
    assert "别人的单元" in page and "第二个单元" not in page and ">2<" in page
