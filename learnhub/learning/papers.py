"""Quiz papers, and what an attempt may show and when another may be made.

Each attempt gets a paper of its own: the quiz's questions in a new order, with the choices of
single- and multiple-choice questions shuffled (a true-or-false question keeps 正确 / 错误 in
place). A quiz with a `draw` rule takes its questions from its course's bank instead
(catalog.questions.draw: so many basic, so many harder, one of each topic at least). The order
comes from a seed the site keeps secret (the person, the quiz revision and the attempt's
number), so the page that shows the paper writes nothing, and the submission scores, and
keeps with the attempt, the very paper that was shown.

A timed quiz (`time_limit`) is clocked on the server: pressing Start draws the paper into a
QuizSitting with the time it is due; an answer that arrives later than that (and a short grace
for the network, QUIZ_LATE_GRACE_SECONDS) is refused and counts as a failed attempt.

After an attempt the learner sees which answers were wrong; the right answers and the
explanations show only as the quiz's `reveal` policy says (catalog.models.ModuleRevision).
Attempts are limited per day (QUIZ_ATTEMPTS_PER_DAY) and spaced (QUIZ_COOLDOWN_MINUTES after a
failed one), so that answers cannot be found by trying every choice.
"""

import hashlib
import hmac
import math
import random
from datetime import timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, select

from learnhub.catalog import questions as kinds
from learnhub.catalog.services import bank_questions, bank_questions_by_id
from learnhub.core.errors import DomainError
from learnhub.core.i18n import gettext as _
from learnhub.core.i18n import ngettext
from learnhub.extensions import db
from learnhub.learning.models import QuizAttempt

_BEIJING = ZoneInfo("Asia/Shanghai")


def paper_for(user, revision, number):
    """[(question, [its choices in order])]: attempt `number` (1, 2, ...) of `user` at this quiz revision."""
    secret = current_app.config["SECRET_KEY"].encode()
    seed = hmac.new(secret, f"paper:{user.id}:{revision.id}:{number}".encode(), hashlib.sha256).hexdigest()
    rng = random.Random(seed)
    if revision.draw:
        return kinds.draw(revision.draw, bank_questions(revision.module.course_id), rng)
    questions = list(revision.questions)
    rng.shuffle(questions)
    return [(question, kinds.shuffled_choices(question, rng)) for question in questions]


def as_stored(paper):
    """A paper as an attempt keeps it: [[question id, [choice ids]], ...] in order."""
    return [[question.id, [choice.id for choice in choices]] for question, choices in paper]


def paper_of(attempt, revision):
    """The paper an attempt was asked, as it kept it (attempts from before papers: the quiz's own order)."""
    return stored_paper(attempt.paper, revision)


def stored_paper(stored, revision):
    """[(question, [choices])] of a paper as kept ([[question id, [choice ids]], ...]) for this revision."""
    if not stored:
        return [(question, list(question.choices)) for question in revision.questions]
    if revision.draw:
        questions = bank_questions_by_id([question_id for question_id, _ids in stored])
    else:
        questions = {question.id: question for question in revision.questions}
    paper = []
    for question_id, choice_ids in stored:
        question = questions.get(question_id)
        if question is not None:
            choices = {choice.id: choice for choice in question.choices}
            paper.append((question, [choices[cid] for cid in choice_ids if cid in choices]))
    return paper


def reveals_answers(revision, attempt, attempts_left):
    """Whether this attempt's page may show the right answers and the explanations."""
    if revision.reveal == "never":
        return False
    if revision.reveal == "last":
        return attempts_left == 0
    return attempt.is_passed


def check_may_attempt(user, module, now):
    """Refuse another attempt beyond today's limit, or too soon after a failed one, saying when."""
    per_day = current_app.config["QUIZ_ATTEMPTS_PER_DAY"]
    cooldown = timedelta(minutes=current_app.config["QUIZ_COOLDOWN_MINUTES"])
    local = now.astimezone(_BEIJING)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    today, last = db.session.execute(
        select(
            func.count(QuizAttempt.id).filter(QuizAttempt.submitted_at >= midnight), func.max(QuizAttempt.submitted_at)
        ).where(QuizAttempt.user_id == user.id, QuizAttempt.module_id == module.id)
    ).one()
    if per_day and today >= per_day:
        raise DomainError(
            ngettext(
                "You have made today's %(num)d attempt at this quiz. Read the lessons again; you can try tomorrow.",
                "You have made today's %(num)d attempts at this quiz. Read the lessons again; you can try tomorrow.",
                per_day,
            )
        )
    if cooldown and last is not None and now - last < cooldown:
        failed = db.session.scalar(
            select(QuizAttempt.is_passed.is_(False)).where(
                QuizAttempt.user_id == user.id, QuizAttempt.module_id == module.id, QuizAttempt.submitted_at == last
            )
        )
        if failed:
            wait = max(1, math.ceil((cooldown - (now - last)).total_seconds() / 60))
            raise DomainError(
                ngettext(
                    "Look again at what you got wrong: you can try again in %(num)d minute.",
                    "Look again at what you got wrong: you can try again in %(num)d minutes.",
                    wait,
                )
            )


def _choice_ids(values):
    ids = []
    for value in values:
        text = str(value).strip()
        if not text.isascii() or not text.isdigit() or len(text) > 12:
            raise DomainError(_("An answer was not one of the choices. Reload the quiz and try again."))
        ids.append(int(text))
    return ids


def ensure_answers_fit(paper, answers):
    """The answers to the paper as kept: chosen ids, or the typed text, per question; or a DomainError.

    `answers` maps question ids (as sent) to the lists of values sent. Refused: an answer
    missing, a choice not of its question, two choices for a single-choice question.
    """
    chosen = {}
    for question, choices in paper:
        sent = answers.get(str(question.id), [])
        if not kinds.has_choices(question):
            typed = kinds.typed_answer(sent)
            if not typed:
                raise DomainError(_("Answer every question before you submit."), "answers")
            chosen[str(question.id)] = typed
            continue
        picked = _choice_ids([value for value in sent if str(value).strip()])
        if not picked:
            raise DomainError(_("Answer every question before you submit."), "answers")
        if not set(picked) <= {choice.id for choice in choices}:
            raise DomainError(_("An answer was not one of the choices. Reload the quiz and try again."))
        if question.kind != "multiple" and len(picked) > 1:
            raise DomainError(_("Choose one answer for each single-choice question."), "answers")
        chosen[str(question.id)] = sorted(set(picked))
    return chosen


def mark(paper, chosen):
    """{question id: whether the answer is right} of a paper and its answers (ensure_answers_fit)."""
    return {str(question.id): kinds.is_right(question, chosen.get(str(question.id))) for question, _c in paper}


def review_rows(paper, attempt):
    """[(question, choices, answer, is_right)] of an attempt's paper, for its review page."""
    marks = attempt.marks or {}
    rows = []
    for question, choices in paper:
        answer = attempt.answers.get(str(question.id), [] if kinds.has_choices(question) else "")
        right = marks.get(str(question.id))
        if right is None:  # attempts from before marks were kept
            right = kinds.is_right(question, answer)
        rows.append((question, choices, answer, right))
    return rows


def due_in_words(sitting, now):
    """Whole minutes left on a timed paper (at least 0)."""
    return max(0, math.ceil((sitting.due_at - now).total_seconds() / 60))


def check_in_time(sitting, now):
    """Whether an answer to a sitting arriving `now` is in time (with the grace for the network)."""
    grace = timedelta(seconds=current_app.config["QUIZ_LATE_GRACE_SECONDS"])
    return now <= sitting.due_at + grace
