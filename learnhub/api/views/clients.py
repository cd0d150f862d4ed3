"""Union admins' page of their systems' API clients: made (the secret shown once) and revoked."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from learnhub.accounts.services import scope_orgs
from learnhub.api import unions
from learnhub.api.forms import ClientForm, RevokeForm
from learnhub.core.errors import DomainError
from learnhub.core.forms import as_choices, refuse
from learnhub.core.i18n import gettext as _
from learnhub.core.permissions import role_required
from learnhub.extensions import db

PARENT_KINDS = ("national", "province", "city", "industry")


def _form():
    form = ClientForm(scopes=unions.UNION_SCOPES.items())
    # A system serves a federation or an industry union, not one enterprise: those are listed.
    unions_above_enterprises = db.session.scalars(scope_orgs(current_user, kinds=PARENT_KINDS).limit(500))
    form.org_id.choices = as_choices((org.id, org.name) for org in unions_above_enterprises)
    return form


@role_required("admin")
def clients():
    form = _form()
    if form.validate_on_submit():
        try:
            client, secret = unions.create_client(current_user, form.name.data, form.org_id.data, form.scopes.data)
        except DomainError as error:
            refuse(form, error)
        else:
            db.session.commit()
            return render_template("api/client_created.html", client=client, secret=secret)
    return render_template(
        "api/clients.html",
        form=form,
        clients=unions.clients_of(current_user),
        revoke_form=RevokeForm(),
        scope_labels=unions.UNION_SCOPES,
    )


@role_required("admin")
def revoke_client(client_pk):
    if not RevokeForm().validate_on_submit():
        return redirect(url_for("api.clients"))
    client = unions.revoke_client(current_user, client_pk)
    db.session.commit()
    flash(_("The client “%(name)s” is revoked, and its tokens with it.", name=client.name), "success")
    return redirect(url_for("api.clients"))
