"""Pathway keeping, for admins of national and provincial federations. Saving writes a version."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from learnhub.core.errors import DomainError
from learnhub.core.forms import refuse
from learnhub.core.hours import hours_text
from learnhub.core.i18n import gettext as _
from learnhub.core.permissions import role_required
from learnhub.extensions import db
from learnhub.recognition import pathways as keeping
from learnhub.recognition.forms import ActionForm, PathwayForm
from learnhub.recognition.rules import courses_for


def _keeper_only():
    if not keeping.can_keep_pathways(current_user):
        abort(404)


def _kept_or_404(pathway_id):
    return keeping.get_kept_pathway(current_user, pathway_id)


def _render_form(form, pathway=None, version=None, status=200):
    return render_template(
        "recognition/manage_form.html",
        form=form,
        pathway=pathway,
        version=version,
        catalogue=keeping.course_choices(current_user),
        history=keeping.versions_of(pathway) if pathway else [],
    ), status


def _plain(number):
    """2.00 -> '2', 1.50 -> '1.5': numbers as an admin would type them."""
    return format(number.normalize(), "f")


def _form_from(version):
    target = version.target
    return PathwayForm(
        base_version=str(version.version),
        title=version.title,
        summary=version.summary,
        target_kind=target.kind,
        institution=target.institution,
        programme=target.programme,
        course_name=target.course_name,
        occupation=target.occupation or "",
        level=target.level or "",
        target_credits=_plain(target.credits) if target.credits else "",
        target_hours=hours_text(target.minutes) if target.minutes else "",
        required_courses="\n".join(" | ".join(group) for group in version.required_courses or []),
        min_credits=_plain(version.min_credits) if version.min_credits else "",
        min_hours=hours_text(version.min_minutes) if version.min_minutes else "",
        categories=list(version.categories or []),
        occupations=list(version.occupations or []),
        within_years=str(version.within_years or ""),
        counts_prior_learning=version.counts_prior_learning,
        cap=_plain(version.cap) if version.cap is not None else "",
        placing_stage=(version.placing or {}).get("stage") or "",
        placing_occupation=(version.placing or {}).get("occupation") or "",
        placing_top=str((version.placing or {}).get("top") or ""),
        placing_percent=str((version.placing or {}).get("percent") or ""),
    )


def _values(form):
    return dict(
        title=form.title.data,
        summary=form.summary.data,
        target_kind=form.target_kind.data,
        institution=form.institution.data,
        programme=form.programme.data,
        course_name=form.course_name.data,
        occupation=form.occupation.data or None,
        level=form.level.data or None,
        target_credits=form.target_credits.data,
        target_hours=form.target_hours.data,
        required_courses=form.required_courses.data,
        min_credits=form.min_credits.data,
        min_hours=form.min_hours.data,
        categories=form.categories.data or [],
        occupations=form.occupations.data or [],
        within_years=form.within_years.data,
        counts_prior_learning=form.counts_prior_learning.data,
        cap=form.cap.data,
        placing_stage=form.placing_stage.data,
        placing_occupation=form.placing_occupation.data,
        placing_top=form.placing_top.data,
        placing_percent=form.placing_percent.data,
    )


@role_required("admin")
def manage_pathways():
    _keeper_only()
    rows = db.session.execute(keeping.kept_pathways_query(current_user)).all()
    return render_template(
        "recognition/manage_list.html", rows=rows, form=ActionForm(), courses=courses_for([v for _p, v in rows])
    )


@role_required("admin")
def new_pathway():
    _keeper_only()
    form = PathwayForm()
    if request.method == "GET":
        form.within_years.data = "3"
    if form.validate_on_submit():
        try:
            version = keeping.save_pathway(current_user, **_values(form))
        except DomainError as error:
            refuse(form, error)
        else:
            db.session.commit()
            flash(_("The pathway is saved and offered to the workers of your union."), "success")
            return redirect(url_for("recognition.edit_pathway", pathway_id=version.pathway_id))
    return _render_form(form, status=400 if form.errors or form.form_errors else 200)


@role_required("admin")
def edit_pathway(pathway_id):
    pathway, version = _kept_or_404(pathway_id)
    if request.method == "GET":
        return _render_form(_form_from(version), pathway, version)
    form = PathwayForm()
    if form.validate_on_submit():
        try:
            new = keeping.save_pathway(current_user, pathway, base_version=form.base_version.data, **_values(form))
        except DomainError as error:
            refuse(form, error)
        else:
            db.session.commit()
            flash(
                _("Saved as version %(version)d. Decisions already made stay as they were.", version=new.version),
                "success",
            )
            return redirect(url_for("recognition.edit_pathway", pathway_id=pathway.id))
    return _render_form(form, pathway, version, 400)


@role_required("admin")
def pathway_active(pathway_id):
    pathway, _version = _kept_or_404(pathway_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    active = request.form.get("active") == "1"
    keeping.set_active(current_user, pathway, active)
    db.session.commit()
    flash(
        _("The pathway is offered to workers again.")
        if active
        else _("The pathway is no longer offered. Applications already sent are still reviewed."),
        "success",
    )
    return redirect(url_for("recognition.manage_pathways"))
