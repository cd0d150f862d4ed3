from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup

from learnhub.accounts.services import get_person_in_scope
from learnhub.core.cache import VISIT_SECONDS, fragment
from learnhub.core.errors import DomainError
from learnhub.core.forms import refuse
from learnhub.core.hours import Hours, minutes_per_xueshi
from learnhub.core.i18n import current_language
from learnhub.core.i18n import gettext as _
from learnhub.core.inputs import page_number
from learnhub.core.permissions import role_required
from learnhub.core.tables import csv_for_excel
from learnhub.credits import services as credits
from learnhub.credits.forms import ReversalForm
from learnhub.extensions import db

bp = Blueprint("credits", "learnhub.credits", template_folder="templates")


def _year():
    year = request.args.get("year", type=int)
    return year if year and 2000 <= year <= 2100 else None


# A page of the record stays light on a phone however long a working life of learning gets;
# the CSV download holds every entry.
ENTRIES_PER_PAGE = 50


def _totals(account, year):
    # The totals are those of the rows listed (every page of them): of the year when one is chosen.
    total_credits, total_minutes = credits.shown_totals(account, year)
    return render_template("credits/_totals.html", year=year, total_credits=total_credits, total_minutes=total_minutes)


def _entries(account, year, **admin):
    page = db.paginate(
        credits.entries_query(account, year), page=page_number(), per_page=ENTRIES_PER_PAGE, error_out=False
    )
    return render_template(
        "credits/_entries.html",
        year=year,
        years=credits.entry_years(account),
        entries=page.items,
        page=page,
        page_args={"year": year} if year else {},
        links=credits.entry_links(page.items),
        admin_view=bool(admin),
        **admin,
    )


@bp.get("/me/record")
@login_required
def record():
    account, latest = credits.account_and_latest_entry(current_user)
    year = _year()
    # A worker's totals and entries are kept until their next entry: its id names the ledger as
    # it stands (entries are never changed or deleted); the rest names the page.
    ledger = (account.id if account else None, latest, year, current_language(), minutes_per_xueshi())
    return render_template(
        "credits/record.html",
        person=current_user,
        account=account,
        year=year,
        totals=fragment("record-totals", ledger, lambda: _totals(account, year), VISIT_SECONDS),
        entries=fragment("record-entries", (*ledger, page_number()), lambda: _entries(account, year), VISIT_SECONDS),
    )


def _record_context(person, **admin):
    """An admin's view of a person's record: a correction form on every entry, so never kept."""
    account = credits.get_account(person)
    year = _year()
    return dict(
        person=person,
        account=account,
        year=year,
        admin_view=True,
        totals=Markup(_totals(account, year)),
        entries=Markup(_entries(account, year, person=person, **admin)),
    )


@bp.get("/me/record.csv")
@login_required
def record_csv():
    year = _year()
    entries = db.session.scalars(credits.entries_query(credits.get_account(current_user), year))
    # Hours as the page shows them (core.hours), so the sheet's sum is the page's total; minutes exact.
    rows = [[_("Date"), _("What"), _("Details"), _("Credits"), _("Hours"), _("Minutes")]]
    rows += [
        [
            entry.created_at.date().isoformat(),
            str(entry.kind_label),
            entry.note,
            entry.credits,
            Hours.of(entry.minutes).value,
            entry.minutes,
        ]
        for entry in entries
    ]
    name = f"learning-record-{year or 'all'}.csv"
    return Response(
        csv_for_excel(rows), mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


def _person_or_404(user_id):
    return get_person_in_scope(current_user, user_id)


@bp.get("/people/<int:user_id>/record")
@role_required("admin")
def person_record(user_id):
    person = _person_or_404(user_id)
    return render_template("credits/record.html", **_record_context(person, form=ReversalForm()))


@bp.post("/people/<int:user_id>/record/<int:entry_id>/reverse")
@role_required("admin")
def reverse(user_id, entry_id):
    person = _person_or_404(user_id)
    account = credits.get_account(person)
    entry = credits.get_entry(entry_id)
    if account is None or entry.account_id != account.id:
        abort(404)
    form = ReversalForm()
    if form.validate_on_submit():
        try:
            credits.reverse_entry(entry, reason=form.reason.data, created_by=current_user)
        except DomainError as error:
            refuse(form, error)
        else:
            db.session.commit()
            flash(_("The correction is recorded."), "success")
            return redirect(url_for("credits.person_record", user_id=person.id))
    return render_template("credits/record.html", **_record_context(person, form=form, failed_entry=entry.id)), 400


def home_account(user):
    """The home page's section: my credits and hours."""
    credits_total, minutes = credits.shown_totals_of(user)
    return {"credits": credits_total, "minutes": minutes}
