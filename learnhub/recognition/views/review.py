"""The review queue of union admins: applications and prior learning of their union subtree."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from learnhub.core.errors import DomainError
from learnhub.core.forms import refuse
from learnhub.core.hours import hours_text
from learnhub.core.i18n import gettext as _
from learnhub.core.inputs import page_number
from learnhub.core.permissions import role_required
from learnhub.extensions import db
from learnhub.recognition import prior
from learnhub.recognition import services as recognition
from learnhub.recognition.credentials import credentials_of
from learnhub.recognition.forms import DecisionForm, GrantForm, RejectForm
from learnhub.recognition.pathways import can_keep_pathways

TABS = ("open", "approved", "rejected", "withdrawn", "prior", "prior_decided")


@role_required("admin")
def review_queue():
    tab = request.args.get("tab", "open")
    tab = tab if tab in TABS else "open"
    if tab == "prior":
        stmt = prior.review_query(current_user, "submitted")
    elif tab == "prior_decided":
        stmt = prior.review_query(current_user, "decided")
    else:
        stmt = recognition.review_query(current_user, tab)
    page = db.paginate(
        stmt, page=page_number(), per_page=current_app.config.get("PEOPLE_PER_PAGE", 25), error_out=False
    )
    return render_template(
        "recognition/review_queue.html",
        tab=tab,
        page=page,
        waiting=recognition.waiting_count(current_user),
        prior_waiting=prior.waiting_count(current_user),
        can_keep=can_keep_pathways(current_user),
    )


def _application_or_404(application_id):
    return recognition.get_application_in_scope(current_user, application_id)


def _render_review(application, form=None, status=200):
    return render_template(
        "recognition/review_application.html",
        application=application,
        progress=recognition.measure_now(application),
        form=form or DecisionForm(),
        credential=recognition.credential_of(application),
    ), status


@role_required("admin")
def review_application(application_id):
    return _render_review(_application_or_404(application_id))


@role_required("admin")
def decide(application_id):
    application = _application_or_404(application_id)
    form = DecisionForm()
    decisions = {
        "approve": (
            lambda: recognition.approve(current_user, application),
            _("Approved. The recognition is recorded and its credential issued."),
        ),
        "reject": (
            lambda: recognition.reject(current_user, application, form.message.data),
            _("Rejected. The worker can read your reason."),
        ),
        "info": (
            lambda: recognition.ask_for_information(current_user, application, form.message.data),
            _("Your question is sent to the worker."),
        ),
    }
    decision = decisions.get(request.form.get("action"))
    if form.validate_on_submit() and decision is None:
        form.form_errors.append(_("Choose approve, reject or ask for more information."))
    elif form.validate_on_submit():
        action, success = decision
        try:
            action()
        except DomainError as error:
            refuse(form, error, aliases={"reason": "message"})
        else:
            db.session.commit()
            flash(success, "success")
            return redirect(url_for("recognition.review_queue"))
    db.session.refresh(application)
    return _render_review(application, form, 400)


# ---------------------------------------------------------------- prior learning


def _claim_or_404(claim_id):
    claim = prior.get_claim_for(current_user, claim_id)
    if claim.user_id == current_user.id:
        abort(404)
    return claim


def _render_claim(claim, grant_form=None, reject_form=None, status=200):
    grant_form = grant_form or GrantForm(hours=hours_text(claim.minutes))
    return render_template(
        "recognition/review_prior.html", claim=claim, grant_form=grant_form, reject_form=reject_form or RejectForm()
    ), status


@role_required("admin")
def review_prior(claim_id):
    return _render_claim(_claim_or_404(claim_id))


@role_required("admin")
def grant_prior(claim_id):
    claim = _claim_or_404(claim_id)
    form = GrantForm()
    if form.validate_on_submit():
        try:
            prior.grant(current_user, claim, credits=form.credits.data, hours=form.hours.data)
        except DomainError as error:
            refuse(form, error)
        else:
            db.session.commit()
            flash(_("Recognised. The credits and hours are in the worker's learning account."), "success")
            return redirect(url_for("recognition.review_queue", tab="prior"))
    db.session.refresh(claim)
    return _render_claim(claim, grant_form=form, status=400)


@role_required("admin")
def reject_prior(claim_id):
    claim = _claim_or_404(claim_id)
    form = RejectForm()
    if form.validate_on_submit():
        try:
            prior.reject(current_user, claim, form.reason.data)
        except DomainError as error:
            refuse(form, error)
        else:
            db.session.commit()
            flash(_("Rejected. The worker can read your reason."), "success")
            return redirect(url_for("recognition.review_queue", tab="prior"))
    db.session.refresh(claim)
    return _render_claim(claim, reject_form=form, status=400)


# ---------------------------------------------------------------- a person's credentials


@role_required("admin")
def person_credentials(user_id):
    from learnhub.accounts.services import get_person_in_scope

    person = get_person_in_scope(current_user, user_id)
    return render_template("recognition/person_credentials.html", person=person, credentials=credentials_of(person))


def home_waiting(user):
    """The home page's section for reviewers: how many applications and claims are waiting."""
    return {"waiting": recognition.waiting_count(user), "prior_waiting": prior.waiting_count(user)}
