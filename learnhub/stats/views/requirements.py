"""Required courses: mark one for my union's subtree, see who has finished, chase who has not."""

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from learnhub.accounts.forms import ConfirmForm
from learnhub.core import tasks
from learnhub.core.errors import DomainError
from learnhub.core.forms import as_choices, refuse
from learnhub.core.i18n import day_text, ngettext
from learnhub.core.i18n import gettext as _
from learnhub.core.inputs import page_number
from learnhub.core.permissions import role_required
from learnhub.extensions import db
from learnhub.stats import required, sheets
from learnhub.stats.forms import RemindForm, RequireForm
from learnhub.stats.rollups import today
from learnhub.stats.views.common import drill, scoped_org, tab_context


def _require_form(form=None):
    form = form or RequireForm()
    form.course.choices = as_choices(
        [("", _("Choose a course"))]
        + [
            (course.id, f"{course.title} · {course.category_label}")
            for course in required.courses_to_require(current_user)
        ]
    )
    return form


def _render_list(org, form=None, status=200):
    context = tab_context(org, "required")
    requirements = required.requirements_for(org)
    context.update(
        requirements=requirements,
        today=today(),
        confirm=ConfirmForm(),
        form=_require_form(form) if org.id == current_user.org_id else None,
        progress={
            r.id: sheets.required_table(
                org, r, required.progress_by_child(db.session, org, r), drill(context["period"], "stats.required_list")
            )
            for r in requirements
        },
    )
    return render_template("stats/required.html", **context), status


@role_required("admin")
def required_list(org_id):
    return _render_list(scoped_org(org_id))


@role_required("admin")
def required_add():
    org = current_user.org
    form = _require_form()
    if form.validate_on_submit():
        try:
            requirement = required.require_course(
                current_user,
                form.course.data,
                form.due_on.data,
                today(),
                occupations=form.occupations.data or [],
                skill_levels=form.skill_levels.data or [],
            )
        except DomainError as error:
            refuse(form, error)
        else:
            db.session.commit()
            tasks.enqueue(required.tell_the_asked, requirement.id)
            flash(
                _(
                    "“%(course)s” is now required in %(union)s by %(date)s.",
                    course=requirement.course.title,
                    union=org.name,
                    date=day_text(requirement.due_on),
                ),
                "success",
            )
            return redirect(url_for("stats.required_list", org_id=org.id))
    return _render_list(org, form, 400)


@role_required("admin")
def required_remove(requirement_id):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    requirement = required.remove_requirement(current_user, requirement_id)
    db.session.commit()
    flash(_("“%(course)s” is no longer required.", course=requirement.course.title), "success")
    return redirect(url_for("stats.required_list", org_id=current_user.org_id))


def _render_detail(org, requirement, remind=None, status=200):
    context = tab_context(org, "required")
    page = db.paginate(
        required.not_finished_query(org, requirement),
        page=page_number(),
        per_page=current_app.config.get("PEOPLE_PER_PAGE", 25),
        error_out=False,
    )
    started = required.started_ids(db.session, requirement, [user.id for user in page.items])
    context.update(
        requirement=requirement,
        page=page,
        today=today(),
        progress=sheets.required_table(
            org,
            requirement,
            required.progress_by_child(db.session, org, requirement),
            lambda child: url_for("stats.required_detail", org_id=child.id, requirement_id=requirement.id),
        ),
        missing=sheets.missing_table(requirement, [(user, user.org.name, user.id in started) for user in page.items]),
        remind=remind or RemindForm(formdata=None),
        people=[user.id for user in page.items],
    )
    return render_template("stats/required_detail.html", **context), status


@role_required("admin")
def required_detail(org_id, requirement_id):
    org = scoped_org(org_id)
    return _render_detail(org, required.get_requirement(org, requirement_id))


@role_required("admin")
def required_remind(org_id, requirement_id):
    org = scoped_org(org_id)
    requirement = required.get_requirement(org, requirement_id)
    form = RemindForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        flash(form.people.errors[0], "error")
        return _render_detail(org, requirement, form, 400)
    people = form.chosen
    try:
        reminder = required.remind(current_user, org, requirement, today(), people=people)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _render_detail(org, requirement, form, 400)
    db.session.commit()
    tasks.enqueue(required.send_reminder, reminder.id)
    if people:
        flash(
            ngettext(
                "The reminder is on its way to the %(num)d worker you ticked.",
                "The reminder is on its way to the %(num)d workers you ticked.",
                len(people),
            ),
            "success",
        )
    else:
        flash(_("The reminder is on its way to everyone here who has not finished."), "success")
    return redirect(url_for("stats.required_detail", org_id=org.id, requirement_id=requirement.id))
