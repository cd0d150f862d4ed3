"""The people screens of union admins: everyone in my union and the unions below it."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from learnhub.accounts import services as accounts
from learnhub.accounts import twofactor
from learnhub.accounts.forms import ConfirmForm, MoveForm, PeopleFilterForm, RoleForm
from learnhub.core.errors import DomainError, NotFound
from learnhub.core.forms import apply_error, as_choices, refuse, run_action
from learnhub.core.i18n import gettext as _
from learnhub.core.inputs import page_number, query_args
from learnhub.core.permissions import role_required
from learnhub.extensions import db
from learnhub.orgs.services import OrgChoiceNeeded, choose_org, get_org_in_scope, org_label


def _person_or_404(user_id):
    return accounts.get_person_in_scope(current_user, user_id)


@role_required("admin")
def people():
    form = PeopleFilterForm(request.args)
    form.validate()
    org = None
    if request.args.get("org"):
        try:
            org = get_org_in_scope(request.args.get("org"), current_user.org)
        except NotFound:
            org = None
    stmt = accounts.people_query(
        current_user,
        text=form.q.data,
        union_text=form.union.data,
        org=org,
        role=form.role.data,
        occupation=form.occupation.data,
        skill_level=form.skill_level.data,
    )
    page = db.paginate(stmt, page=page_number(), per_page=current_app.config["PEOPLE_PER_PAGE"], error_out=False)
    args = query_args("page")
    return render_template("accounts/people.html", form=form, page=page, org=org, args=args)


def _render_person(person, role_form=None, move_form=None, status=200, new_password=None):
    role_form = role_form or RoleForm(role=person.role)
    move_form = move_form or MoveForm()
    return render_template(
        "accounts/person.html",
        person=person,
        role_form=role_form,
        move_form=move_form,
        confirm_form=ConfirmForm(),
        org_label=org_label,
        new_password=new_password,
        two_factor=twofactor.get_two_factor(person),
    ), status


@role_required("admin")
def person(user_id):
    return _render_person(_person_or_404(user_id))


@role_required("admin")
def person_role(user_id):
    person = _person_or_404(user_id)
    form = RoleForm()
    if form.validate_on_submit():
        try:
            changed = accounts.change_role(current_user, person, form.role.data)
        except DomainError as error:
            refuse(form, error)
        else:
            db.session.commit()
            flash(_("%(name)s is now: %(role)s.", name=changed.name, role=changed.role_label), "success")
            return redirect(url_for("accounts.person", user_id=person.id))
    return _render_person(person, role_form=form, status=400)


@role_required("admin")
def person_union(user_id):
    person = _person_or_404(user_id)
    form = MoveForm()
    if form.validate_on_submit():
        kinds = {"enterprise"} if person.role == "worker" else None
        try:
            org = choose_org(form.org_id.data, form.org_query.data, current_user.org, kinds)
            accounts.move_person(current_user, person, org.id)
        except OrgChoiceNeeded as error:
            form.org_id.choices = as_choices((o.id, org_label(o)) for o in error.candidates)
            apply_error(form, error)
        except DomainError as error:
            db.session.rollback()
            apply_error(form, error)
        else:
            db.session.commit()
            flash(_("%(name)s now belongs to %(union)s.", name=person.name, union=person.org.name), "success")
            return redirect(url_for("accounts.person", user_id=person.id))
    return _render_person(person, move_form=form, status=400)


@role_required("admin")
def person_active(user_id):
    person = _person_or_404(user_id)
    form = ConfirmForm()
    target = url_for("accounts.person", user_id=person.id)
    if not form.validate_on_submit():
        return redirect(target)
    active = request.form.get("active") == "1"
    return run_action(
        lambda: accounts.set_active(current_user, person, active),
        _("%(name)s can log in again.", name=person.name)
        if active
        else _("%(name)s is deactivated and has been logged out everywhere.", name=person.name),
        target,
    )


@role_required("admin")
def person_password(user_id):
    person = _person_or_404(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        password = accounts.reset_password(current_user, person)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("accounts.person", user_id=person.id))
    db.session.commit()
    # Shown once, in this response only: never in a flash message, which lives in the cookie.
    response, status = _render_person(person, new_password=password)
    return response, status, {"Cache-Control": "no-store"}


@role_required("admin")
def person_two_factor(user_id):
    person = _person_or_404(user_id)
    target = url_for("accounts.person", user_id=person.id)
    if not ConfirmForm().validate_on_submit():
        return redirect(target)
    return run_action(
        lambda: twofactor.reset_two_factor(current_user, person),
        _(
            "%(name)s signs in with their password again, and has been logged out everywhere.",
            name=person.name,
        ),
        target,
    )
