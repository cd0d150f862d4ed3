from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from learnhub.catalog import renditions
from learnhub.catalog.models import ModuleRevision
from learnhub.catalog.services import course_modules, get_module, get_visible_course
from learnhub.core.errors import DomainError
from learnhub.core.i18n import current_language
from learnhub.core.i18n import gettext as _
from learnhub.credits.services import course_totals, get_account, shown_totals
from learnhub.extensions import db
from learnhub.learning import papers, study
from learnhub.learning import services as learning
from learnhub.learning.forms import ActionForm, PositionForm

bp = Blueprint("learning", "learnhub.learning", template_folder="templates")


def _course_or_404(slug):
    return get_visible_course(current_user, slug)


def _module_or_404(course, key):
    return get_module(course, key)


def _check_form():
    if not ActionForm().validate_on_submit():
        abort(400)


@bp.get("/courses/<slug>")
def course(slug):
    course = _course_or_404(slug)
    modules = course_modules(course)
    enrolment, progress = learning.course_state(current_user, course)
    return render_template(
        "learning/course.html",
        course=course,
        modules=modules,
        progress=progress,
        enrolment=enrolment,
        next_module=learning.next_module(modules, progress),
    )


@bp.post("/courses/<slug>/enrol")
@login_required
def enrol(slug):
    course = _course_or_404(slug)
    _check_form()
    learning.enrol(current_user, course)
    db.session.commit()
    first = next(iter(course_modules(course)), None)
    if first is None:
        return redirect(url_for("learning.course", slug=slug))
    return redirect(url_for("learning.module", slug=slug, key=first[0].key))


@bp.get("/courses/<slug>/<key>")
@login_required
def module(slug, key):
    """The player. It only reads: its first heartbeat, or what is posted from it, records the opening."""
    course = _course_or_404(slug)
    module, revision = _module_or_404(course, key)
    enrolment, progress = learning.module_state(current_user, course, module)
    if enrolment is None:
        flash(_("Enrol in the course first."), "info")
        return redirect(url_for("learning.course", slug=slug))
    return _player(course, module, revision, progress, request.args.get("opened", ""))


def _player(course, module, revision, progress, opened, kept=None):
    """The player page; `kept`: the answers of a paper refused, shown again ({question id: [values]})."""
    modules = course_modules(course)
    keys = [m.key for m, _r in modules]
    at = keys.index(module.key)
    paper, sitting = _quiz_paper(module, revision)
    phone = renditions.ready_rendition(course, revision.video) if module.kind == "video" else None
    return render_template(
        "learning/module.html",
        phone=phone,
        # The phone rendition by default; the original when asked for (a link under the video).
        original=phone is None or request.args.get("quality") == "original",
        course=course,
        module=module,
        revision=revision,
        progress=progress,
        modules=modules,
        position=at + 1,
        previous_key=keys[at - 1] if at > 0 else None,
        next_key=keys[at + 1] if at + 1 < len(keys) else None,
        attempts_left=learning.attempts_left(current_user, module, revision) if module.kind == "quiz" else None,
        paper=paper,
        sitting=sitting,
        minutes_left=papers.due_in_words(sitting, learning.now()) if sitting else None,
        opened=_opening(module, opened),
        kept=kept or {},
    )


def _quiz_paper(module, revision):
    """(the paper to show or None, the timed sitting or None): a timed quiz shows its paper only once started."""
    if module.kind != "quiz":
        return None, None
    if revision.time_limit:
        sitting = learning.get_sitting(current_user, module)
        if sitting is None or sitting.revision_id != revision.id:
            return None, None
        return learning.sitting_paper(sitting, revision), sitting
    return papers.paper_for(current_user, revision, learning.attempts_used(current_user, module) + 1), None


def _opening(module, kept):
    """The note of when this person opened the module: the one they came back with (a finish
    refused as too early keeps the time already spent), else a new one."""
    if study.seconds_since_opening(current_user, module, kept, learning.now()) is not None:
        return kept
    return study.opening_token(current_user, module)


@bp.post("/courses/<slug>/<key>/done")
@login_required
def done(slug, key):
    course = _course_or_404(slug)
    module, revision = _module_or_404(course, key)
    _check_form()
    try:
        learning.complete_module(current_user, course, module, revision, opened=request.form.get("opened"))
    except learning.NotEnrolled:
        abort(404)  # progress on a course one is not enrolled in: not theirs, as if it did not exist
    except study.NotYet as error:
        flash(error.message, "error")
        return redirect(url_for("learning.module", slug=slug, key=key, opened=request.form.get("opened") or None))
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("learning.module", slug=slug, key=key))
    target = _after_finishing(course)
    db.session.commit()
    return redirect(target)


def _after_finishing(course):
    """Where to go once a module is finished: the course's result, the next module, or the course."""
    enrolment = learning.get_enrolment(current_user, course)
    if enrolment.completed_at is not None:
        return url_for("learning.completed", slug=course.slug)
    following = learning.next_module_key(current_user, course)
    if following is None:
        return url_for("learning.course", slug=course.slug)
    return url_for("learning.module", slug=course.slug, key=following)


@bp.post("/courses/<slug>/<key>/heartbeat")
@login_required
def heartbeat(slug, key):
    """Sent by the player's script once the page has loaded, then while it stays open: 204.

    The first heartbeat of a page opens the module with every check of the player; the ones
    that follow while the page stays open only add their time, in one statement. Its CSRF
    token is checked, as every POST's, by CSRFProtect before the view (no form of its own).
    """
    if not learning.keep_beating(current_user, slug, key):
        course = _course_or_404(slug)
        module, _revision = _module_or_404(course, key)
        try:
            learning.open_module(current_user, course, module)
        except learning.NotEnrolled:
            abort(404)
    db.session.commit()
    return "", 204


@bp.post("/courses/<slug>/<key>/position")
@login_required
def position(slug, key):
    """Saved by the player's script every few seconds; 204 on success."""
    course = _course_or_404(slug)
    module, _revision = _module_or_404(course, key)
    form = PositionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        learning.save_position(current_user, course, module, form.position.data, played=form.played.data)
    except learning.NotEnrolled:
        abort(404)
    except DomainError as error:
        return jsonify({"error": error.message}), 400
    db.session.commit()
    return "", 204


@bp.post("/courses/<slug>/<key>/quiz")
@login_required
def quiz(slug, key):
    course = _course_or_404(slug)
    module, revision = _module_or_404(course, key)
    _check_form()
    answers = {name[1:]: request.form.getlist(name) for name in request.form if name.startswith("q")}
    try:
        attempt = learning.submit_quiz(
            current_user, course, module, revision, answers, opened=request.form.get("opened")
        )
    except learning.NotEnrolled:
        abort(404)
    except learning.LateSubmission as error:
        db.session.commit()  # the late paper counts as an attempt
        flash(error.message, "error")
        return redirect(url_for("learning.module", slug=slug, key=key))
    except DomainError as error:
        # Refused (an answer missing, a choice not on the paper): the same paper again, with
        # every answer given kept and the reason above it.
        db.session.rollback()
        flash(error.message, "error")
        _enrolment, progress = learning.module_state(current_user, course, module)
        return _player(course, module, revision, progress, request.form.get("opened", ""), kept=answers), 400
    db.session.commit()
    return redirect(url_for("learning.attempt", slug=slug, key=key, attempt_id=attempt.id))


@bp.post("/courses/<slug>/<key>/start")
@login_required
def start(slug, key):
    """Start the clock on a timed quiz; the player then shows its paper."""
    course = _course_or_404(slug)
    module, revision = _module_or_404(course, key)
    _check_form()
    try:
        learning.start_paper(current_user, course, module, revision)
    except learning.NotEnrolled:
        abort(404)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("learning.module", slug=slug, key=key))
    db.session.commit()
    return redirect(url_for("learning.module", slug=slug, key=key))


@bp.get("/courses/<slug>/<key>/attempts/<int:attempt_id>")
@login_required
def attempt(slug, key, attempt_id):
    course = _course_or_404(slug)
    module, revision = _module_or_404(course, key)
    attempt = learning.get_attempt(current_user, module, attempt_id)
    if attempt is None:
        abort(404)
    modules = course_modules(course)
    following = learning.next_module(modules, learning.progress_by_module(current_user, course))
    enrolment = learning.get_enrolment(current_user, course)
    asked = db.session.get(ModuleRevision, attempt.revision_id)
    left = learning.attempts_left(current_user, module, revision)
    return render_template(
        "learning/attempt.html",
        course=course,
        module=module,
        attempt=attempt,
        revision=asked,
        rows=papers.review_rows(papers.paper_of(attempt, asked), attempt),
        reveal=papers.reveals_answers(asked, attempt, left),
        following=following,
        enrolment=enrolment,
        attempts_left=left,
    )


@bp.get("/courses/<slug>/complete")
@login_required
def completed(slug):
    course = _course_or_404(slug)
    enrolment = learning.get_enrolment(current_user, course)
    if enrolment is None or enrolment.completed_at is None:
        return redirect(url_for("learning.course", slug=slug))
    account = get_account(current_user)
    credits, minutes = shown_totals(account)
    # What the course paid is what its entries in the ledger say (hours paid may be fewer than declared).
    paid_credits, paid_hours = course_totals(account, course.id)
    return render_template(
        "learning/completed.html",
        course=course,
        enrolment=enrolment,
        paid_credits=paid_credits,
        paid_hours=paid_hours,
        total_credits=credits,
        total_minutes=minutes,
    )


def home_continuing(user):
    """The home page's section: the courses I am in the middle of."""
    return {"continuing": learning.continue_learning(user)}


def home_suggestions(user):
    """The home page's section: courses for my trade and level that I have not taken up."""
    return {"suggestions": learning.suggestions(user, language=current_language())}
