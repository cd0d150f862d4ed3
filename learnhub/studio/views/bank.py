"""The course's question bank in the studio: its questions with their item analysis, the
question editor, retiring a question, and importing a sheet of questions."""

from flask import abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from learnhub.catalog.services import bank_questions
from learnhub.core.errors import DomainError
from learnhub.core.forms import apply_error, refuse, run_action
from learnhub.core.i18n import gettext as _
from learnhub.core.permissions import role_required
from learnhub.extensions import db
from learnhub.studio import bank as banking
from learnhub.studio.forms import ActionForm, BankImportForm, BankQuestionForm
from learnhub.studio.views.common import STUDIO, check_form, course_or_404
from learnhub.studio.views.questions import question_data


def _bank_page(course, import_form=None, rows=None, status=200):
    questions = bank_questions(course.id)
    figures, attempts = banking.item_analysis(course)
    topics = {}
    for question in questions:
        topics.setdefault(question.topic, []).append(question)
    return render_template(
        "studio/bank.html",
        course=course,
        topics=topics,
        count=len(questions),
        figures=figures,
        attempts=attempts,
        import_form=import_form or BankImportForm(),
        rows=rows,
        action_form=ActionForm(),
    ), status


@role_required(*STUDIO)
def bank(slug):
    return _bank_page(course_or_404(slug))


@role_required(*STUDIO)
def bank_question(slug, question_id=None):
    course = course_or_404(slug)
    old = None
    if question_id is not None:
        try:
            old = banking.get_bank_question(course, question_id)
        except DomainError:
            abort(404)
    data = None
    if old is not None and request.method == "GET":
        data = dict(question_data(old), topic=old.topic, difficulty=old.difficulty)
    form = BankQuestionForm(data=data)
    if form.validate_on_submit():
        values = dict(
            kind=form.kind.data,
            text=form.text.data,
            explanation=form.explanation.data,
            topic=form.topic.data,
            difficulty=form.difficulty.data,
            choices=form.choices(),
            **form.typed(),
        )
        try:
            banking.save_bank_question(current_user, course, question_id, values)
        except DomainError as error:
            refuse(form, error, aliases={"choices": "choice1", "value": "answer_value"})
        else:
            db.session.commit()
            flash(_("The question is saved in the bank."), "success")
            return redirect(url_for("studio.bank", slug=course.slug))
    return render_template("studio/bank_question.html", course=course, form=form, question=old), (
        400 if request.method == "POST" else 200
    )


@role_required(*STUDIO)
def bank_retire(slug, question_id):
    course = course_or_404(slug)
    check_form()
    return run_action(
        lambda: banking.retire_bank_question(current_user, course, question_id),
        _("The question is taken out of the bank. Papers that asked it keep it."),
        url_for("studio.bank", slug=course.slug),
    )


@role_required(*STUDIO)
def bank_import(slug):
    course = course_or_404(slug)
    form = BankImportForm()
    if not form.validate_on_submit() or not form.file.data:
        form.file.errors = list(form.file.errors) + [_("Choose the sheet to upload.")]
        return _bank_page(course, form, status=400)
    upload = form.file.data
    data = upload.read(current_app.config["IMPORT_MAX_BYTES"] + 1)
    try:
        rows, counts = banking.import_sheet(current_user, course, upload.filename, data)
    except DomainError as error:
        db.session.rollback()
        apply_error(form, error)
        return _bank_page(course, form, status=400)
    if any(row.reasons for row in rows):
        db.session.rollback()
        return _bank_page(course, form, rows=[row for row in rows if row.reasons], status=400)
    db.session.commit()
    flash(
        _(
            "Imported: %(new)d new questions, %(changed)d changed, %(unchanged)d unchanged.",
            new=counts["new"],
            changed=counts["changed"],
            unchanged=counts["unchanged"],
        ),
        "success",
    )
    return redirect(url_for("studio.bank", slug=course.slug))


@role_required(*STUDIO)
def bank_template(slug):
    course_or_404(slug)
    response = make_response(banking.template_csv().encode())
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = "attachment; filename=question-bank-template.csv"
    return response
