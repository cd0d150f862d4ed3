"""My data and my consent: see, download, withdraw, delete (PIPL)."""

import json

from flask import Response, current_app, flash, redirect, render_template, session, url_for
from flask_login import current_user, login_required, logout_user

from learnhub.accounts import services as accounts
from learnhub.accounts.forms import ConfirmForm, DeleteAccountForm
from learnhub.core.errors import DomainError
from learnhub.core.forms import apply_error
from learnhub.core.i18n import gettext as _
from learnhub.extensions import db


def _notice_version():
    return current_app.config["PRIVACY_NOTICE_VERSION"]


@login_required
def my_privacy():
    return render_template(
        "accounts/my_privacy.html",
        consents=accounts.consent_history(current_user),
        version=_notice_version(),
        form=ConfirmForm(),
        delete_form=DeleteAccountForm(),
    )


@login_required
def my_data():
    data = accounts.export_personal_data(current_user)
    body = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="learnhub-my-data.json"', "Cache-Control": "no-store"},
    )


@login_required
def consent():
    form = ConfirmForm()
    if form.validate_on_submit():
        accounts.record_consent(current_user, _notice_version())
        db.session.commit()
        session["consent"] = _notice_version()
        flash(_("Thank you. You can go on learning."), "success")
        return redirect(url_for("home.index"))
    return render_template("accounts/consent.html", form=form, version=_notice_version())


@login_required
def withdraw_consent():
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("accounts.my_privacy"))
    accounts.withdraw_consent(current_user)
    db.session.commit()
    logout_user()
    session.clear()
    flash(
        _(
            "Your consent is withdrawn and you have been logged out everywhere. "
            "Your data is kept until you delete your account; log in again to consent anew."
        ),
        "info",
    )
    return redirect(url_for("home.index"))


@login_required
def delete_account():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            accounts.erase_account(current_user, form.password.data)
        except DomainError as error:
            apply_error(form, error)
        else:
            db.session.commit()
            logout_user()
            session.clear()
            return render_template("accounts/deleted.html")
    return render_template(
        "accounts/my_privacy.html",
        consents=accounts.consent_history(current_user),
        version=_notice_version(),
        form=ConfirmForm(),
        delete_form=form,
    ), 400
