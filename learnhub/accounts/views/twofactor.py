"""My two-step sign-in: set it up with a QR code, recovery codes, a new phone, turning it off."""

from flask import current_app, flash, redirect, render_template, session, url_for
from flask_login import current_user, login_required

from learnhub.accounts import twofactor
from learnhub.accounts.forms import CodeForm, ConfirmForm
from learnhub.core.errors import DomainError
from learnhub.core.forms import refuse
from learnhub.core.i18n import gettext as _
from learnhub.core.qr import qr_svg
from learnhub.extensions import db, limiter

_NO_STORE = {"Cache-Control": "no-store"}

# Guessing codes from a signed-in session (to make new recovery codes, or to turn it off) is held
# back like guessing them at login: failures count toward the same per-account limit.
_per_account = limiter.shared_limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"],
    "login-account",
    key_func=lambda: f"login:user:{getattr(current_user, 'id', None)}",
    methods=["POST"],
    deduct_when=lambda response: response.status_code == 400,
)


def _render(form=None, status=200):
    secret = twofactor.pending_secret(current_user)
    qr = None
    if secret is not None:
        qr = qr_svg(twofactor.setup_uri(current_user, secret), _("QR code for your authenticator app"))
    return render_template(
        "accounts/two_factor.html",
        row=twofactor.get_two_factor(current_user),
        secret=secret,
        qr=qr,
        form=form or CodeForm(),
        confirm_form=ConfirmForm(),
        is_required=twofactor.is_required(current_user),
        codes_left=twofactor.recovery_codes_left(current_user),
    ), status


def _show_codes(codes):
    # Shown once, in this response only (never in a flash message, which lives in the cookie).
    text = "\r\n".join([_("LearnHub recovery codes for %(login)s", login=current_user.login), "", *codes, ""])
    page = render_template("accounts/recovery_codes.html", codes=codes, text=text)
    return page, 200, _NO_STORE


@login_required
def two_factor():
    return _render()


@login_required
def two_factor_setup():
    if ConfirmForm().validate_on_submit():
        twofactor.start_setup(current_user)
        db.session.commit()
    return redirect(url_for("accounts.two_factor"))


def _new_recovery_codes(service):
    """A code from the app, then `service(user, code)` makes recovery codes, shown once."""
    form = CodeForm()
    if form.validate_on_submit():
        try:
            codes = service(current_user, form.code.data)
        except DomainError as error:
            refuse(form, error)
        else:
            db.session.commit()
            session["two_factor"] = True
            return _show_codes(codes)
    return _render(form, 400)


@login_required
def two_factor_confirm():
    return _new_recovery_codes(twofactor.confirm_setup)


@login_required
@_per_account
def two_factor_codes():
    return _new_recovery_codes(twofactor.regenerate_recovery_codes)


@login_required
@_per_account
def two_factor_disable():
    form = CodeForm()
    if form.validate_on_submit():
        try:
            twofactor.disable(current_user, form.code.data)
        except DomainError as error:
            refuse(form, error)
        else:
            db.session.commit()
            flash(_("Two-step sign-in is off. You sign in with your password alone."), "success")
            return redirect(url_for("accounts.two_factor"))
    return _render(form, 400)
