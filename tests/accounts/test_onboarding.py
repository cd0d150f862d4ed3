"""Bulk onboarding (集体开户): reading files, the row report, confirming, the CLI, the limits."""

import base64
import csv
import html
import io
import re

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from learnhub.accounts import onboarding
from learnhub.accounts.models import User
from learnhub.accounts.passwords import verify_password
from learnhub.core import jobs
from learnhub.core.errors import DomainError
from learnhub.core.i18n import force_locale
from learnhub.core.storage import storage
from learnhub.extensions import db

HEADER = ["姓名", "手机号", "工会", "工种", "技能等级"]
RTL_NAME = "\u202e李四"
CALC_NAME = "=cmd|'/c calc'!A1"


def csv_bytes(rows, header=HEADER, encoding="utf-8-sig"):
    out = io.StringIO()
    csv.writer(out).writerows([header, *rows])
    return out.getvalue().encode(encoding)


def count_users():
    return db.session.scalar(select(func.count(User.id)))


def by_row(plan):
    return {r.row: r for r in plan.rows}


@pytest.fixture(autouse=True)
def english(app, monkeypatch):
    """Messages in English: services run under force_locale, pages and the CLI by choice."""
    monkeypatch.setitem(app.config, "BABEL_DEFAULT_LOCALE", "en")
    with force_locale("en"):
        yield


@pytest.fixture(autouse=True)
def _instance(app, tmp_path, monkeypatch):
    """Files (uploads, handouts) in a folder of this test's own."""
    monkeypatch.setattr(app, "instance_path", str(tmp_path / "instance"))


@pytest.fixture
def admin(make_user, tree):
    return make_user("admin-a", role="admin", org=tree.city_a, locale="en")


@pytest.fixture
def messy_file(make_user, tree):
    """A file with one problem per row; 13800006666 already belongs to someone else."""
    make_user("other", phone="13800006666", name="别人", org=tree.ent_a2)
    return csv_bytes(
        [
            ["李雷", "138 0000 1111", "甲市第一机床厂工会", "electrician", "四级"],  # 2 new
            ["韩梅梅", "1380000222", "甲市电缆厂工会", "welder", ""],  # 3 bad phone
            ["王芳", "13800003333", "不存在的工会", "welder", ""],  # 4 unknown union
            ["赵强", "13800004444", "乙市造船厂工会", "welder", ""],  # 5 outside the subtree
            ["钱七", "13800005555", "甲市电缆厂工会", "welder", ""],  # 6 duplicate of 7
            ["孙八", "13800005555", "甲市电缆厂工会", "welder", ""],  # 7 duplicate of 6
            ["周九", "13800006666", "甲市电缆厂工会", "welder", ""],  # 8 phone registered
            ["", "13800007777", "甲市电缆厂工会", "welder", ""],  # 9 missing name
            [CALC_NAME, "13800008888", "甲市电缆厂工会", "welder", ""],  # 10 formula
            ["张😀", "13800009999", "甲市电缆厂工会", "welder", ""],  # 11 emoji
            [RTL_NAME, "13800001234", "甲市电缆厂工会", "welder", ""],  # 12 RTL override
            ["吴十", "13800002345", "甲市电缆厂工会", "Welder", "Level 4 / Intermediate worker"],  # 13 new
            ["", "", "", "", ""],  # blank lines are left out
        ]
    )


# ---------------------------------------------------------------- reading files


def test_read_csv_with_chinese_header(app):
    rows = onboarding.read_table("workers.csv", csv_bytes([["李雷", "13800001111", "甲工会", "welder", ""]]))
    assert rows == [
        {"row": 2, "name": "李雷", "phone": "13800001111", "union": "甲工会", "occupation": "welder", "skill_level": ""}
    ]


def test_read_gbk_csv_with_english_header(app):
    data = csv_bytes(
        [["王五", "13912345678", "甲市电缆厂工会", "welder"]],
        header=["Name", "Phone", "Union", "Occupation"],
        encoding="gbk",
    )
    [row] = onboarding.read_table("名单.CSV", data)
    assert row["name"] == "王五" and row["union"] == "甲市电缆厂工会"


def test_read_xlsx_numbers_formulas_and_title_row(app):
    book = Workbook()
    sheet = book.active
    sheet.append(["甲市电缆厂职工名单"])  # a title above the header
    sheet.append(["name", "phone", "union", "occupation", "skill_level"])
    sheet.append(["李雷", 13800001111, "甲市电缆厂工会", "welder", "四级"])
    sheet.append([CALC_NAME, 13800002222.0, "甲市电缆厂工会", "welder", None])  # a formula cell
    out = io.BytesIO()
    book.save(out)
    rows = onboarding.read_table("workers.xlsx", out.getvalue())
    assert [r["row"] for r in rows] == [3, 4]
    assert rows[0]["phone"] == "13800001111"
    assert rows[1]["name"] == "" and rows[1]["phone"] == "13800002222"  # never evaluated


@pytest.mark.parametrize(
    "filename, data, message",
    [
        ("workers.xls", b"\xd0\xcf\x11\xe0", "Upload a .csv or .xlsx file"),
        ("workers.xlsx", b"not a zip", "could not be read as an Excel workbook"),
        ("workers.csv", "姓名,电话\n李雷,1".encode(), "No header row"),
    ],
)
def test_read_refuses_what_it_cannot_read(app, filename, data, message):
    with pytest.raises(DomainError, match=message):
        onboarding.read_table(filename, data)


def _xlsx_of(rows):
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["name", "phone", "union", "occupation"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_xlsx_with_too_many_rows_is_refused_while_it_is_read(app, monkeypatch):
    # A small file can hold far more rows than the limit: reading stops once past it.
    data = _xlsx_of([["李雷", f"138{i:08d}", "甲工会", "welder"] for i in range(2000)])
    monkeypatch.setitem(app.config, "IMPORT_MAX_ROWS", 20)
    read = []
    real = onboarding._cell_text
    monkeypatch.setattr(onboarding, "_cell_text", lambda value: read.append(1) or real(value))
    with pytest.raises(DomainError, match="at most 20"):
        onboarding.read_table("workers.xlsx", data)
    assert len(read) < 100 * onboarding._MAX_COLUMNS  # a few rows past the limit, not the 2,000 in the file


def test_an_xlsx_that_unpacks_past_the_limit_is_refused_before_it_is_parsed(app, monkeypatch):
    # Highly compressible cells: the file is small, its XML is not (the 2 MB file of 43 MB of XML).
    data = _xlsx_of([["李" * 200, "13800001111", "甲" * 200, "welder"] for _ in range(300)])
    monkeypatch.setitem(app.config, "IMPORT_MAX_UNPACKED_BYTES", 100_000)
    assert len(data) < 100_000
    with pytest.raises(DomainError, match="unpacks to more than"):
        onboarding.read_table("workers.xlsx", data)


def test_read_refuses_too_many_rows_and_bytes(app, monkeypatch):
    data = csv_bytes([["李雷", "13800001111", "甲工会", "welder", ""]] * 3)
    monkeypatch.setitem(app.config, "IMPORT_MAX_ROWS", 2)
    with pytest.raises(DomainError, match="at most 2"):
        onboarding.read_table("workers.csv", data)
    monkeypatch.setitem(app.config, "IMPORT_MAX_BYTES", 10)
    with pytest.raises(DomainError, match="larger than"):
        onboarding.read_table("workers.csv", data)


# ---------------------------------------------------------------- the row report


def test_plan_reports_every_problem_and_writes_nothing(admin, messy_file):
    before = count_users()
    plan = onboarding.plan_import(admin, onboarding.read_table("workers.csv", messy_file))
    rows = by_row(plan)
    assert count_users() == before
    assert {n for n, r in rows.items() if r.status == "new"} == {2, 13}
    assert rows[13].values["skill_level"] == "level4" and rows[2].values["skill_level"] == "level4"
    assert "11-digit mobile number" in rows[3].reasons[0]
    assert "Unknown union “不存在的工会”" in rows[4].reasons[0]
    assert "Unknown union “乙市造船厂工会”" in rows[5].reasons[0]
    assert rows[6].reasons == ["The same phone number is also on row 7."]
    assert rows[7].reasons == ["The same phone number is also on row 6."]
    assert rows[8].reasons == ["An account with this phone number already exists."]
    assert rows[9].reasons == ["Name is missing."]
    assert "only letters" in rows[10].reasons[0]
    assert "only letters" in rows[11].reasons[0]
    assert "invisible or control characters" in rows[12].reasons[0]
    assert rows[12].shown["name"] == "\\u202e李四"  # shown, never obeyed
    assert rows[2].shown["phone"] == "138****1111"
    assert len(plan.errors) == 10 and 14 not in rows


def test_usernames_checked_for_clash_and_duplicates(admin, make_user):
    make_user("taken.name")
    header = HEADER + ["用户名"]
    data = csv_bytes(
        [
            ["甲", "13800001111", "甲市电缆厂工会", "welder", "", "taken.name"],
            ["乙", "13800002222", "甲市电缆厂工会", "welder", "", "Twin"],
            ["丙", "13800003333", "甲市电缆厂工会", "welder", "", "twin"],
            ["丁", "13800004444", "甲市电缆厂工会", "welder", "", "13800004444"],
        ],
        header=header,
    )
    rows = by_row(onboarding.plan_import(admin, onboarding.read_table("w.csv", data)))
    assert rows[2].reasons == ["This username is taken."]
    assert rows[3].reasons == ["The same username is also on row 4."]
    assert "must contain a letter" in rows[5].reasons[0]


def test_apply_opens_workers_who_must_change_password(admin, messy_file, tree):
    plan = onboarding.plan_import(admin, onboarding.read_table("workers.csv", messy_file))
    created = onboarding.apply_import(admin, plan)
    assert [user.name for user, _password in created] == ["李雷", "吴十"]
    user, password = created[0]
    assert (user.phone, user.org, user.role) == ("13800001111", tree.ent_a1, "worker")
    assert user.occupation == "electrician" and user.locale is None
    assert user.must_change_password and user.id is not None
    assert re.fullmatch(r"[2-9a-hj-km-np-z]{10}", password)
    assert verify_password(user.password_hash, password)


def test_same_file_twice_opens_nothing_new(admin, messy_file):
    rows = onboarding.read_table("workers.csv", messy_file)
    onboarding.apply_import(admin, onboarding.plan_import(admin, rows))
    before = count_users()
    again = onboarding.plan_import(admin, rows)
    assert {r.row for r in again.existing} == {2, 13} and not again.new
    assert onboarding.apply_import(admin, again) == []
    assert count_users() == before


def test_an_account_opened_meanwhile_stops_the_whole_import(admin, make_user):
    data = csv_bytes(
        [
            ["李雷", "13800001111", "甲市电缆厂工会", "welder", ""],
            ["韩梅梅", "13800002222", "甲市电缆厂工会", "welder", ""],
        ]
    )
    plan = onboarding.plan_import(admin, onboarding.read_table("w.csv", data))
    make_user("quick", phone="13800002222", name="韩梅梅")  # another admin was faster
    with pytest.raises(DomainError, match="in the meantime"):
        onboarding.apply_import(admin, plan)


def test_same_phone_and_name_outside_my_subtree_is_not_mine(admin, make_user, tree):
    make_user("elsewhere", phone="13800001111", name="李雷", org=tree.ent_b1)
    data = csv_bytes([["李雷", "13800001111", "甲市电缆厂工会", "welder", ""]])
    [row] = onboarding.plan_import(admin, onboarding.read_table("w.csv", data)).rows
    assert row.status == "error" and "already exists" in row.reasons[0]


def test_template_has_header_and_an_example_that_is_never_imported(admin):
    text = onboarding.template_csv(admin)
    assert text.startswith("\ufeff姓名,手机号,工会,工种,技能等级,用户名\r\n")
    [row] = onboarding.plan_import(admin, onboarding.read_table("t.csv", text.encode())).rows
    assert row.status == "error" and row.reasons == ["This is the template's example row. Delete it."]


def test_passwords_csv_keeps_formulas_out():
    text = onboarding.passwords_csv(
        [{"name": "李雷", "phone": "13800001111", "username": "", "union": "=HYPERLINK()", "password": "abc"}]
    )
    assert text.startswith("\ufeff") and "'=HYPERLINK()" in text


# ---------------------------------------------------------------- the pages


def upload(auth, data, filename="workers.csv"):
    return auth.post("/people/import", data={"file": (io.BytesIO(data), filename)}, content_type="multipart/form-data")


def hidden(page, name):
    return html.unescape(re.search(rf'name="{name}" type="hidden" value="([^"]*)"', page).group(1))


def confirm(client, auth, form):
    """Confirm as the admin does, then run the job the page started, as the task queue's worker does.

    Returns the job's id and its page once done.
    """
    response = auth.post("/people/import/confirm", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    job_id = int(re.search(r"/jobs/(\d+)$", response.headers["Location"]).group(1))
    waiting = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert '<meta http-equiv="refresh" content="3">' in waiting and "/download" not in waiting
    jobs.run_job(job_id)
    return job_id, client.get(f"/jobs/{job_id}").get_data(as_text=True)


def handout(client, job_id):
    response = client.get(f"/people/import/{job_id}/handout")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    return re.findall(r"<code>([^<]+)</code>", response.get_data(as_text=True))


def test_preview_writes_nothing_then_confirm_opens_accounts_once(client, auth, admin, messy_file):
    auth.login("admin-a")
    before = count_users()
    response = upload(auth, messy_file)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert count_users() == before
    assert page.count('data-status="new"') == 2 and page.count('class="bad"') == 10
    assert "\u202e" not in page and "\\u202e李四" in page
    assert "=cmd|&#39;/c calc&#39;!A1" in page
    form = {"payload": hidden(page, "payload"), "filename": hidden(page, "filename")}
    assert base64.b64decode(form["payload"]) == messy_file

    job_id, text = confirm(client, auth, form)
    assert count_users() == before + 2
    assert "2 accounts opened from workers.csv." in text and "Skipped: 0 already registered, 10 with errors." in text
    assert text.count('class="bad"') == 10 and "The same phone number is also on row 7." in text
    assert "\u202e" not in text and "\\u202e李四" in text
    assert "cannot be shown again" in text and 'http-equiv="refresh"' not in text
    passwords = handout(client, job_id)
    assert len(passwords) == 2
    download = client.get(f"/jobs/{job_id}/download")
    sheet = download.get_data(as_text=True)
    download.close()  # the file it streamed from
    assert all(p in sheet for p in passwords) and "13800001111" in sheet
    assert storage().keys(f"job-uploads/{job_id}") == []  # the uploaded file is gone with the job
    assert f'href="/jobs/{job_id}"' in client.get("/people/import").get_data(as_text=True)  # found again later

    job_id, again = confirm(client, auth, form)
    assert count_users() == before + 2
    assert "0 accounts opened from workers.csv." in again and "Print the handout" not in again


def test_an_imported_worker_logs_in_and_must_choose_a_password(client, auth, admin):
    auth.login("admin-a")
    page = upload(auth, csv_bytes([["李雷", "13800001111", "甲市电缆厂工会", "welder", ""]])).get_data(as_text=True)
    job_id, _page = confirm(client, auth, {"payload": hidden(page, "payload"), "filename": "w.csv"})
    [password] = handout(client, job_id)
    auth.logout()
    auth.login("13800001111", password)
    assert client.get("/").headers["Location"].endswith("/me/password")


def test_a_file_spoilt_on_its_way_back_ends_the_job_with_the_reason_and_opens_nothing(client, auth, admin):
    auth.login("admin-a")
    before = count_users()
    payload = base64.b64encode(b"nothing like a list of workers").decode()
    job_id, page = confirm(client, auth, {"payload": payload, "filename": "w.csv"})
    assert "The job could not be done: No header row with the columns" in page and "/download" not in page
    assert db.session.get(jobs.Job, job_id).attempts == 1  # refused at once, not tried again
    assert count_users() == before
    assert client.get(f"/people/import/{job_id}/handout").status_code == 404


def test_a_job_stopped_before_its_commit_opens_nothing_and_its_retry_opens_each_account_once(
    client, auth, admin, monkeypatch
):
    auth.login("admin-a")
    before = count_users()
    data = csv_bytes(
        [
            ["李雷", "13800001111", "甲市电缆厂工会", "welder", ""],
            ["韩梅梅", "13800002222", "甲市电缆厂工会", "welder", ""],
        ]
    )
    response = auth.post(
        "/people/import/confirm", data={"payload": base64.b64encode(data).decode(), "filename": "w.csv"}
    )
    job_id = int(response.headers["Location"].rsplit("/", 1)[1])
    written = onboarding.passwords_csv

    def disk_full(sheet):
        raise OSError("no space left on the worker's disk")

    monkeypatch.setattr(onboarding, "passwords_csv", disk_full)
    with pytest.raises(OSError):
        jobs.run_job(job_id)  # the accounts were flushed, then the job stopped
    assert count_users() == before and db.session.get(jobs.Job, job_id).state == "queued"
    monkeypatch.setattr(onboarding, "passwords_csv", written)
    jobs.run_job(job_id)  # the task queue's retry
    jobs.run_job(job_id)  # a second delivery does nothing
    assert count_users() == before + 2 and len(handout(client, job_id)) == 2


def test_the_handout_is_for_the_admin_who_ran_the_import_only(client, auth, admin, make_user, tree):
    auth.login("admin-a")
    page = upload(auth, csv_bytes([["李雷", "13800001111", "甲市电缆厂工会", "welder", ""]])).get_data(as_text=True)
    job_id, _page = confirm(client, auth, {"payload": hidden(page, "payload"), "filename": "w.csv"})
    make_user("admin-a2", role="admin", org=tree.city_a, locale="en")
    auth.logout()
    auth.login("admin-a2")  # an admin of the same union
    assert client.get(f"/jobs/{job_id}").status_code == 404
    assert client.get(f"/people/import/{job_id}/handout").status_code == 404


def test_xlsx_upload(client, auth, admin):
    book = Workbook()
    book.active.append(HEADER)
    book.active.append(["李雷", 13800001111, "甲市电缆厂工会", "welder", "四级"])
    out = io.BytesIO()
    book.save(out)
    auth.login("admin-a")
    page = upload(auth, out.getvalue(), "名单.xlsx").get_data(as_text=True)
    assert page.count('data-status="new"') == 1


def test_bad_file_and_too_big_file_are_form_errors(client, auth, admin, app, monkeypatch):
    auth.login("admin-a")
    response = upload(auth, b"whatever", "workers.pdf")
    assert response.status_code == 400 and "Upload a .csv or .xlsx file" in response.get_data(as_text=True)
    monkeypatch.setitem(app.config, "IMPORT_MAX_BYTES", 50)
    response = upload(auth, csv_bytes([["李雷", "13800001111", "甲市电缆厂工会", "welder", ""]] * 5))
    assert response.status_code == 400 and "larger than" in response.get_data(as_text=True)


def test_oversized_request_is_413(client, auth, admin, app):
    auth.login("admin-a")
    token = re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"', client.get("/people/import").get_data(as_text=True)
    ).group(1)
    limit = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 2000
    try:
        response = client.post(
            "/people/import",
            content_type="multipart/form-data",
            data={"csrf_token": token, "file": (io.BytesIO(b"x" * 5000), "w.csv")},
        )
    finally:
        app.config["MAX_CONTENT_LENGTH"] = limit
    assert response.status_code == 413 and "too large" in response.get_data(as_text=True)


def test_confirm_with_a_damaged_payload_goes_back(client, auth, admin):
    auth.login("admin-a")
    response = auth.post("/people/import/confirm", data={"payload": "%%%", "filename": "w.csv"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/people/import")


def test_template_download(client, auth, admin):
    auth.login("admin-a")
    response = client.get("/people/import/template.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data.startswith("\ufeff姓名,手机号".encode())
    assert "甲市第一机床厂工会" in response.data.decode()


@pytest.mark.parametrize("url", ["/people/import", "/people/import/template.csv"])
def test_workers_and_strangers_see_nothing(client, auth, make_user, url):
    stranger = client.get(url)  # a visitor is asked to log in: the page itself shows nothing
    assert stranger.status_code == 302 and stranger.location.startswith("/login?next=")
    make_user("worker-1")
    auth.login("worker-1")
    assert client.get(url).status_code == 404


def test_worker_cannot_confirm(client, auth, make_user):
    make_user("worker-1")
    auth.login("worker-1")
    data = base64.b64encode(csv_bytes([["李雷", "13800001111", "甲市电缆厂工会", "welder", ""]])).decode()
    assert auth.post("/people/import/confirm", data={"payload": data, "filename": "w.csv"}).status_code == 404


def test_post_without_csrf_token_is_400(client, auth, admin):
    auth.login("admin-a")
    response = client.post(
        "/people/import", data={"file": (io.BytesIO(b"x"), "w.csv")}, content_type="multipart/form-data"
    )
    assert response.status_code == 400


# ---------------------------------------------------------------- the command line


def test_cli_import_dry_run_then_for_real(runner, admin, messy_file, tmp_path):
    path = tmp_path / "workers.csv"
    path.write_bytes(messy_file)
    before = count_users()
    result = runner.invoke(args=["accounts", "import", str(path), "--admin", "admin-a", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "2 new, 0 already registered, 10 with errors" in result.output
    assert re.search(r"^\s+12  error\s+\\u202e李四\s+The name contains invisible", result.output, re.M)
    assert count_users() == before

    out = tmp_path / "passwords.csv"
    result = runner.invoke(args=["accounts", "import", str(path), "--admin", "admin-a", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert count_users() == before + 2
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 3 and lines[1].startswith("李雷,13800001111,,甲市第一机床厂工会,")
    user = db.session.scalar(select(User).where(User.phone == "13800001111"))
    assert user.must_change_password and verify_password(user.password_hash, lines[1].rsplit(",", 1)[1])

    result = runner.invoke(args=["accounts", "import", str(path), "--admin", "admin-a"])
    assert "0 new, 2 already registered" in result.output and count_users() == before + 2


def test_cli_prints_passwords_without_out(runner, admin, tmp_path):
    path = tmp_path / "w.csv"
    path.write_bytes(csv_bytes([["李雷", "13800001111", "甲市电缆厂工会", "welder", ""]]))
    result = runner.invoke(args=["accounts", "import", str(path), "--admin", "admin-a"])
    assert result.exit_code == 0, result.output
    assert re.search(r"^李雷,13800001111,,甲市电缆厂工会,[2-9a-z]{10}$", result.output, re.M)


def test_cli_refuses_unknown_admin_and_bad_file(runner, admin, make_user, tmp_path):
    make_user("worker-1")
    path = tmp_path / "w.txt"
    path.write_bytes(b"x")
    result = runner.invoke(args=["accounts", "import", str(path), "--admin", "worker-1"])
    assert result.exit_code == 1 and "No active union admin" in result.output
    result = runner.invoke(args=["accounts", "import", str(path), "--admin", "admin-a"])
    assert result.exit_code == 1 and "Upload a .csv or .xlsx file" in result.output
