"""A forgotten password: a code by SMS to the account's phone, then a new password; and the
activation link a worker opened in bulk gets by SMS."""

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user

from learnhub.accounts import recovery
from learnhub.accounts.forms import ActivateForm, ForgotForm, RegisterCodeForm, ResetForm
from learnhub.core.errors import DomainError
from learnhub.core.forms import apply_error, refuse
from learnhub.core.i18n import gettext as _
from learnhub.core.text import normalise_phone
from learnhub.extensions import db, limiter


def _phone_key():
    # Keyed on the number as it will be looked up, however it was typed (and whether or not
    # it has an account: the limit must not tell).
    try:
        return f"reset:phone:{normalise_phone(request.form.get('phone', ''))}"
    except DomainError:
        return f"reset:phone:typed:{request.form.get('phone', '')[:20]}"


@limiter.limit(lambda: current_app.config["RESET_LIMIT_PER_PHONE"], key_func=_phone_key, methods=["POST"])
@limiter.limit(lambda: current_app.config["RESET_LIMIT_PER_ADDRESS"], methods=["POST"])
def forgot_password():
    if current_user.is_authenticated:
        return redirect(url_for("accounts.password"))
    form = ForgotForm()
    if form.validate_on_submit():
        try:
            phone = recovery.request_password_reset(form.phone.data)
        except DomainError as error:
            refuse(form, error)
        else:
            db.session.commit()
            session["reset_phone"] = phone
            # The same words whether or not the number has an account.
            flash(
                _("If an account uses this number, a code is on its way by SMS. It is valid for 10 minutes."), "success"
            )
            return redirect(url_for("accounts.reset_password"))
    return render_template("accounts/forgot.html", form=form)


@limiter.limit(lambda: current_app.config["RESET_LIMIT_PER_ADDRESS"], methods=["POST"])
def reset_password():
    if current_user.is_authenticated:
        return redirect(url_for("accounts.password"))
    form = ResetForm(phone=session.get("reset_phone", ""))
    if form.validate_on_submit():
        try:
            recovery.reset_password(form.phone.data, form.code.data, form.password.data)
        except DomainError as error:
            if error.field == "code":
                db.session.commit()  # a wrong code counts as one of its tries
            else:
                db.session.rollback()
            apply_error(form, error)
        else:
            db.session.commit()
            session.pop("reset_phone", None)
            flash(_("Your password is set. Log in with it now."), "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/reset.html", form=form)


def activate(token):
    user = recovery.user_to_activate(token)
    form = ActivateForm()
    if form.validate_on_submit():
        try:
            recovery.activate(token, form.password.data)
        except DomainError as error:
            refuse(form, error)
        else:
            db.session.commit()
            flash(_("Your password is set. Log in with your mobile number and the new password."), "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/activate.html", form=form, person=user)


@limiter.limit(lambda: current_app.config["RESET_LIMIT_PER_PHONE"], key_func=_phone_key, methods=["POST"])
@limiter.limit(lambda: current_app.config["RESET_LIMIT_PER_ADDRESS"], methods=["POST"])
def register_code():
    if not current_app.config["PHONE_VERIFICATION"]:
        abort(404)
    form = RegisterCodeForm()
    if form.validate_on_submit():
        try:
            phone = recovery.send_registration_code(form.phone.data)
        except DomainError as error:
            refuse(form, error)
        else:
            db.session.commit()
            session["register_phone"] = phone
            flash(_("A code is on its way to %(phone)s by SMS. Enter it below with the rest.", phone=phone), "success")
            return redirect(url_for("accounts.register"))
    from learnhub.accounts.forms import RegisterForm

    return render_template("accounts/register.html", form=RegisterForm(formdata=None), code_form=form), 400
