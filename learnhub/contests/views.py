from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from learnhub.contests import drills
from learnhub.contests.forms import ActionForm
from learnhub.core.errors import DomainError
from learnhub.core.permissions import role_required
from learnhub.extensions import db

bp = Blueprint("contests", "learnhub.contests", template_folder="templates")


def _contest_routes():
    # The contests' pages live in contest_views; their addresses are listed here, in one place.
    from learnhub.contests import contest_views

    for rule, view, methods in (
        ("/contests/", contest_views.contests, "GET"),
        ("/contests/new", contest_views.new_contest, "GET POST"),
        ("/contests/<int:contest_id>", contest_views.contest, "GET"),
        ("/contests/<int:contest_id>/enter", contest_views.enter, "POST"),
        ("/contests/<int:contest_id>/submit", contest_views.submit, "POST"),
        ("/contests/<int:contest_id>/publish", contest_views.publish, "POST"),
    ):
        bp.add_url_rule(rule, view_func=view, methods=methods.split())


_contest_routes()


def _check_form():
    if not ActionForm().validate_on_submit():
        abort(400)


@bp.get("/drills/")
@role_required("worker")
def drills_home():
    drill = drills.todays_drill(current_user)
    return render_template(
        "contests/drills.html",
        drill=drill,
        streak=drills.streak(current_user),
        in_book=drills.book_count(current_user),
        has_pool=bool(drill) or bool(drills.pool_ids(current_user)),
        form=ActionForm(),
    )


@bp.post("/drills/start")
@role_required("worker")
def start():
    _check_form()
    try:
        drill = drills.start_drill(current_user, request.form.get("kind", "daily"))
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "info")
        return redirect(url_for("contests.drills_home"))
    db.session.commit()
    return redirect(url_for("contests.drill", drill_id=drill.id))


@bp.get("/drills/<int:drill_id>")
@role_required("worker")
def drill(drill_id):
    """The next question of a drill, or its result once all are answered."""
    return _drill_page(drills.get_drill(current_user, drill_id))


def _drill_page(drill, typed="", error=None):
    paper = drills.drill_paper(drill)
    number = len(drill.answers) + 1
    return render_template(
        "contests/drill.html",
        drill=drill,
        paper=paper,
        number=number,
        current=paper[number - 1] if number <= len(paper) else None,
        form=ActionForm(),
        typed=typed,
        error=error,
    ), 400 if error else 200


@bp.post("/drills/<int:drill_id>/answer")
@role_required("worker")
def answer(drill_id):
    drill = drills.get_drill(current_user, drill_id)
    _check_form()
    number = request.form.get("number", "")
    number = int(number) if number.isascii() and number.isdigit() and len(number) < 4 else 0
    sent = {name[1:]: request.form.getlist(name) for name in request.form if name.startswith("q")}
    paper = drills.drill_paper(drill)
    question = paper[number - 1][0] if 1 <= number <= len(paper) else None
    values = sent.get(str(question.id), []) if question else []
    try:
        drills.answer(current_user, drill, number, values)
    except DomainError as error:
        db.session.rollback()
        if error.field == "stale":
            if 1 <= number <= len(drill.answers):  # a second tap: the answer stands
                return redirect(url_for("contests.feedback", drill_id=drill_id, number=number))
            flash(error.message, "error")
            return redirect(url_for("contests.drill", drill_id=drill_id))
        # Shown again with the message beside the answer, and what was typed kept.
        return _drill_page(drill, typed=values[0] if values else "", error=error.message)
    db.session.commit()
    return redirect(url_for("contests.feedback", drill_id=drill_id, number=number))


@bp.get("/drills/<int:drill_id>/<int:number>")
@role_required("worker")
def feedback(drill_id, number):
    """An answered question: right or wrong, the right answer and the explanation."""
    drill = drills.get_drill(current_user, drill_id)
    if not 1 <= number <= len(drill.answers):
        abort(404)
    paper = drills.drill_paper(drill)
    question, choices = paper[number - 1]
    given = drill.answers[number - 1]
    return render_template(
        "contests/feedback.html",
        drill=drill,
        number=number,
        total=len(paper),
        question=question,
        choices=choices,
        given=given["answer"],
        right=given["right"],
    )


@bp.get("/drills/book")
@role_required("worker")
def book():
    return render_template("contests/book.html", rows=drills.book(current_user), form=ActionForm())


def home_drill(user):
    """The home page's section: today's drill and the streak."""
    return {"drill": drills.todays_drill(user), "streak": drills.streak(user)}
