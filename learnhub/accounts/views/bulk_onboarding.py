"""Bulk onboarding (集体开户) for union admins: upload, preview, confirm, then a job.

The preview carries the uploaded file back in a hidden field, so no server keeps anything
between the two steps. Confirming starts a job (core.jobs) that checks the file again from
scratch and opens the accounts; its page (/jobs/<id>) shows the progress, then what was
opened and skipped, the handout of initial passwords to download, and a page to print it.
"""

import base64
import binascii
import csv
import io

from flask import current_app, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from learnhub.accounts import onboarding
from learnhub.accounts.forms import ImportConfirmForm, ImportForm
from learnhub.core import jobs
from learnhub.core.errors import DomainError, NotFound
from learnhub.core.forms import apply_error
from learnhub.core.i18n import gettext as _
from learnhub.core.permissions import role_required
from learnhub.core.text import mask_phone
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
        "accounts/import.html",
        form=form,
        occupations=OCCUPATIONS,
        skill_levels=SKILL_LEVELS,
        recent=jobs.my_jobs(current_user, kind=onboarding.JOB_KIND, limit=5),
    ), 400 if form.errors else 200


@role_required("admin")
def people_import_confirm():
    form = ImportConfirmForm()
    try:
        data = _payload(form)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("accounts.people_import"))
    job = onboarding.start_import_job(current_user, form.filename.data or "", data, base_url=request.host_url)
    db.session.commit()
    jobs.enqueue_job(job)
    return redirect(url_for("core.job", job_id=job.id))


@role_required("admin")
def people_import_handout(job_id):
    """The initial passwords of a finished job, laid out to print and hand out."""
    job = jobs.get_job_for(current_user, job_id)
    if job.kind != onboarding.JOB_KIND:
        raise NotFound(_("This job does not exist, or it is not yours."))
    rows = list(csv.reader(io.StringIO(jobs.result_bytes(job).decode("utf-8-sig"))))[1:]
    sheet = [
        {"name": name, "phone": mask_phone(phone), "username": username, "union": union, "password": password}
        for name, phone, username, union, password in (row for row in rows if len(row) == 5)
    ]
    return _private(render_template("accounts/import_handout.html", job=job, sheet=sheet))


@role_required("admin")
def people_import_template():
    response = make_response(onboarding.template_csv(current_user).encode())
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = "attachment; filename=workers-template.csv"
    return response
