"""Statistics pages of union admins: overview, breakdowns, roster, and their exports."""

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_sqlalchemy.pagination import SelectPagination
from sqlalchemy import func, select

from learnhub.core import jobs
from learnhub.core.db import read_session
from learnhub.core.i18n import gettext as _
from learnhub.core.inputs import page_number, query_args
from learnhub.core.permissions import role_required
from learnhub.extensions import db
from learnhub.stats import breakdowns, charts, contest_figures, exports, figures, required, roster, sheets
from learnhub.stats.forms import RosterFilterForm
from learnhub.stats.rollups import today
from learnhub.stats.views.common import chosen_period, drill, scoped_org, tab_context


@role_required("admin")
def overview(org_id=None):
    org = scoped_org(org_id)
    context = tab_context(org, "overview")
    period = context["period"]
    dash = figures.dashboard(read_session(), org, period, today())
    trend_labels = [
        f"{month.month}\n{month.year}" if month.month == 1 or i == 0 else str(month.month)
        for i, (month, _f) in enumerate(dash.trend)
    ]
    context.update(
        dash=dash,
        summary=sheets.summary_table(dash),
        ideology_share=figures.ideology_share(dash.categories),
        children=sheets.children_table(dash, drill(period)),
        categories=sheets.categories_table(dash.categories),
        trend=sheets.trend_table(dash.trend),
        trend_chart=charts.column_chart(
            _("Enrolments and completions by month"),
            trend_labels,
            [
                (_("Enrolments"), [f.enrolments for _m, f in dash.trend]),
                (_("Completions"), [f.completions for _m, f in dash.trend]),
            ],
        ),
        category_chart=charts.bar_chart(
            _("Share of learning hours by category"),
            [(label, charts.percent(f.minutes, dash.total.minutes)) for _c, label, f in dash.categories],
            "%",
        ),
        children_chart=charts.bar_chart(
            _("Completion rate by union"),
            [(child.name if child else _("Directly in this union"), f.completion_rate) for child, f in dash.children],
            "%",
        )
        if dash.children
        else None,
    )
    return render_template("stats/overview.html", **context)


@role_required("admin")
def courses(org_id):
    org = scoped_org(org_id)
    context = tab_context(org, "courses")
    rows = breakdowns.course_figures(read_session(), org, context["period"])
    context.update(
        courses=sheets.courses_table(rows, lambda course: url_for("learning.course", slug=course.slug)),
        chart=charts.bar_chart(_("Completions by course"), [(c.title, f.completions) for c, f in rows[:15]])
        if rows
        else None,
    )
    return render_template("stats/courses.html", **context)


@role_required("admin")
def people(org_id):
    org = scoped_org(org_id)
    context = tab_context(org, "people")
    period = context["period"]
    found = breakdowns.people_figures(read_session(), org, period, today())
    occupations, levels = breakdowns.by_occupation(found), breakdowns.by_skill_level(found)
    context.update(
        occupations=sheets.people_table("occupations", _("By occupation"), _("Occupation"), occupations),
        levels=sheets.people_table("skill-levels", _("By skill level"), _("Skill level"), levels),
        level_chart=charts.bar_chart(_("Workers by skill level"), [(label, f.workers) for _c, label, f in levels]),
    )
    return render_template("stats/people.html", **context)


@role_required("admin")
def contests(org_id):
    """Skill contests that opened in the period: participation and scores, by contest, union and occupation."""
    org = scoped_org(org_id)
    context = tab_context(org, "contests")
    found = contest_figures.contest_stats(read_session(), org, context["period"])
    context.update(
        contests=contest_figures.contests_table(
            found, lambda contest: url_for("contests.contest", contest_id=contest.id)
        ),
        unions=contest_figures.contest_unions_table(found),
        occupations=contest_figures.contest_occupations_table(found),
    )
    return render_template("stats/contests.html", **context)


def roster_filters():
    form = RosterFilterForm(request.args)
    form.validate()
    return form, dict(
        text=form.q.data,
        union_text=form.union.data,
        occupation=form.occupation.data,
        skill_level=form.skill_level.data,
        activity=form.activity.data,
    )


@role_required("admin")
def workforce(org_id):
    org = scoped_org(org_id)
    context = tab_context(org, "roster")
    form, filters = roster_filters()
    stmt = roster.roster_query(org, today(), **filters)
    reading = read_session()
    page = SelectPagination(
        select=stmt,
        session=reading,
        page=page_number(),
        per_page=current_app.config.get("PEOPLE_PER_PAGE", 25),
        error_out=False,
    )
    learning = roster.learning_of(reading, [user.id for user in page.items])
    filter_args = {k: v for k, v in request.args.items() if k in form.data and v}
    context.update(
        form=form,
        page=page,
        filter_args=filter_args,
        roster=sheets.roster_table([(user, user.org.name, learning[user.id]) for user in page.items]),
    )
    return render_template("stats/roster.html", **context)


# ---------------------------------------------------------------- exports


# Writing an .xlsx costs about a tenth of a second per thousand rows: past this many, the
# request would outlast the server's timeout. CSV has no such limit.
XLSX_MAX_ROWS = 50_000


def _too_long_for_xlsx(org, name):
    """A redirect back to the list with an explanation, when its Excel file would be too long."""
    if name == "workforce":
        stmt, back = (
            roster.roster_query(org, today(), **roster_filters()[1]),
            url_for("stats.workforce", org_id=org.id, **query_args()),
        )
    elif name == "not-finished":
        requirement = required.get_requirement(org, request.args.get("requirement"))
        stmt = required.not_finished_query(org, requirement)
        back = url_for("stats.required_detail", org_id=org.id, requirement_id=requirement.id)
    else:
        return None
    rows = read_session().scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    limit = current_app.config.get("STATS_XLSX_MAX_ROWS", XLSX_MAX_ROWS)
    if rows <= limit:
        return None
    flash(
        _(
            "This list has %(rows)s rows; an Excel file from here holds at most %(limit)s. "
            "Narrow the list with the filters, or download CSV, which Excel also opens.",
            rows=f"{rows:,}",
            limit=f"{limit:,}",
        ),
        "error",
    )
    return redirect(back)


@role_required("admin")
def export(org_id, name, fmt):
    org = scoped_org(org_id)
    if fmt not in ("csv", "xlsx"):
        abort(404)
    if fmt == "xlsx" and (refused := _too_long_for_xlsx(org, name)) is not None:
        return refused
    _form, period = chosen_period()
    table = exports.export_table(
        read_session(), org, name, period, roster_filters()[1], request.args.get("requirement")
    )
    filename = exports.file_name(org, name, period, fmt)
    headers = {"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"}
    if fmt == "csv":
        return Response(table.csv(), mimetype="text/csv", headers=headers)
    return Response(
        table.xlsx(), headers=headers, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


@role_required("admin")
def export_job(org_id, name, fmt):
    """Prepare an export as a job, for lists too long to wait for; its page shows the progress."""
    org = scoped_org(org_id)
    if fmt not in ("csv", "xlsx") or name not in exports.NAMES:
        abort(404)
    _form, period = chosen_period()
    job = exports.start_export(
        current_user, org, name, fmt, period, roster_filters()[1], request.args.get("requirement")
    )
    db.session.commit()
    jobs.enqueue_job(job)
    return redirect(url_for("core.job", job_id=job.id))


def home_headline(user):
    """The admin's home section: this month's figures of their union."""
    return {"headline": figures.headline(db.session, user.org, today())}


def home_required(user):
    """The worker's home section: what their unions require of them."""
    return {"asked": required.requirements_of(user, today())}


def course_required(user, course, **_page):
    """Beside a course: whether the worker's union requires it, and by when."""
    asked = next(iter(required.requirements_of(user, today(), course=course)), None)
    return {"asked": asked} if asked is not None else None


def record_required(user):
    """In a worker's learning record: the required courses, met or not."""
    return {"asked": required.requirements_of(user, today())}
