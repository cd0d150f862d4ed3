"""Bulk onboarding (集体开户): read a sheet of workers, plan what it would do, then do it.

A plan writes nothing. Applying it opens the rows marked new and skips the others, and a row
whose phone and name already belong to an account of the admin's subtree counts as done, so
the same file uploaded twice opens each account once. Services flush; the caller commits.

The web page applies a file as a job (core.jobs, `start_import_job`): thousands of rows take
longer than a request may. The job reads and plans the file again when it runs, opens the
accounts in one transaction (a job stopped half-way opens none, and its retry opens them
once), reports the rows it skipped and why, and leaves the handout of initial passwords as
its download.
"""

import csv
import functools
import io
import os
import re
import tempfile
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from learnhub.accounts.models import User
from learnhub.accounts.passwords import generate_initial_password, hash_initial_password
from learnhub.accounts.recovery import send_activation
from learnhub.core import audit, jobs
from learnhub.core.errors import DomainError
from learnhub.core.i18n import force_locale
from learnhub.core.i18n import gettext as _
from learnhub.core.i18n import lazy_gettext as _l
from learnhub.core.tables import csv_for_excel
from learnhub.core.text import (
    clean_line,
    clean_person_name,
    looks_like_phone,
    mask_phone,
    normalise_phone,
    normalise_username,
)
from learnhub.core.vocab import find_occupation, find_skill_level, occupation_label
from learnhub.extensions import db
from learnhub.orgs.models import Org
from learnhub.orgs.services import subtree_filter

# Accepted header names per column, compared after _header_key; the first is the template's.
COLUMNS = {
    "name": ("姓名", "name", "名字"),
    "phone": ("手机号", "phone", "手机号码", "手机", "mobile"),
    "union": ("工会", "union", "所属工会"),
    "occupation": ("工种", "occupation", "职业"),
    "skill_level": ("技能等级", "skill_level", "职业技能等级"),
    "username": ("用户名", "username"),
}
REQUIRED = ("name", "phone", "union", "occupation")
FIELD_LABELS = {"name": _l("Name"), "phone": _l("Mobile number"), "union": _l("Union"), "occupation": _l("Occupation")}
STATUS_LABELS = {"new": _l("New"), "exists": _l("Already registered"), "error": _l("Error")}

# The national names of the skill levels, which sheets use whatever language the site shows.
_LEVEL_NAMES = {
    "无": "none",
    "学徒": "apprentice",
    "五级": "level5",
    "初级工": "level5",
    "四级": "level4",
    "中级工": "level4",
    "三级": "level3",
    "高级工": "level3",
    "二级": "level2",
    "技师": "level2",
    "一级": "level1",
    "高级技师": "level1",
    "特级技师": "special",
    "首席技师": "chief",
}

EXAMPLE_PHONE = "13800000000"  # the template's example row; refused so it is never imported
_HEADER_SEARCH_ROWS = 10  # a title line or two above the header row is common
_MAX_COLUMNS = 50
_HIDDEN = {"Cc", "Cf", "Cs", "Co", "Cn"}
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?e\+?\d+$", re.IGNORECASE)


def _header_key(text):
    text = unicodedata.normalize("NFKC", str(text or "")).casefold()
    text = re.sub(r"\(.*?\)", "", text)  # "手机号（必填）", "Name (required)"
    return re.sub(r"[\s*_\-:]", "", text)


# ---------------------------------------------------------------- reading the file


def read_table(filename, data, columns=None, required=REQUIRED):
    """The data rows of a CSV or XLSX file as dicts of column -> text, each with its 'row'.

    `columns` maps each column's key to the header names accepted for it (the first is the
    template's; default: the workers' sheet, COLUMNS); the header row is the first of the
    file's first rows that holds every `required` column. Other sheets (the studio's question
    bank) read their files through this too.
    """
    limit = current_app.config["IMPORT_MAX_BYTES"]
    if len(data) > limit:
        raise DomainError(
            _("The file is larger than %(mb)s MB. Split it into smaller files.", mb=f"{limit / 1024 / 1024:g}"), "file"
        )
    suffix = PurePath(filename or "").suffix.lower()
    if suffix == ".csv":
        records = _csv_records(data)
    elif suffix == ".xlsx":
        records = _xlsx_records(data)
    else:
        raise DomainError(_("Upload a .csv or .xlsx file. In Excel or WPS, use “Save as” to get one."), "file")
    return _rows(records, columns or COLUMNS, required)


def _csv_records(data):
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GBK
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise DomainError(_("The file's text could not be read. Save it as “CSV UTF-8” and try again."), "file")
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count) if first_line else ","
    try:
        return list(enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1))
    except csv.Error as error:
        raise DomainError(_("The CSV file is damaged: %(error)s", error=str(error)), "file") from None


def _xlsx_records(data):
    from openpyxl import load_workbook

    unreadable = DomainError(_("The file could not be read as an Excel workbook (.xlsx)."), "file")
    unpacked_limit = current_app.config["IMPORT_MAX_UNPACKED_BYTES"]
    try:
        # A small zip can unpack to gigabytes. The sizes in its directory bound what zipfile
        # will unpack (it stops at them), so they are checked before anything is parsed.
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > unpacked_limit:
            raise DomainError(
                _(
                    "The workbook unpacks to more than %(mb)s MB. Keep only the list of workers in it, "
                    "or save it as CSV.",
                    mb=f"{unpacked_limit / 1024 / 1024:g}",
                ),
                "file",
            )
        with warnings.catch_warnings():
            # openpyxl warns about styles and extensions it skips; values are all we read.
            warnings.simplefilter("ignore")
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            sheet = book.active or book.worksheets[0]
            sheet.reset_dimensions()  # some programs write a wrong sheet size
            rows = _stream_rows(sheet.iter_rows(max_col=_MAX_COLUMNS, values_only=True))
            book.close()
    except DomainError:
        raise
    except Exception:  # a damaged or hostile file fails in many ways inside openpyxl
        raise unreadable from None
    return rows


def _stream_rows(values_of_rows):
    """The rows as (number, texts), refused as soon as they pass the row limit (not after reading all)."""
    limit = current_app.config["IMPORT_MAX_ROWS"]
    rows, filled = [], 0
    for n, values in enumerate(values_of_rows, start=1):
        cells = [_cell_text(v) for v in values]
        filled += any(clean_line(c) for c in cells)
        if filled > limit + _HEADER_SEARCH_ROWS:
            raise DomainError(
                _(
                    "The file has more than %(limit)d rows; at most %(limit)d can be imported at once. "
                    "Split it into smaller files.",
                    limit=limit,
                ),
                "file",
            )
        rows.append((n, cells))
    return rows


def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a phone number stored as a number
    return str(value)


def _rows(records, names, required):
    headers = {_header_key(alias): key for key, aliases in names.items() for alias in aliases}
    records = [(n, cells) for n, cells in records if any(clean_line(c) for c in cells)]
    header_at, columns = None, {}
    for index, (_n, cells) in enumerate(records[:_HEADER_SEARCH_ROWS]):
        found = {}
        for position, cell in enumerate(cells):
            key = headers.get(_header_key(cell))
            if key and key not in found:
                found[key] = position
        if all(key in found for key in required):
            header_at, columns = index, found
            break
    if header_at is None:
        expected = "、".join(f"{names[key][0]} ({names[key][1]})" for key in required)
        raise DomainError(
            _(
                "No header row with the columns %(columns)s was found. "
                "Download the template to see how the file should look.",
                columns=expected,
            ),
            "file",
        )
    body = records[header_at + 1 :]
    limit = current_app.config["IMPORT_MAX_ROWS"]
    if len(body) > limit:
        raise DomainError(
            _(
                "The file has %(count)d rows; at most %(limit)d can be imported at once. Split it into smaller files.",
                count=len(body),
                limit=limit,
            ),
            "file",
        )
    return [
        {"row": n, **{key: cells[pos] if pos < len(cells) else "" for key, pos in columns.items()}} for n, cells in body
    ]


# ---------------------------------------------------------------- planning


@dataclass
class RowResult:
    """What one row of the file would do, and how to show it to the admin."""

    row: int
    status: str = "new"  # new | exists | error
    reasons: list = field(default_factory=list)
    shown: dict = field(default_factory=dict)  # the row's values, safe to print
    values: dict = field(default_factory=dict)  # the checked values, to open the account with

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]


@dataclass
class ImportPlan:
    """The row-by-row report of a file, for one admin; nothing of it is written yet."""

    admin_id: int
    rows: list

    def with_status(self, status):
        return [result for result in self.rows if result.status == status]

    new = property(lambda self: self.with_status("new"))
    existing = property(lambda self: self.with_status("exists"))
    errors = property(lambda self: self.with_status("error"))


def visible(value, limit=60):
    """Text safe to show in a report: hidden characters spelled out (\\u202e), long text cut."""
    text = "".join(f"\\u{ord(ch):04x}" if unicodedata.category(ch) in _HIDDEN else ch for ch in str(value or ""))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _check(result, key, raw, check):
    """Run one field's check, recording a missing value or the check's reason."""
    if not clean_line(raw):
        if key in FIELD_LABELS:
            result.reasons.append(_("%(field)s is missing.", field=FIELD_LABELS[key]))
        return None
    try:
        return check(raw)
    except DomainError as error:
        result.reasons.append(error.message)
        return None


def _level(raw):
    if (code := _LEVEL_NAMES.get(clean_line(raw)) or find_skill_level(raw)) is None:
        raise DomainError(_("Unknown skill level “%(value)s”.", value=visible(raw)))
    return code


def _occupation(raw):
    if (code := find_occupation(raw)) is None:
        raise DomainError(_("Unknown occupation “%(value)s”.", value=visible(raw)))
    return code


def _phone(raw):
    if _SCIENTIFIC.match(clean_line(raw)):
        raise DomainError(
            _(
                "Excel has turned this number into “%(value)s”. Format the column "
                "as text, type the number again and save.",
                value=visible(raw),
            )
        )
    phone = normalise_phone(raw)
    if phone == EXAMPLE_PHONE:
        raise DomainError(_("This is the template's example row. Delete it."))
    return phone


def _username(raw):
    if looks_like_phone(raw):
        raise DomainError(_("A username must contain a letter; leave it empty to log in by phone."))
    return normalise_username(raw)


def _chunks(items, size=500):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _unions_by_name(admin, names):
    """{typed name: enterprise union of admin's subtree}, for names matching exactly one."""
    # Chinese names mix ASCII and full-width brackets; accept either spelling.
    variants = {}
    for name in names:
        for spelling in {name, name.replace("(", "（").replace(")", "）"), name.replace("（", "(").replace("）", ")")}:
            variants.setdefault(spelling, set()).add(name)
    matches = {}
    for chunk in _chunks(variants):
        stmt = select(Org).where(Org.name.in_(chunk), Org.kind == "enterprise", subtree_filter(admin.org))
        for org in db.session.scalars(stmt):
            for name in variants[org.name]:
                matches.setdefault(name, {})[org.id] = org
    return {name: next(iter(orgs.values())) for name, orgs in matches.items() if len(orgs) == 1}


def _users_by(column, values):
    found = {}
    for chunk in _chunks(values):
        for user in db.session.scalars(select(User).where(column.in_(chunk))):
            found[getattr(user, column.key)] = user
    return found


def _row_list(numbers, most=5):
    numbers = [str(n) for n in numbers]
    return ", ".join(numbers[:most]) + (" …" if len(numbers) > most else "")


def plan_import(admin, rows):
    """Check every row against the rules and the database; report, write nothing."""
    # Sheets repeat the same few occupations and levels; look each spelling up once.
    occupation, level = functools.cache(_occupation), functools.cache(_level)
    results = [_read_row(row, occupation, level) for row in rows]
    _check_against_others(admin, results)
    return ImportPlan(admin_id=admin.id, rows=results)


def _read_row(row, occupation, level):
    """A row's values, each checked on its own, and what the preview shows of them."""
    result = RowResult(row=row["row"])
    v = result.values
    v["name"] = _check(result, "name", row.get("name"), clean_person_name)
    v["phone"] = _check(result, "phone", row.get("phone"), _phone)
    v["union"] = _check(result, "union", row.get("union"), clean_line)
    v["occupation"] = _check(result, "occupation", row.get("occupation"), occupation)
    v["skill_level"] = _check(result, "skill_level", row.get("skill_level"), level) or "none"
    v["username"] = _check(result, "username", row.get("username"), _username)
    result.shown = {key: visible(row.get(key)) for key in COLUMNS}
    if v["phone"]:
        result.shown["phone"] = mask_phone(v["phone"])
    return result


def _check_against_others(admin, results):
    """Check the rows against the union tree, each other and the accounts there are already."""
    unions = _unions_by_name(admin, {r.values["union"] for r in results if r.values["union"]})
    by_phone = _users_by(User.phone, {r.values["phone"] for r in results if r.values["phone"]})
    by_username = _users_by(User.username, {r.values["username"] for r in results if r.values["username"]})
    rows_of = {}
    for r in results:
        for key in ("phone", "username"):
            if r.values[key]:
                rows_of.setdefault((key, r.values[key]), []).append(r.row)
    for r in results:
        v = r.values
        if v["union"]:
            v["org"] = unions.get(v["union"])
            if v["org"] is None:
                r.reasons.append(
                    _(
                        "Unknown union “%(value)s”: no enterprise union of your part of the union tree has this name.",
                        value=visible(v["union"]),
                    )
                )
        r.reasons.extend(_repeated(r, rows_of))
        _check_existing(admin, r, by_phone.get(v["phone"]), by_username.get(v["username"]))
        if r.reasons:
            r.status = "error"


def _check_existing(admin, result, phone_holder, username_holder):
    """A row whose account is there already (same phone and name, in the admin's subtree) is
    marked "exists"; a phone number or username someone else holds is a reason to refuse it."""
    if phone_holder is not None and result.values["name"]:
        if phone_holder.name == result.values["name"] and admin.org.contains(phone_holder.org):
            result.status = "exists"
        else:
            result.reasons.append(_("An account with this phone number already exists."))
    if username_holder is not None and username_holder is not phone_holder:
        result.reasons.append(_("This username is taken."))


def _repeated(result, rows_of):
    """What is wrong with a row whose phone number or username another row of the sheet has too."""
    others = {
        key: _row_list(n for n in rows_of.get((key, result.values[key]), []) if n != result.row)
        for key in ("phone", "username")
    }
    reasons = []
    if others["phone"]:
        reasons.append(_("The same phone number is also on row %(rows)s.", rows=others["phone"]))
    if others["username"]:
        reasons.append(_("The same username is also on row %(rows)s.", rows=others["username"]))
    return reasons


# ---------------------------------------------------------------- opening the accounts


def apply_import(admin, plan, progress=None, base_url=None):
    """Open the plan's new rows as workers who must change their password; skip the rest.

    Returns [(user, initial_password)]. `progress`, if given, is called once per account while
    the passwords are made (the slow part), before anything is added to the session: a job may
    commit its heartbeat in it. `base_url` is the site's address for the activation links
    when there is no request (a job) and no PUBLIC_BASE_URL.
    """
    if plan.admin_id != admin.id:
        raise ValueError("the plan was made for another admin")
    passwords = []
    for _result in plan.new:
        password = generate_initial_password()
        passwords.append((password, hash_initial_password(password)))
        if progress is not None:
            progress()
    created = []
    for result, (password, password_hash) in zip(plan.new, passwords, strict=True):
        v = result.values
        user = User(
            name=v["name"],
            phone=v["phone"],
            username=v["username"],
            org=v["org"],
            occupation=v["occupation"],
            skill_level=v["skill_level"],
            role="worker",
            must_change_password=True,
            password_hash=password_hash,
        )
        db.session.add(user)
        created.append((user, password))
    try:
        db.session.flush()
    except IntegrityError as error:  # someone opened one of these accounts meanwhile
        raise DomainError(
            _(
                "Some of these accounts were opened by someone else in the meantime. "
                "Nothing was saved; upload the file again."
            )
        ) from error
    if created:
        audit.record(
            admin, "people.import", "org", admin.org.id, admin.org.path, union=admin.org.name, accounts=len(created)
        )
    for user, _password in created:
        if user.phone:  # the handout stays for everyone; a phone also gets a link to choose a password
            send_activation(user, base_url=base_url)
    return created


def password_sheet(created):
    """The handout of new accounts as plain dicts (read them before the session commits)."""
    return [
        {
            "name": user.name,
            "phone": user.phone,
            "masked_phone": user.masked_phone,
            "username": user.username or "",
            "union": user.org.name,
            "password": password,
        }
        for user, password in created
    ]


def passwords_csv(sheet):
    """The handout as CSV for Excel: name, phone, username, union, initial password."""
    header = [_("Name"), _("Mobile number"), _("Username"), _("Union"), _("Initial password")]
    return csv_for_excel([header] + [[s["name"], s["phone"], s["username"], s["union"], s["password"]] for s in sheet])


def template_csv(admin):
    """An empty sheet to fill in: the header row and one example row, for Excel."""
    union = db.session.scalar(
        select(Org.name).where(subtree_filter(admin.org), Org.kind == "enterprise").order_by(Org.path).limit(1)
    )
    example = ["张三", EXAMPLE_PHONE, union or "某某厂工会", str(occupation_label("electrician")), "四级", ""]
    return csv_for_excel([[aliases[0] for aliases in COLUMNS.values()], example])


# ---------------------------------------------------------------- as a job

JOB_KIND = "people_import"


def start_import_job(admin, filename, data, base_url=None):
    """A job that opens the accounts of the file `data` for `admin`; the caller commits, then enqueues it."""
    params = {"filename": clean_line(filename)[:200], "base_url": base_url}
    return jobs.start_job(admin, JOB_KIND, params, upload=data)


def run_import_job(job, report):
    """The job's runner: plan the file again, open its new rows, and write the handout."""
    admin = db.session.get(User, job.owner_id)
    with force_locale(getattr(admin, "locale", None) or current_app.config["BABEL_DEFAULT_LOCALE"]):
        if admin is None or not (admin.is_admin and admin.is_active):
            raise DomainError(_("Only an active union admin can open accounts."))
        filename = job.params["filename"]
        plan = plan_import(admin, read_table(filename, jobs.uploaded(job)))
        total, opened = len(plan.new), 0
        report(0, total)

        def one_more():
            nonlocal opened
            opened += 1
            report(opened, total)

        created = apply_import(admin, plan, progress=one_more, base_url=job.params.get("base_url"))
        job.report = {
            "file": visible(filename),
            "opened": len(created),
            "existing": len(plan.existing),
            "errors": [{"row": r.row, "name": r.shown["name"], "problems": " ".join(r.reasons)} for r in plan.errors],
        }
        text = passwords_csv(password_sheet(created))
    handle, path = tempfile.mkstemp(suffix=".csv")
    with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
        out.write(text)
    return "initial-passwords.csv", "text/csv", path
