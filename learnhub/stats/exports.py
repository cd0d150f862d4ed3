"""Exports of the statistics: the table of each list, and the job that writes a large one.

A page's own download (`stats.export`) writes the file inside the request; a subtree with
hundreds of thousands of workers is too much for that, so `stats.export_job` starts a job
(core.jobs) that writes the same table to a file in storage while its page shows progress.
The job carries what the request parsed (period, filters), not the request itself.
"""

import os
import tempfile
from datetime import date

from learnhub.accounts.models import User
from learnhub.core import jobs
from learnhub.core.db import read_session
from learnhub.core.errors import NotFound
from learnhub.core.i18n import force_locale
from learnhub.core.i18n import gettext as _
from learnhub.core.tables import csv_for_excel, xlsx_for_excel
from learnhub.extensions import db
from learnhub.orgs.services import get_org_in_scope
from learnhub.stats import breakdowns, contest_figures, figures, required, roster, sheets
from learnhub.stats.periods import Period
from learnhub.stats.rollups import today

JOB_KIND = "stats_export"
NAMES = (
    "summary",
    "child-unions",
    "categories",
    "trend",
    "courses",
    "occupations",
    "skill-levels",
    "contests",
    "contest-unions",
    "contest-occupations",
    "workforce",
    "required",
    "not-finished",
)


def export_table(reading, org, name, period, filters=None, requirement_id=None):
    """The table of the list `name` of `org` over `period`, as its page shows it."""
    if name in ("summary", "child-unions", "categories", "trend"):
        dash = figures.dashboard(reading, org, period, today())
        return {
            "summary": lambda: sheets.summary_table(dash),
            "child-unions": lambda: sheets.children_table(dash, lambda child: None),
            "categories": lambda: sheets.categories_table(dash.categories),
            "trend": lambda: sheets.trend_table(dash.trend),
        }[name]()
    if name == "courses":
        return sheets.courses_table(breakdowns.course_figures(reading, org, period))
    if name == "occupations":
        return sheets.people_table(
            name,
            _("By occupation"),
            _("Occupation"),
            breakdowns.by_occupation(breakdowns.people_figures(reading, org, period, today())),
        )
    if name == "skill-levels":
        return sheets.people_table(
            name,
            _("By skill level"),
            _("Skill level"),
            breakdowns.by_skill_level(breakdowns.people_figures(reading, org, period, today())),
        )
    if name in ("contests", "contest-unions", "contest-occupations"):
        found = contest_figures.contest_stats(reading, org, period)
        return {
            "contests": contest_figures.contests_table,
            "contest-unions": contest_figures.contest_unions_table,
            "contest-occupations": contest_figures.contest_occupations_table,
        }[name](found)
    if name == "workforce":
        return sheets.roster_table(
            roster.roster_rows(reading, org, roster.roster_query(org, today(), **(filters or {})))
        )
    if name in ("required", "not-finished"):
        requirement = required.get_requirement(org, requirement_id)
        if name == "required":
            return sheets.required_table(
                org, requirement, required.progress_by_child(reading, org, requirement), lambda child: None
            )
        return sheets.missing_table(requirement, reading.execute(required.not_finished_query(org, requirement)))
    raise NotFound(_("Page not found"))


def file_name(org, name, period, fmt):
    """ASCII file names travel safely in every browser; the union is named by its id."""
    return f"{name}-{org.id}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.{fmt}"


def start_export(user, org, name, fmt, period, filters=None, requirement_id=None):
    """A job that writes the export `name` of `org` (in the admin's scope) as `fmt`."""
    get_org_in_scope(org.id, user.org)
    if name not in NAMES:
        raise NotFound(_("Page not found"))
    if name in ("required", "not-finished"):
        requirement_id = required.get_requirement(org, requirement_id).id
    params = {
        "org_id": org.id,
        "name": name,
        "fmt": fmt,
        "period": [period.key, period.start.isoformat(), period.end.isoformat()],
        "filters": filters or {},
        "requirement_id": requirement_id,
    }
    return jobs.start_job(user, JOB_KIND, params)


def _counted(rows, report):
    total = len(rows)
    for number, row in enumerate(rows, 1):
        if number % 1000 == 0:
            report(number, total)
        yield row


def run_export(job, report):
    """The job's runner: the table, then its file, written to a temporary file."""
    params = job.params
    owner = db.session.get(User, job.owner_id)
    org = get_org_in_scope(params["org_id"], owner.org)  # still theirs when it runs
    key, start, end = params["period"]
    period = Period(key, date.fromisoformat(start), date.fromisoformat(end))
    with force_locale(owner.locale or "zh_CN"):  # the headings in the admin's language
        table = export_table(
            read_session(), org, params["name"], period, params.get("filters"), params.get("requirement_id")
        )
        rows = table.export_rows()
        report(0, len(rows))
        name = file_name(org, params["name"], period, params["fmt"])
        handle, path = tempfile.mkstemp(suffix=f".{params['fmt']}")
        with os.fdopen(handle, "wb") as out:
            if params["fmt"] == "csv":
                out.write(csv_for_excel(_counted(rows, report)).encode("utf-8"))
                mime = "text/csv"
            else:
                out.write(xlsx_for_excel(_counted(rows, report), title=str(table.title)))
                mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return name, mime, path
