"""Co-trainers: the owner (or a union admin) lets other trainers edit a course."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from learnhub.core.errors import DomainError
from learnhub.core.forms import apply_error, run_action
from learnhub.core.i18n import gettext as _
from learnhub.core.permissions import role_required
from learnhub.extensions import db
from learnhub.studio import services as studio
from learnhub.studio.forms import ActionForm, EditorForm
from learnhub.studio.views.common import STUDIO, check_form, course_or_404


@role_required(*STUDIO)
def editors(slug):
    course = course_or_404(slug)
    form = EditorForm()
    status = 200
    if form.validate_on_submit():
        try:
            other = studio.add_editor(current_user, course, form.username.data)
        except DomainError as error:
            db.session.rollback()
            apply_error(form, error)
            status = 400
        else:
            db.session.commit()
            flash(_("%(name)s can now edit this course.", name=other.name), "success")
            return redirect(url_for("studio.editors", slug=course.slug))
    return render_template(
        "studio/editors.html",
        course=course,
        form=form,
        action_form=ActionForm(),
        editors=studio.editors(course),
        draft=studio.get_draft(course),
        can_manage=studio.can_manage_editors(current_user, course),
    ), status


@role_required(*STUDIO)
def remove_editor(slug, user_id):
    course = course_or_404(slug)
    check_form()
    return run_action(
        lambda: studio.remove_editor(current_user, course, user_id),
        _("The co-trainer is removed."),
        url_for("studio.editors", slug=course.slug),
    )
