"""What strangers may open: a credential's page, its JSON and VC-JWT, its status, the status lists, our keys."""

from flask import current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from learnhub.core.errors import DomainError, NotFound
from learnhub.core.forms import apply_error, refuse
from learnhub.core.i18n import gettext as _
from learnhub.core.qr import qr_svg
from learnhub.extensions import db, limiter
from learnhub.recognition import credentials as creds
from learnhub.recognition import status_list
from learnhub.recognition.certificate import font_path
from learnhub.recognition.forms import ReasonForm, VerifyForm
from learnhub.recognition.signing import did_document, did_web, jwks, sign_credential, sign_status_list, verify_token
from learnhub.recognition.views.common import base_url, credential_url

PUBLIC_LIMIT = "120 per minute"


# What verifiers (a college's or an employer's software) may fetch from their own pages.
OPEN_TO_OTHER_SITES = (
    "recognition.credential_json",
    "recognition.credential_jwt",
    "recognition.credential_status",
    "recognition.jwks_json",
    "recognition.status_list_jwt",
    "recognition.did_json",
    "recognition.did_json_at_path",
)
# How long a verifier may keep a status list: a revocation reaches every verifier within it.
STATUS_LIST_MAX_AGE = 300


def open_to_other_sites(response):
    """After a request to the recognition pages: let other sites read the machine-readable ones."""
    if request.endpoint in OPEN_TO_OTHER_SITES:
        response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _missing():
    return render_template("recognition/credential_missing.html"), 404


def _json_missing():
    return jsonify({"error": "not_found", "message": _("No credential has this number.")}), 404


def _revoked(found):
    # A revoked credential is no longer handed out signed: a fresh token would look valid offline.
    return jsonify(creds.status_of(found)), 410


@limiter.limit(PUBLIC_LIMIT)
def credential(cid, form=None, status=200):
    try:
        found = creds.get_credential(cid)
    except NotFound:
        return _missing()
    url = credential_url(found)
    return render_template(
        "recognition/credential.html",
        credential=found,
        holder=creds.mask_name(found.user.name),
        url=url,
        qr=qr_svg(url, _("QR code of this page")),
        form=form or (ReasonForm() if creds.can_revoke(current_user, found) else None),
        status_list=status_list.list_number(found.status_index),
        by_union=found.issuer_name != creds.issuer_name(),
        is_holder=not found.is_revoked and getattr(current_user, "id", None) == found.user_id,
        can_print=font_path() is not None,
    ), status


@limiter.limit(PUBLIC_LIMIT)
def credential_json(cid):
    try:
        found = creds.get_credential(cid)
    except NotFound:
        return _json_missing()
    if found.is_revoked:
        return _revoked(found)
    response = jsonify(creds.open_badge(found, base_url()))
    response.mimetype = "application/vc+ld+json" if request.args.get("ld") else "application/json"
    return response


@limiter.limit(PUBLIC_LIMIT)
def credential_jwt(cid):
    try:
        found = creds.get_credential(cid)
    except NotFound:
        return _json_missing()
    if found.is_revoked:
        return _revoked(found)
    token = sign_credential(creds.open_badge(found, base_url()))
    return current_app.response_class(token, mimetype="application/jwt")


@limiter.limit(PUBLIC_LIMIT)
def credential_status(cid):
    try:
        found = creds.get_credential(cid)
    except NotFound:
        return _json_missing()
    return jsonify(creds.status_of(found))


def revoke(cid):
    try:
        found = creds.get_credential(cid)
    except NotFound:
        return _missing()
    form = ReasonForm()
    if not creds.can_revoke(current_user, found):
        return _missing()
    if form.validate_on_submit():
        try:
            creds.revoke(current_user, found, form.reason.data)
        except DomainError as error:
            refuse(form, error)
        else:
            db.session.commit()
            flash(_("The credential is revoked. Everyone who checks it now sees why."), "success")
            return redirect(url_for("recognition.credential", cid=found.uuid))
    return credential(cid, form=form, status=400)


@limiter.limit("30 per minute", methods=["POST"])
def verify():
    """Anyone may paste a signed credential and learn whether to trust it."""
    form = VerifyForm()
    result = None
    if form.validate_on_submit():
        try:
            claims = verify_token(form.token.data, base_url())
            found = creds.get_credential(str(claims.get("jti", "")).rsplit("/", 1)[-1])
        except NotFound:
            apply_error(form, DomainError(_("The signature is ours, but no such credential exists any more."), "token"))
        except DomainError as error:
            apply_error(form, error)
        else:
            result = found
    status = 400 if form.errors or form.form_errors else 200
    return render_template(
        "recognition/verify.html",
        form=form,
        result=result,
        holder=creds.mask_name(result.user.name) if result else None,
    ), status


def jwks_json():
    response = jsonify(jwks())
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response


@limiter.limit(PUBLIC_LIMIT)
def status_list_jwt(number):
    if not 1 <= number <= status_list.list_count():
        return _json_missing()
    listed = status_list.status_list_credential(number, base_url(), did_web(base_url()))
    response = current_app.response_class(sign_status_list(listed), mimetype="application/vc+jwt")
    response.cache_control.public = True
    response.cache_control.max_age = STATUS_LIST_MAX_AGE
    return response


def did_json():
    response = jsonify(did_document(base_url()))
    response.mimetype = "application/did+json"
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response
