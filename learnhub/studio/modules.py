"""Studio modules: add, order and remove them; write lessons and quizzes in the working copy.

A revision that workers have seen is never changed (progress and quiz attempts point at
it): the first edit after publishing copies it into a new draft revision, and later edits
change that draft until it is published.
"""

import re

from flask import current_app
from sqlalchemy import func, select

from learnhub.catalog import questions as kinds
from learnhub.catalog.hours import current_rule, module_problem
from learnhub.catalog.models import MODULE_KINDS, QUESTION_KINDS, Choice, Module, ModuleRevision, Question
from learnhub.catalog.package import ModuleSpec, QuestionSpec, content_hash, render_markdown
from learnhub.catalog.package_checks import Checker
from learnhub.catalog.services import bank_questions
from learnhub.core.errors import DomainError, NotFound
from learnhub.core.i18n import gettext as _
from learnhub.core.sanitize import MAX_DEPTH, TOO_DEEP, nesting_depth
from learnhub.extensions import db
from learnhub.studio.models import DraftModule, Upload
from learnhub.studio.services import (
    _text,
    check_editable,
    credits_refusal,
    log,
    parse_decimal,
    touch,
    working_modules,
)

KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
# Addresses the learning pages use beside /courses/<slug>/<module>.
RESERVED_KEYS = frozenset({"enrol", "complete"})
MAX_QUESTIONS = 100
MAX_CHOICES = 8


def get_working_module(course, key):
    """(DraftModule, Module, ModuleRevision) of the module `key` in the working copy."""
    for row in working_modules(course):
        if row[1].key == key:
            return row
    raise NotFound(_("Module not found."))


def _new_key(course, kind):
    taken = set(db.session.scalars(select(Module.key).where(Module.course_id == course.id)))
    number = 1
    while f"{kind}-{number}" in taken:
        number += 1
    return f"{kind}-{number}"


def add_module(user, course, kind, title, key=None):
    """Add a lesson, video or quiz at the end of the working copy."""
    check_editable(course)
    if kind not in MODULE_KINDS:
        raise DomainError(_("Choose a lesson, a video or a quiz."), "kind")
    title = _text(title, "title", 120, _("Give the module a title."))
    key = (key or "").strip().lower() or _new_key(course, kind)
    if not KEY.match(key) or key in RESERVED_KEYS:
        raise DomainError(
            _("The address has lower-case letters, digits and '-', such as first-aid (not 'enrol' or 'complete')."),
            "key",
        )
    if db.session.scalar(select(Module.id).where(Module.course_id == course.id, Module.key == key)):
        raise DomainError(_("Another module of this course has this address. Choose another."), "key")
    # Outside the live course (retired, no live revision) until the course is published.
    module = Module(course_id=course.id, key=key, kind=kind, position=0, is_required=True, is_retired=True, revision=0)
    db.session.add(module)
    db.session.flush()
    revision = ModuleRevision(
        module_id=module.id,
        revision=1,
        title=title,
        body_source="",
        body_html="",
        minutes=0,
        pass_mark=60 if kind == "quiz" else None,
        max_attempts=0 if kind == "quiz" else None,
    )
    db.session.add(revision)
    last = db.session.scalar(select(func.max(DraftModule.position)).where(DraftModule.course_id == course.id))
    db.session.add(
        DraftModule(course_id=course.id, module_id=module.id, position=(last or 0) + 1, is_required=True, revision=1)
    )
    _rehash(module, revision)
    touch(course, user)
    log(course, user, "module_added", module=module, note=title)
    db.session.flush()
    return module


def remove_module(user, course, key):
    """Take a module out of the working copy; workers keep it until the course is published."""
    check_editable(course)
    draft_module, module, revision = get_working_module(course, key)
    db.session.delete(draft_module)
    touch(course, user)
    log(course, user, "module_removed", module=module, note=revision.title)
    db.session.flush()


def move_module(user, course, key, step):
    """Move a module one place up (step -1) or down (step 1)."""
    check_editable(course)
    rows = working_modules(course)
    keys = [row[1].key for row in rows]
    if key not in keys:
        raise NotFound(_("Module not found."))
    at = keys.index(key)
    to = at + (1 if step > 0 else -1)
    if not 0 <= to < len(rows):
        return
    rows[at], rows[to] = rows[to], rows[at]
    for position, (draft_module, _m, _r) in enumerate(rows, 1):
        draft_module.position = position
    touch(course, user)
    log(course, user, "modules_moved")
    db.session.flush()


def editable_revision(user, course, draft_module, module, revision):
    """The draft revision to write into: `revision` itself if unpublished, else a new copy."""
    check_editable(course)
    if draft_module.revision > module.revision:
        return revision
    latest = (
        db.session.scalar(select(func.max(ModuleRevision.revision)).where(ModuleRevision.module_id == module.id)) or 0
    )
    copy = ModuleRevision(
        module_id=module.id,
        revision=latest + 1,
        title=revision.title,
        body_source=revision.body_source,
        body_html=revision.body_html,
        video=revision.video,
        minutes=revision.minutes,
        credits=revision.credits,
        pass_mark=revision.pass_mark,
        max_attempts=revision.max_attempts,
        reveal=revision.reveal,
        draw=revision.draw,
        time_limit=revision.time_limit,
        content_hash=revision.content_hash,
        questions=[
            Question(
                position=q.position,
                kind=q.kind,
                text=q.text,
                explanation=q.explanation,
                answer=q.answer,
                choices=[Choice(position=c.position, text=c.text, is_correct=c.is_correct) for c in q.choices],
            )
            for q in revision.questions
        ],
    )
    db.session.add(copy)
    draft_module.revision = copy.revision
    log(course, user, "module_revised", module=module, number=copy.revision, note=revision.title)
    db.session.flush()
    return copy


def _rehash(module, revision):
    # The same hash an imported package gets, so that an export imports back unchanged.
    spec = ModuleSpec(
        key=module.key,
        file="",
        kind=module.kind,
        title=revision.title,
        minutes=revision.minutes,
        credits=revision.credits,
        is_required=True,
        video=revision.video,
        body_source=revision.body_source,
        pass_mark=revision.pass_mark,
        max_attempts=revision.max_attempts,
        reveal=revision.reveal,
        draw=revision.draw,
        time_limit=revision.time_limit,
        questions=[
            QuestionSpec(q.kind, q.text, q.explanation, [(c.text, c.is_correct) for c in q.choices], answer=q.answer)
            for q in revision.questions
        ],
    )
    revision.content_hash = content_hash(spec)


def _common(values):
    title = _text(values.get("title"), "title", 120, _("Give the module a title."))
    minutes = str(values.get("minutes") or "0").strip()
    if not minutes.isascii() or not minutes.isdigit() or int(minutes) > 600:
        raise DomainError(_("Minutes are a whole number from 0 to 600."), "minutes")
    credits = parse_decimal(
        values.get("credits"), "credits", _("Credits are a number such as 0.5 (two decimal places at most).")
    )
    return title, int(minutes), credits


def hours_refusal(kind, minutes, credits, body="", questions=0):
    """A DomainError beside the field when a module's minutes or credits break the hours rule, else None."""
    rule = current_rule()
    found = module_problem(rule, kind, minutes, credits, body, questions)
    if found is None:
        return None
    field, values = found
    if field == "credits":
        return DomainError(credits_refusal(rule, minutes), "credits")
    if kind == "quiz":
        message = _(
            "At most %(most)d minutes: a quiz counts one minute a question, and this one has %(count)d "
            "(up to one and a half times that may be declared).",
            most=values["most"],
            count=questions,
        )
    else:
        message = _(
            "At most %(most)d minutes: the text takes about %(content)d minutes to read at %(speed)d "
            "characters a minute (up to one and a half times that may be declared).",
            most=values["most"],
            content=values["content"],
            speed=rule.reading_chars_per_minute,
        )
    return DomainError(message, "minutes")


def normalise_body(text):
    """Markdown as a course package keeps it: Unix line ends, no blank lines around it."""
    lines = str(text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines)


def course_media(course):
    """{'media/<name>': Upload} of the course's uploads."""
    return {u.path: u for u in db.session.scalars(select(Upload).where(Upload.course_id == course.id))}


def render_lesson(course, body, removed=None):
    """(body_source, sanitised HTML) of a lesson's Markdown, or a DomainError saying what is wrong.

    `removed` (a set) learns what the sanitiser took out of pasted HTML.
    """
    source = normalise_body(body)
    limit = current_app.config["STUDIO_LESSON_MAX_CHARS"]
    if len(source) > limit:
        raise DomainError(
            _(
                "The text has %(count)s characters; a lesson has at most %(max)s, so that "
                "it opens quickly on a phone. Split it into several lessons.",
                count=f"{len(source):,}",
                max=f"{limit:,}",
            ),
            "body",
        )
    if nesting_depth(source) > MAX_DEPTH:
        raise DomainError(
            _(
                "The text nests more than %(max)d elements inside each other. Paste it as plain text, or simplify it.",
                max=MAX_DEPTH,
            ),
            "body",
        )
    errors = []
    removed = set() if removed is None else removed
    html = render_markdown(source, course.slug, Checker(errors, "body"), media=course_media(course), removed=removed)
    if TOO_DEEP in removed:
        raise DomainError(
            _(
                "The text nests more than %(max)d elements inside each other. Paste it as plain text, or simplify it.",
                max=MAX_DEPTH,
            ),
            "body",
        )
    for error in errors:
        if "headings" in error.message:
            raise DomainError(
                _(
                    "Line %(line)d: use headings ## to #### (the lesson's title is already the page's top heading).",
                    line=error.line or 1,
                ),
                "body",
            )
        ref = re.search(r"'(media/[^']*)'", error.message)
        raise DomainError(
            _(
                "Line %(line)d: %(file)s is not a file of this course. Upload it under Media first.",
                line=error.line or 1,
                file=ref.group(1) if ref else "",
            ),
            "body",
        )
    return source, html


def save_lesson(user, course, key, values):
    """Save a lesson or video in the working copy; returns what the sanitiser removed."""
    draft_module, module, revision = get_working_module(course, key)
    if module.kind == "quiz":
        raise DomainError(_("This module is a quiz."))
    title, minutes, credits = _common(values)
    removed = set()
    source, html = render_lesson(course, values.get("body"), removed)
    if module.kind == "lesson" and not source:
        raise DomainError(_("Write the lesson's text."), "body")
    refusal = hours_refusal(module.kind, minutes, credits, source)
    if refusal is not None:
        raise refusal
    video = None
    if module.kind == "video":
        video = values.get("video") or ""
        upload = course_media(course).get(video)
        if upload is None or upload.kind != "video":
            raise DomainError(_("Choose one of the course's videos. Upload it under Media first."), "video")
    required = bool(values.get("is_required"))
    changed = (revision.title, revision.minutes, revision.credits, revision.body_source, revision.video) != (
        title,
        minutes,
        credits,
        source,
        video,
    )
    if changed:
        revision = editable_revision(user, course, draft_module, module, revision)
        revision.title, revision.minutes, revision.credits = title, minutes, credits
        revision.body_source, revision.body_html, revision.video = source, html, video
        _rehash(module, revision)
    if changed or draft_module.is_required != required:
        draft_module.is_required = required
        touch(course, user)
    db.session.flush()
    return removed


def _whole(values, name, most, message):
    text = str(values.get(name) or "0").strip()
    if not text.isascii() or not text.isdigit() or int(text) > most:
        raise DomainError(message, name)
    return int(text)


def _draw_rule(course, values):
    """The quiz's draw rule from the form, checked against the course's bank (None: its own questions)."""
    message = _("A number of questions from 0 to 100.")
    basic, harder = _whole(values, "draw_basic", 100, message), _whole(values, "draw_harder", 100, message)
    if basic + harder == 0:
        return None
    rule = {"basic": basic, "harder": harder, "each_topic": bool(values.get("draw_each_topic"))}
    found = kinds.rule_problem(rule, bank_questions(course.id))
    if found is None:
        return rule
    key, numbers = found
    if key == "topics":
        raise DomainError(
            _(
                "The bank has %(topics)d topics: one of each needs at least %(topics)d questions, not %(count)d.",
                **numbers,
            ),
            "draw_each_topic",
        )
    field = "draw_basic" if key == "basic" else "draw_harder"
    raise DomainError(
        _("The bank has %(have)d questions of this difficulty; add more to it or draw fewer.", have=numbers["have"]),
        field,
    )


def save_quiz_settings(user, course, key, values):
    """Title, minutes, credits, pass mark, attempts, reveal, time limit and draw rule of a quiz in the working copy."""
    draft_module, module, revision = get_working_module(course, key)
    if module.kind != "quiz":
        raise DomainError(_("This module is not a quiz."))
    title, minutes, credits = _common(values)
    pass_mark = str(values.get("pass_mark") or "").strip()
    if not pass_mark.isascii() or not pass_mark.isdigit() or int(pass_mark) > 100:
        raise DomainError(_("The pass mark is a percentage from 0 to 100."), "pass_mark")
    attempts = _whole(values, "attempts", 1000, _("Attempts are a whole number from 0 (no limit) to 1000."))
    time_limit = _whole(values, "time_limit", 600, _("The time limit is a whole number of minutes from 0 to 600."))
    reveal = values.get("reveal") or "passed"
    if reveal not in ("passed", "last", "never"):
        raise DomainError(_("Choose when the right answers show."), "reveal")
    draw = _draw_rule(course, values)
    count = kinds.rule_count(draw) if draw else len(revision.questions)
    refusal = hours_refusal("quiz", minutes, credits, questions=count)
    if refusal is not None:
        raise refusal
    required = bool(values.get("is_required"))
    new = (title, minutes, credits, int(pass_mark), attempts, reveal, time_limit or None, draw)
    old = (
        revision.title,
        revision.minutes,
        revision.credits,
        revision.pass_mark,
        revision.max_attempts,
        revision.reveal,
        revision.time_limit,
        revision.draw,
    )
    if old != new:
        revision = editable_revision(user, course, draft_module, module, revision)
        (
            revision.title,
            revision.minutes,
            revision.credits,
            revision.pass_mark,
            revision.max_attempts,
            revision.reveal,
            revision.time_limit,
            revision.draw,
        ) = new
        _rehash(module, revision)
        touch(course, user)
    if draft_module.is_required != required:
        draft_module.is_required = required
        touch(course, user)
    db.session.flush()


def _clean_choices(rows):
    """The choices written in the form's rows, blank rows left out, each checked: [(text, is_correct)]."""
    cleaned = []
    for number, (choice, correct) in enumerate(rows, 1):
        if not (choice or "").strip():
            continue
        choice = _text(choice, f"choice{number}", 500, _("Write the choice."), multiline=True)
        if choice in (c for c, _ in cleaned):
            raise DomainError(_("Two choices say the same: “%(text)s”.", text=choice), "choices")
        cleaned.append((choice, bool(correct)))
    return cleaned


def clean_typed(kind, typed):
    """The `answer` of a number or short-answer question from the form's fields, or a DomainError."""
    typed = typed or {}
    if kind == "number":
        message = _("Write a number such as 3.5, without a thousands separator (the tolerance 0 or more).")
        for field, value, tolerance in (
            ("answer_value", typed.get("value"), "0"),
            ("tolerance", "0", typed.get("tolerance") or "0"),
        ):
            try:
                kinds.number_answer(value, tolerance)
            except ValueError:
                raise DomainError(message, field) from None
        unit = str(typed.get("unit") or "").strip()
        if unit:
            unit = _text(unit, "unit", 20, "")
        return kinds.number_answer(typed.get("value"), typed.get("tolerance") or "0", unit)
    lines = [line for line in typed.get("accepted") or [] if str(line or "").strip()]
    if not lines:
        raise DomainError(_("Write at least one accepted answer."), "accepted")
    cleaned = [_text(line, "accepted", 200, "") for line in lines]
    return kinds.text_answer(cleaned)


def clean_question(kind, text, choices, explanation, typed=None):
    """Check one question; `choices` is [(text, is_correct)] of the form's rows, blank ones too;
    `typed` the number or accepted answers of a question answered by typing (QuestionForm.typed).

    A true-or-false question's first two rows are “True” and “False” when left blank.
    Returns (kind, text, choices, explanation, answer).
    """
    if kind not in QUESTION_KINDS:
        raise DomainError(_("Choose the kind of question."), "kind")
    text = _text(text, "text", 2000, _("Write the question."), multiline=True)
    explanation = _text(
        explanation,
        "explanation",
        2000,
        _("Explain the right answer: learners read it after their attempt."),
        multiline=True,
    )
    if kind in ("number", "text"):
        return kind, text, [], explanation, clean_typed(kind, typed)
    rows = list(choices) or [("", False), ("", False)]
    if kind == "true_false":
        rows = [
            ((text or "").strip() or label, correct)
            for (text, correct), label in zip(rows[:2], [_("True"), _("False")], strict=False)
        ] + rows[2:]
    cleaned = _clean_choices(rows)
    if len(cleaned) < 2:
        raise DomainError(_("A question needs at least two choices."), "choices")
    if len(cleaned) > MAX_CHOICES:
        raise DomainError(_("A question has at most %(max)d choices.", max=MAX_CHOICES), "choices")
    if kind == "true_false" and len(cleaned) != 2:
        raise DomainError(_("A true-or-false question has exactly two choices."), "choices")
    right = sum(1 for _c, correct in cleaned if correct)
    if right == 0:
        raise DomainError(_("Mark the right answer."), "choices")
    if right > 1 and kind != "multiple":
        raise DomainError(_("A single-choice or true-or-false question has exactly one right answer."), "choices")
    return kind, text, cleaned, explanation, None


def save_question(user, course, key, number, kind, text, choices, explanation, typed=None):
    """Add a question (number None) or change question `number` (1-based) of a quiz."""
    draft_module, module, revision = get_working_module(course, key)
    if module.kind != "quiz":
        raise DomainError(_("This module is not a quiz."))
    kind, text, choices, explanation, answer = clean_question(kind, text, choices, explanation, typed)
    if number is None and len(revision.questions) >= MAX_QUESTIONS:
        raise DomainError(_("A quiz has at most %(max)d questions.", max=MAX_QUESTIONS))
    if number is not None and not 1 <= number <= len(revision.questions):
        raise NotFound(_("Question not found."))
    revision = editable_revision(user, course, draft_module, module, revision)
    new_choices = [Choice(position=n, text=t, is_correct=c) for n, (t, c) in enumerate(choices)]
    if number is None:
        revision.questions.append(
            Question(
                position=len(revision.questions),
                kind=kind,
                text=text,
                explanation=explanation,
                answer=answer,
                choices=new_choices,
            )
        )
    else:
        question = revision.questions[number - 1]
        question.kind, question.text, question.explanation, question.answer = kind, text, explanation, answer
        question.choices = new_choices
    db.session.flush()
    _rehash(module, revision)
    touch(course, user)
    db.session.flush()


def delete_question(user, course, key, number):
    """Take question `number` out of a quiz."""
    draft_module, module, revision = get_working_module(course, key)
    if module.kind != "quiz" or not 1 <= number <= len(revision.questions):
        raise NotFound(_("Question not found."))
    revision = editable_revision(user, course, draft_module, module, revision)
    revision.questions.pop(number - 1)
    for position, question in enumerate(revision.questions):
        question.position = position
    db.session.flush()
    _rehash(module, revision)
    touch(course, user)
    db.session.flush()


def move_question(user, course, key, number, step):
    """Move question `number` one place up (step -1) or down (step 1)."""
    draft_module, module, revision = get_working_module(course, key)
    if module.kind != "quiz" or not 1 <= number <= len(revision.questions):
        raise NotFound(_("Question not found."))
    to = number - 1 + (1 if step > 0 else -1)
    if not 0 <= to < len(revision.questions):
        return
    revision = editable_revision(user, course, draft_module, module, revision)
    questions = list(revision.questions)
    questions[number - 1], questions[to] = questions[to], questions[number - 1]
    for position, question in enumerate(questions):
        question.position = position
    revision.questions = questions
    db.session.flush()
    _rehash(module, revision)
    touch(course, user)
    db.session.flush()
