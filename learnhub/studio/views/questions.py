"""The quiz editor's questions: add, change, move, delete; numbered from 1 in the draft."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from learnhub.core.errors import DomainError
from learnhub.core.forms import refuse, run_action
from learnhub.core.i18n import gettext as _
from learnhub.core.permissions import role_required
from learnhub.extensions import db
from learnhub.studio import modules as authoring
from learnhub.studio.forms import QuestionForm
from learnhub.studio.views.common import STUDIO, check_form, course_or_404


def _quiz_or_404(course, key):
    row = authoring.get_working_module(course, key)
    if row[1].kind != "quiz":
        abort(404)
    return row


def question_data(question):
    """A question as its form shows it."""
    data = {"kind": question.kind, "text": question.text, "explanation": question.explanation}
    for n, choice in enumerate(question.choices, 1):
        data[f"choice{n}"], data[f"correct{n}"] = choice.text, choice.is_correct
    answer = question.answer or {}
    if question.kind == "number":
        data.update(answer_value=answer.get("value"), tolerance=answer.get("tolerance"), unit=answer.get("unit"))
    elif question.kind == "text":
        data["accepted"] = "\n".join(answer.get("accepted", []))
    return data


@role_required(*STUDIO)
def question(slug, key, number=None):
    course = course_or_404(slug)
    _draft_module, module, revision = _quiz_or_404(course, key)
    if number is not None and not 1 <= number <= len(revision.questions):
        abort(404)
    form = QuestionForm(
        data=question_data(revision.questions[number - 1]) if number is not None and request.method == "GET" else None
    )
    if form.validate_on_submit():
        try:
            authoring.save_question(
                current_user,
                course,
                key,
                number,
                form.kind.data,
                form.text.data,
                form.choices(),
                form.explanation.data,
                form.typed(),
            )
        except DomainError as error:
            refuse(form, error, aliases={"choices": "choice1"})
        else:
            db.session.commit()
            flash(_("The question is saved in the draft."), "success")
            return redirect(url_for("studio.module", slug=course.slug, key=key) + "#questions")
    return render_template(
        "studio/question.html", course=course, module=module, revision=revision, form=form, number=number
    ), 400 if request.method == "POST" else 200


@role_required(*STUDIO)
def question_action(slug, key, number, action):
    course = course_or_404(slug)
    _quiz_or_404(course, key)
    check_form()
    if action == "delete":
        work, success = (
            lambda: authoring.delete_question(current_user, course, key, number),
            _("The question is deleted from the draft."),
        )
    else:
        work, success = (
            lambda: authoring.move_question(current_user, course, key, number, 1 if action == "down" else -1),
            None,
        )
    return run_action(work, success, url_for("studio.module", slug=course.slug, key=key) + "#questions")
