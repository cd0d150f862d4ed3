"""A worker's pages: pathways and how far I am, my applications, prior learning, my transcript."""

from datetime import UTC, datetime

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from learnhub.core.cache import VISIT_SECONDS, fragment
from learnhub.core.errors import DomainError
from learnhub.core.forms import refuse, run_action
from learnhub.core.i18n import current_language
from learnhub.core.i18n import gettext as _
from learnhub.core.permissions import role_required
from learnhub.core.qr import qr_svg
from learnhub.credits.services import get_account, shown_totals
from learnhub.extensions import db, talisman
from learnhub.recognition import prior
from learnhub.recognition import services as recognition
from learnhub.recognition.certificate import certificate_pdf, font_path, share_picture
from learnhub.recognition.credentials import course_credential_of, credentials_of, holder_credential
from learnhub.recognition.forms import ActionForm, ApplyForm, PriorLearningForm, RespondForm
from learnhub.recognition.views.common import credential_url


@login_required
def index():
    if current_user.role == "admin":
        return redirect(url_for("recognition.review_queue"))
    if current_user.role != "worker":
        abort(404)
    views = recognition.pathway_views(current_user)
    views.sort(key=lambda v: (v.is_recognised, -v.progress.fraction, v.version.title))
    return render_template(
        "recognition/index.html",
        views=views,
        applications=recognition.my_applications(current_user),
        claims=prior.my_claims(current_user),
        credentials=credentials_of(current_user),
    )


@role_required("worker")
def pathway(pathway_id):
    view = recognition.get_pathway_view(current_user, pathway_id)
    return render_template("recognition/pathway.html", view=view, form=ApplyForm())


@role_required("worker")
def apply(pathway_id):
    form = ApplyForm()
    if form.validate_on_submit():
        try:
            application = recognition.apply(current_user, pathway_id, form.note.data)
        except DomainError as error:
            refuse(form, error)
        else:
            db.session.commit()
            flash(_("Your application is sent. You can follow it here."), "success")
            return redirect(url_for("recognition.application", application_id=application.id))
    view = recognition.get_pathway_view(current_user, pathway_id)
    return render_template("recognition/pathway.html", view=view, form=form), 400


def _render_application(application, form=None, status=200):
    return render_template(
        "recognition/application.html",
        application=application,
        form=form or RespondForm(),
        action_form=ActionForm(),
        credential=recognition.credential_of(application) if application.status == "approved" else None,
    ), status


@role_required("worker")
def application(application_id):
    return _render_application(recognition.get_my_application(current_user, application_id))


@role_required("worker")
def respond(application_id):
    application = recognition.get_my_application(current_user, application_id)
    form = RespondForm()
    if form.validate_on_submit():
        try:
            recognition.respond(
                current_user,
                application,
                form.message.data,
                [(upload.filename or "", upload.read()) for upload in form.files.data or [] if upload],
            )
        except DomainError as error:
            refuse(form, error, aliases={"file": "files"})
        else:
            db.session.commit()
            flash(_("Sent. Your application waits for the reviewer again."), "success")
            return redirect(url_for("recognition.application", application_id=application.id))
    return _render_application(application, form, 400)


@role_required("worker")
def withdraw(application_id):
    application = recognition.get_my_application(current_user, application_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    return run_action(
        lambda: recognition.withdraw(current_user, application),
        _("Your application is withdrawn."),
        url_for("recognition.application", application_id=application.id),
    )


@login_required
@talisman(content_security_policy={"default-src": "'none'", "img-src": "'self'", "sandbox": ""})
def application_file(application_id, file_id):
    """A photo or PDF sent with an answer, for the applicant and the reviewers over them only."""
    mime, data, name = recognition.answer_file(current_user, application_id, file_id)
    return _file_response(mime, data, name)


def _file_response(mime, data, name):
    disposition = "inline" if mime.startswith("image/") else "attachment"
    return Response(
        data,
        mimetype=mime,
        headers={"Content-Disposition": f'{disposition}; filename="{name}"', "Cache-Control": "private, no-store"},
    )


# ---------------------------------------------------------------- prior learning


@role_required("worker")
def prior_new():
    form = PriorLearningForm()

    if form.validate_on_submit():
        upload = form.file.data
        try:
            claim = prior.submit(
                current_user,
                title=form.title.data,
                issuer=form.issuer.data,
                achieved_on=form.achieved_on.data,
                hours=form.hours.data,
                description=form.description.data,
                filename=getattr(upload, "filename", "") or "",
                data=upload.read() if upload else b"",
            )
        except DomainError as error:
            refuse(form, error)
        else:
            db.session.commit()
            flash(_("Sent. A reviewer of your union will look at it."), "success")
            return redirect(url_for("recognition.prior_claim", claim_id=claim.id))
    return render_template("recognition/prior_new.html", form=form), 400 if form.errors or form.form_errors else 200


@role_required("worker")
def prior_claim(claim_id):
    claim = prior.get_claim_for(current_user, claim_id)
    if claim.user_id != current_user.id:
        abort(404)
    return render_template("recognition/prior_claim.html", claim=claim)


@login_required
@talisman(content_security_policy={"default-src": "'none'", "img-src": "'self'", "sandbox": ""})
def prior_certificate(claim_id):
    """The uploaded certificate, for its owner and the reviewers over them only."""
    claim = prior.get_claim_for(current_user, claim_id)
    mime, data, name = prior.evidence_of(claim)
    return _file_response(mime, data, name)


# ---------------------------------------------------------------- transcript


@role_required("worker")
def transcript():
    account = get_account(current_user)
    total_credits, total_minutes = shown_totals(account)
    credentials = [c for c in credentials_of(current_user) if not c.is_revoked]
    links = {c.id: credential_url(c) for c in credentials}
    return render_template(
        "recognition/transcript.html",
        account=account,
        total_credits=total_credits,
        total_minutes=total_minutes,
        recognitions=[a for a in recognition.my_applications(current_user) if a.status == "approved"],
        claims=[c for c in prior.my_claims(current_user) if c.status == "approved"],
        credentials=credentials,
        links=links,
        printed_at=datetime.now(UTC),
        qr={c.id: qr_svg(links[c.id], _("Scan to check this credential")) for c in credentials},
        can_print=font_path() is not None,
    )


@role_required("worker")
def credential_certificate(cid):
    """The printable certificate of one of my credentials, as a PDF."""
    return _credential_file(cid, certificate_pdf, "application/pdf", "pdf")


@role_required("worker")
def credential_picture(cid):
    """The share picture of one of my credentials, as a PNG to send in a chat."""
    return _credential_file(cid, share_picture, "image/png", "png")


def _credential_file(cid, draw, mime, extension):
    """One of my credentials drawn by `draw` (a PDF or a picture); back to the transcript if it cannot be."""
    found = holder_credential(current_user, cid)
    try:
        data = draw(found, current_user.name, credential_url(found))
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("recognition.transcript"))
    return _own_file(data, mime, f"certificate-{found.uuid}.{extension}")


def _own_file(data, mime, name):
    return Response(
        data,
        mimetype=mime,
        headers={"Content-Disposition": f'inline; filename="{name}"', "Cache-Control": "private, no-store"},
    )


def home_nearest(user):
    """The home page's section: the pathway I am nearest to, kept until what it measures changes."""
    versions = recognition.offered_version_ids(user)
    if not versions:
        return {"card": ""}
    # progress_stamp names what the card is measured from; a rule may count only the last years,
    # so the day is part of the name too.
    parts = (user.id, versions, recognition.progress_stamp(user), datetime.now(UTC).date(), current_language())

    def card():
        return render_template("recognition/_home_nearest.html", nearest=recognition.nearest_pathway(user))

    return {"card": fragment("home-nearest", parts, card, VISIT_SECONDS)}


def completed_course_credential(user, course):
    """Beside "course completed": the credential it earned, if any."""
    credential = course_credential_of(user, course)
    return {"credential": credential} if credential is not None else None
