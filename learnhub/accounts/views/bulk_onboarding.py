"""Bulk onboarding (集体开户) for union admins: upload, preview, confirm.

The preview carries the uploaded file back in a hidden field, so no server keeps anything
between the two steps and the confirm step checks the file again from scratch.
"""

import base64
import binascii

from flask import current_app, flash, make_response, redirect, render_template, url_for
from flask_login import current_user

from learnhub.accounts import onboarding
from learnhub.accounts.forms import ImportConfirmForm, ImportForm
from learnhub.core.errors import DomainError
from learnhub.core.forms import apply_error
from learnhub.core.i18n import gettext as _
from learnhub.core.permissions import role_required
from learnhub.core.vocab import OCCUPATIONS, SKILL_LEVELS
from learnhub.extensions import db


def _private(html, status=200):
    # The page holds phone numbers or initial passwords: keep it out of every cache.
    response = make_response(html, status)
    response.headers["Cache-Control"] = "no-store"
    return response


def _payload(form):
    """The uploaded file, as the preview page carried it back."""
    try:
        if form.validate_on_submit():
            return base64.b64decode(form.payload.data, validate=True)
    except binascii.Error:
        pass
    raise DomainError(_("The file did not come back with the form. Please upload it again."))


@role_required("admin")
def people_import():
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read(current_app.config["IMPORT_MAX_BYTES"] + 1)
        try:
            plan = onboarding.plan_import(current_user, onboarding.read_table(upload.filename, data))
        except DomainError as error:
            apply_error(form, error)
        else:
            confirm = ImportConfirmForm(payload=base64.b64encode(data).decode(), filename=upload.filename)
            return _private(
                render_template(
                    "accounts/import_preview.html",
                    plan=plan,
                    form=confirm,
                    filename=onboarding.visible(upload.filename),
                )
            )
    return render_template(
        "accounts/import.html", form=form, occupations=OCCUPATIONS, skill_levels=SKILL_LEVELS
    ), 400 if form.errors else 200


@role_required("admin")
def people_import_confirm():
    form = ImportConfirmForm()
    try:
        data = _payload(form)
        plan = onboarding.plan_import(current_user, onboarding.read_table(form.filename.data, data))
        created = onboarding.apply_import(current_user, plan)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("accounts.people_import"))
    sheet = onboarding.password_sheet(created)  # read before the commit expires the objects
    db.session.commit()
    download = base64.b64encode(onboarding.passwords_csv(sheet).encode()).decode()
    return _private(
        render_template(
            "accounts/import_done.html",
            plan=plan,
            sheet=sheet,
            download=download,
            filename=onboarding.visible(form.filename.data),
        )
    )


@role_required("admin")
def people_import_template():
    response = make_response(onboarding.template_csv(current_user).encode())
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = "attachment; filename=workers-template.csv"
    return response
