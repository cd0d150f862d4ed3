from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from learnhub.catalog.hours import current_rule
from learnhub.catalog.models import MODULE_KINDS
from learnhub.core.errors import DomainError
from learnhub.core.forms import apply_error, as_choices, refuse, run_action
from learnhub.core.i18n import gettext as _
from learnhub.core.permissions import role_required
from learnhub.extensions import db
from learnhub.orgs.models import Org
from learnhub.studio import modules as authoring
from learnhub.studio import publishing, review
from learnhub.studio import services as studio
from learnhub.studio.forms import ActionForm, CourseForm, LessonForm, ModuleForm, NewCourseForm, QuizForm
from learnhub.studio.media import course_uploads
from learnhub.studio.views.common import STUDIO, check_form, course_or_404, describe_removed, preview_html


def _audience_choices(form, org_id):
    org = db.session.get(Org, org_id) if org_id else None
    form.audience.choices = as_choices(
        [("", _("Everyone"))]
        + [
            (o.id, _("Members of %(union)s and the unions below it", union=o.name))
            for o in studio.audience_choices(org)
        ]
    )


def _with_the_rule(form):
    """Say the deployment's hours rule beside the course's credits and hours."""
    rule = current_rule()
    form.hours.description = _(
        "Learning hours (学时) of %(minutes)d minutes: at most the modules' minutes together.",
        minutes=rule.minutes_per_xueshi,
    )
    form.credits.description = _(
        "All the course's credits, its modules' included: at most one for every %(per)d minutes of learning.",
        per=rule.minutes_per_credit,
    )
    return form


def _review_state(course):
    """The course's latest review and whether publishing would need one, for the course page."""
    latest = review.latest_review(course)
    return dict(
        review=latest,
        review_org=db.session.get(Org, latest.org_id) if latest else None,
        needs_review=review.needs_review(course),
    )


@role_required(*STUDIO)
def index():
    return render_template("studio/index.html", courses=studio.my_courses(current_user))


@role_required(*STUDIO)
def new_course():
    form = _with_the_rule(NewCourseForm())
    _audience_choices(form, current_user.org_id)
    if form.validate_on_submit():
        try:
            course = studio.create_course(current_user, form.data, slug=form.slug.data)
        except DomainError as error:
            refuse(form, error)
        else:
            db.session.commit()
            flash(_("The course is created as a draft. Add its modules, then publish it."), "success")
            return redirect(url_for("studio.course", slug=course.slug))
    return render_template("studio/details.html", form=form, course=None)


@role_required(*STUDIO)
def course(slug):
    course = course_or_404(slug)
    return render_template(
        "studio/course.html",
        course=course,
        draft=studio.get_draft(course),
        modules=studio.working_modules(course),
        problems=publishing.problems(course),
        published=studio.publication_count(course),
        module_form=ModuleForm(),
        form=ActionForm(),
        can_manage=studio.can_manage_editors(current_user, course),
        **_review_state(course),
    )


@role_required(*STUDIO)
def details(slug):
    course = course_or_404(slug)
    draft = studio.get_draft(course)
    form = _with_the_rule(
        CourseForm(
            data=None
            if request.method == "POST"
            else dict(
                title=draft.title,
                summary=draft.summary,
                category=draft.category,
                occupation=draft.occupation,
                target_level=draft.target_level,
                language=draft.language,
                credits=str(draft.credits),
                hours=f"{current_rule().minutes_to_xueshi(draft.minutes):.2f}".rstrip("0").rstrip("."),
                tags=", ".join(draft.tag_list),
                audience=str(draft.audience_org_id or ""),
            )
        )
    )
    _audience_choices(form, course.org_id)
    if form.validate_on_submit():
        try:
            studio.update_details(current_user, course, form.data)
        except DomainError as error:
            refuse(form, error)
        else:
            db.session.commit()
            flash(_("The course details are saved in the draft."), "success")
            return redirect(url_for("studio.course", slug=course.slug))
    return render_template("studio/details.html", form=form, course=course)


@role_required(*STUDIO)
def add_module(slug):
    course = course_or_404(slug)
    form = ModuleForm()
    if form.validate_on_submit():
        try:
            module = authoring.add_module(current_user, course, form.kind.data, form.title.data, form.key.data)
        except DomainError as error:
            db.session.rollback()
            apply_error(form, error)
        else:
            db.session.commit()
            return redirect(url_for("studio.module", slug=course.slug, key=module.key))
    return render_template(
        "studio/course.html",
        course=course,
        draft=studio.get_draft(course),
        modules=studio.working_modules(course),
        problems=publishing.problems(course),
        published=studio.publication_count(course),
        module_form=form,
        form=ActionForm(),
        can_manage=studio.can_manage_editors(current_user, course),
        **_review_state(course),
    ), 400


def _act(course, action, success, anchor=None):
    """Run a service for a button (CSRF checked), commit, flash, back to the course page."""
    check_form()
    return run_action(action, success, url_for("studio.course", slug=course.slug) + (f"#{anchor}" if anchor else ""))


@role_required(*STUDIO)
def move_module(slug, key):
    course = course_or_404(slug)
    step = 1 if request.form.get("to") == "down" else -1
    return _act(course, lambda: authoring.move_module(current_user, course, key, step), None, "modules")


@role_required(*STUDIO)
def remove_module(slug, key):
    course = course_or_404(slug)
    return _act(
        course,
        lambda: authoring.remove_module(current_user, course, key),
        _("The module is removed from the draft. Learners keep it until you publish."),
        "modules",
    )


def _published(number):
    if number is None:
        return _(
            "Sent for review: it pays credits or is meant beyond your union, so an admin checks it first. "
            "Learners keep the published version until it is approved."
        )
    return _("Published (version %(number)d). Learners see it now and keep their progress.", number=number)


@role_required(*STUDIO)
def publish(slug):
    course = course_or_404(slug)
    return _act(course, lambda: publishing.publish(current_user, course), _published)


@role_required(*STUDIO)
def withdraw(slug):
    course = course_or_404(slug)
    return _act(
        course,
        lambda: publishing.withdraw(current_user, course),
        _("Withdrawn from review. Change what you need, then publish again."),
    )


@role_required(*STUDIO)
def unpublish(slug):
    course = course_or_404(slug)
    return _act(
        course,
        lambda: publishing.unpublish(current_user, course),
        _("The course is no longer in the catalogue. Learners' records are kept."),
    )


@role_required(*STUDIO)
def archive(slug):
    course = course_or_404(slug)
    return _act(
        course,
        lambda: publishing.archive(current_user, course),
        _("The course is archived. Learners' records are kept."),
    )


@role_required(*STUDIO)
def restore(slug):
    course = course_or_404(slug)
    return _act(
        course, lambda: publishing.restore(current_user, course), _("The course is restored as an unpublished draft.")
    )


@role_required(*STUDIO)
def discard(slug):
    course = course_or_404(slug)
    return _act(
        course,
        lambda: publishing.discard_changes(current_user, course),
        _("The unpublished changes are discarded. The draft is the published course again."),
    )


@role_required(*STUDIO)
def history(slug):
    course = course_or_404(slug)
    return render_template(
        "studio/history.html", course=course, draft=studio.get_draft(course), events=studio.history(course)
    )


# ---------------------------------------------------------------- a module


def _module_row(course, key):
    return authoring.get_working_module(course, key)


@role_required(*STUDIO)
def module(slug, key):
    course = course_or_404(slug)
    draft_module, module, revision = _module_row(course, key)
    if module.kind == "quiz":
        return _quiz(course, draft_module, module, revision)
    form = LessonForm(
        data=None
        if request.method == "POST"
        else dict(
            title=revision.title,
            minutes=str(revision.minutes),
            credits=str(revision.credits),
            is_required=draft_module.is_required,
            body=revision.body_source,
            video=revision.video or "",
        )
    )
    videos = [u for u in course_uploads(course) if u.kind == "video"]
    form.video.choices = as_choices([("", _("Choose a video"))] + [(u.path, u.original_name) for u in videos])
    preview, removed, status = None, None, 200
    if form.validate_on_submit():
        found = set()
        try:
            if request.form.get("action") == "preview":
                preview = authoring.render_lesson(course, form.body.data, found)[1]
            else:
                authoring.save_lesson(current_user, course, key, form.data)
        except DomainError as error:
            db.session.rollback()
            apply_error(form, error)
            status = 400
        else:
            removed = describe_removed(found)
            if preview is None:
                db.session.commit()
                flash(_("Saved in the draft."), "success")
                if removed:
                    flash(removed, "info")
                return redirect(url_for("studio.module", slug=course.slug, key=key))
    elif request.method == "POST":
        status = 400
    if preview is None and request.method == "GET":
        preview = revision.body_html
    return render_template(
        "studio/lesson.html",
        course=course,
        module=module,
        revision=revision,
        form=form,
        preview=preview_html(course, preview or ""),
        removed=removed,
        images=course_uploads(course),
        kind_label=MODULE_KINDS[module.kind],
    ), status


@role_required(*STUDIO)
def live_preview(slug):
    """The lesson editor's script asks for a fresh preview as the trainer types."""
    course = course_or_404(slug)
    check_form()
    found = set()
    try:
        html = authoring.render_lesson(course, request.form.get("body", ""), found)[1]
    except DomainError as error:
        return jsonify({"error": error.message}), 400
    return jsonify({"html": str(preview_html(course, html)), "removed": describe_removed(found)})


def _quiz(course, draft_module, module, revision):
    from learnhub.studio.forms import QuestionForm

    form = QuizForm(
        data=None
        if request.method == "POST"
        else dict(
            title=revision.title,
            minutes=str(revision.minutes),
            credits=str(revision.credits),
            is_required=draft_module.is_required,
            pass_mark=str(revision.pass_mark or 0),
            attempts=str(revision.max_attempts or 0),
            reveal=revision.reveal,
            time_limit=str(revision.time_limit or 0),
            draw_basic=str((revision.draw or {}).get("basic", 0)),
            draw_harder=str((revision.draw or {}).get("harder", 0)),
            draw_each_topic=bool((revision.draw or {}).get("each_topic")),
        )
    )
    status = 200
    if form.validate_on_submit():
        try:
            authoring.save_quiz_settings(current_user, course, module.key, form.data)
        except DomainError as error:
            db.session.rollback()
            apply_error(form, error)
            status = 400
        else:
            db.session.commit()
            flash(_("Saved in the draft."), "success")
            return redirect(url_for("studio.module", slug=course.slug, key=module.key))
    elif request.method == "POST":
        status = 400
    return render_template(
        "studio/quiz.html",
        course=course,
        module=module,
        revision=revision,
        form=form,
        question_form=QuestionForm(formdata=None),
        action_form=ActionForm(),
    ), status


def home_courses(user):
    """The trainer's home section: their five latest courses."""
    return {"studio_courses": studio.my_courses(user)[:5]}
