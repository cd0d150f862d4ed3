"""Personal API tokens on the profile page: made (the secret shown once) and revoked by their owner."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from learnhub.api import services
from learnhub.api.forms import RevokeForm, TokenForm
from learnhub.core.errors import DomainError
from learnhub.core.forms import refuse
from learnhub.core.i18n import gettext as _
from learnhub.extensions import db


def _form(**kwargs):
    return TokenForm(scopes=services.PERSONAL_SCOPES.items(), **kwargs)


def profile_section(**_values):
    """The profile page's slot: my tokens, the form for a new one."""
    return {
        "tokens": services.tokens_of(current_user),
        "form": _form(),
        "revoke_form": RevokeForm(),
        "scope_labels": services.PERSONAL_SCOPES,
    }


@login_required
def tokens():
    form = _form()
    if form.validate_on_submit():
        try:
            token, secret = services.create_personal_token(current_user, form.name.data, form.scopes.data)
        except DomainError as error:
            refuse(form, error)
        else:
            db.session.commit()
            # Shown once, on this page only: it is kept hashed and can never be read again.
            return render_template("api/token_created.html", token=token, secret=secret)
    return render_template(
        "api/tokens.html",
        form=form,
        tokens=services.tokens_of(current_user),
        revoke_form=RevokeForm(),
        scope_labels=services.PERSONAL_SCOPES,
    )


@login_required
def revoke(token_id):
    form = RevokeForm()
    if not form.validate_on_submit():
        return redirect(url_for("accounts.profile"))
    token = services.revoke_personal_token(current_user, token_id)
    db.session.commit()
    flash(_("The token “%(name)s” is revoked: apps using it can no longer sign in.", name=token.name), "success")
    return redirect(url_for("accounts.profile"))
