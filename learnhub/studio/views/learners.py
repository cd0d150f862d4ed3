"""Trainers see their learners: per course, filterable by union, exportable as CSV."""

from flask import Response, render_template, request
from flask_login import current_user

from learnhub.core.forms import as_choices
from learnhub.core.i18n import gettext as _
from learnhub.core.inputs import page_number
from learnhub.core.permissions import role_required
from learnhub.core.tables import csv_for_excel
from learnhub.orgs.services import org_label
from learnhub.studio import learners
from learnhub.studio.forms import LearnersFilterForm
from learnhub.studio.views.common import STUDIO, course_or_404

PER_PAGE = 50


def _filter(course):
    form = LearnersFilterForm(request.args)
    orgs = learners.learner_orgs(course, current_user.org)
    form.org.choices = as_choices([("", _("All unions"))] + [(o.id, org_label(o)) for o in orgs])
    chosen = {str(o.id): o for o in orgs}.get(form.org.data or "")
    return form, chosen


@role_required(*STUDIO)
def learners_page(slug):
    course = course_or_404(slug)
    form, org = _filter(course)
    page = learners.learners_page(course, current_user.org, org, page_number(), PER_PAGE)
    args = {"org": org.id} if org else {}
    summary = learners.summary(course, org)
    return render_template(
        "studio/learners.html",
        course=course,
        form=form,
        org=org,
        page=page,
        args=args,
        summary=summary,
        # Counted above, not named: learners of unions outside the viewer's own subtree.
        outside=summary["enrolled"] - page.total,
        modules=learners.module_progress(course, org),
        items=learners.item_analysis(course, org),
    )


@role_required(*STUDIO)
def learners_csv(slug):
    course = course_or_404(slug)
    _form, org = _filter(course)
    body = csv_for_excel(learners.learners_csv_rows(course, current_user.org, org))
    name = f"{course.slug}-learners.csv"
    return Response(
        body,
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )
