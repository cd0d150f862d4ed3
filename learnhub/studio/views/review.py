"""Publication review (审核): the admins' queue, a course's changes, approve or return it."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from learnhub.core.errors import DomainError
from learnhub.core.forms import refuse
from learnhub.core.i18n import gettext as _
from learnhub.core.permissions import role_required
from learnhub.extensions import db
from learnhub.studio import publishing, review
from learnhub.studio.forms import ActionForm, ReturnForm
from learnhub.studio.services import get_draft
from learnhub.studio.views.common import check_form


@role_required("admin")
def reviews():
    return render_template("studio/reviews.html", rows=review.review_queue(current_user))


def _page(course, pending, form, status=200):
    return render_template(
        "studio/review.html",
        course=course,
        draft=get_draft(course),
        pending=pending,
        changes=review.changes(course),
        problems=publishing.problems(course),
        form=ActionForm(),
        return_form=form,
    ), status


@role_required("admin")
def review_page(slug):
    course, pending = review.get_review(current_user, slug)
    return _page(course, pending, ReturnForm())


@role_required("admin")
def approve(slug):
    course, pending = review.get_review(current_user, slug)
    check_form()
    try:
        number = publishing.approve(current_user, course, pending)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("studio.review_page", slug=course.slug))
    db.session.commit()
    flash(_("Approved: version %(number)d of “%(title)s” is live.", number=number, title=course.title), "success")
    return redirect(url_for("studio.reviews"))


@role_required("admin")
def return_course(slug):
    course, pending = review.get_review(current_user, slug)
    form = ReturnForm()
    if form.validate_on_submit():
        try:
            publishing.return_for_changes(current_user, course, pending, form.reason.data)
        except DomainError as error:
            refuse(form, error)
        else:
            db.session.commit()
            flash(_("Returned to the trainer with your reason."), "success")
            return redirect(url_for("studio.reviews"))
    return _page(course, pending, form, 400)
