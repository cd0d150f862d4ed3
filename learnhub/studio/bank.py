"""The studio's question bank: write, change and retire questions, import a sheet, item analysis.

A bank question is never changed in place: saving a change writes a new question and retires
the old one, so that every paper already written shows exactly what it asked (as the package
import does, catalog.importing.write_bank). The bank is the course's, not the draft's: what is
saved here is asked in the next paper drawn.
"""

import hashlib
from dataclasses import dataclass, field

from sqlalchemy import select

from learnhub.accounts.onboarding import read_table, visible
from learnhub.catalog import questions as kinds
from learnhub.catalog.importing import new_bank_question
from learnhub.catalog.models import DIFFICULTIES, QUESTION_KINDS, BankQuestion, Module, ModuleRevision
from learnhub.catalog.package import QuestionSpec
from learnhub.catalog.services import bank_questions
from learnhub.core.errors import DomainError, NotFound
from learnhub.core.i18n import gettext as _
from learnhub.core.tables import csv_for_excel
from learnhub.extensions import db
from learnhub.learning.models import QuizAttempt
from learnhub.studio.modules import clean_question
from learnhub.studio.services import _text, check_editable, log

MAX_BANK = 2000
# The strong and the weak attempts of item analysis: the top and bottom 27 % by score (Kelley).
GROUP_SHARE = 0.27
# Item analysis reads at most this many of the latest attempts of a course's drawn quizzes.
ANALYSIS_ATTEMPTS = 5000


def get_bank_question(course, question_id):
    """A live question of this course's bank, or NotFound."""
    question = db.session.get(BankQuestion, question_id)
    if question is None or question.course_id != course.id or question.is_retired:
        raise NotFound(_("Question not found."))
    return question


def _key_for(kind, text):
    return "q-" + hashlib.sha256(f"{kind}\n{text}".encode()).hexdigest()[:12]


def _spec(course, values, key=None):
    kind, text, choices, explanation, answer = clean_question(
        values.get("kind"), values.get("text"), values.get("choices") or [], values.get("explanation"), values
    )
    topic = _text(values.get("topic"), "topic", 80, _("Give the question a topic, such as 触电急救."))
    difficulty = values.get("difficulty") or "basic"
    if difficulty not in DIFFICULTIES:
        raise DomainError(_("Choose basic or harder."), "difficulty")
    return QuestionSpec(
        kind=kind,
        text=text,
        explanation=explanation,
        choices=choices,
        answer=answer,
        key=key or _key_for(kind, text),
        topic=topic,
        difficulty=difficulty,
    )


def save_bank_question(user, course, question_id, values):
    """Add a question to the bank (question_id None), or change one: a new question retires the old.

    `values`: kind, text, explanation, topic, difficulty, choices [(text, is_correct)], and for
    typed answers value, tolerance, unit, accepted (studio.forms.BankQuestionForm).
    """
    check_editable(course)
    old = get_bank_question(course, question_id) if question_id is not None else None
    if old is None and len(bank_questions(course.id)) >= MAX_BANK:
        raise DomainError(_("A bank has at most %(max)d questions.", max=MAX_BANK))
    spec = _spec(course, values, key=old.key if old else None)
    if old is None and db.session.scalar(
        select(BankQuestion.id).where(
            BankQuestion.course_id == course.id, BankQuestion.key == spec.key, BankQuestion.is_retired.is_(False)
        )
    ):
        raise DomainError(_("The bank already has this question."), "text")
    question = new_bank_question(course, spec)
    if old is not None:
        if old.content_hash == question.content_hash:
            return old
        old.is_retired = True
    db.session.add(question)
    log(course, user, "bank_changed", note=spec.text[:200])
    db.session.flush()
    return question


def retire_bank_question(user, course, question_id):
    """Take a question out of the bank; papers that asked it keep it."""
    check_editable(course)
    question = get_bank_question(course, question_id)
    question.is_retired = True
    _check_rules_still_met(course)
    log(course, user, "bank_changed", note=question.text[:200])
    db.session.flush()


def _check_rules_still_met(course):
    """Refuse taking out a question that a quiz's draw rule needs."""
    bank = bank_questions(course.id)
    for revision in _drawing_revisions(course):
        if kinds.rule_problem(revision.draw, bank) is not None:
            raise DomainError(
                _("The quiz “%(title)s” draws more questions than the bank would have left.", title=revision.title)
            )


def _drawing_revisions(course):
    return db.session.scalars(
        select(ModuleRevision)
        .join(Module, Module.id == ModuleRevision.module_id)
        .where(Module.course_id == course.id, ModuleRevision.draw.is_not(None))
    ).all()


# ---------------------------------------------------------------- a sheet of questions

# Accepted header names per column (the first is the template's), compared as onboarding does.
COLUMNS = {
    "key": ("编号", "id"),
    "kind": ("题型", "type"),
    "topic": ("主题", "topic"),
    "difficulty": ("难度", "difficulty"),
    "text": ("题目", "question", "text"),
    **{f"choice{letter}": (f"选项{letter}", f"choice {letter}") for letter in "ABCDEF"},
    "answer": ("答案", "answer"),
    "tolerance": ("允许误差", "tolerance"),
    "unit": ("单位", "unit"),
    "explanation": ("解析", "explanation"),
}
REQUIRED = ("kind", "topic", "text", "answer", "explanation")
_KIND_NAMES = {
    "单选": "single",
    "单选题": "single",
    "多选": "multiple",
    "多选题": "multiple",
    "判断": "true_false",
    "判断题": "true_false",
    "填数": "number",
    "数值": "number",
    "填空": "text",
    "简答": "text",
    **{kind: kind for kind in QUESTION_KINDS},
    "true/false": "true_false",
}
_DIFFICULTY_NAMES = {"基础": "basic", "一般": "basic", "提高": "harder", "较难": "harder", "难": "harder"}
_TRUE = ("正确", "对", "true", "t", "a", "√")
_FALSE = ("错误", "错", "false", "f", "b", "×")


@dataclass
class SheetRow:
    """One row of a question sheet: its number, what it says, and what is wrong with it."""

    row: int
    text: str = ""
    reasons: list = field(default_factory=list)
    spec: QuestionSpec | None = None


def _choice_values(raw):
    """(kind, values) of a sheet row: the question's kind, and the form-like values for clean_question."""
    kind = _KIND_NAMES.get(kinds.normalise_text(raw.get("kind")))
    values = {
        "kind": kind,
        "text": raw.get("text"),
        "explanation": raw.get("explanation"),
        "topic": raw.get("topic"),
        "difficulty": _DIFFICULTY_NAMES.get(
            kinds.normalise_text(raw.get("difficulty")), kinds.normalise_text(raw.get("difficulty")) or "basic"
        ),
    }
    answer = str(raw.get("answer") or "").strip()
    if kind == "number":
        values.update(value=answer, tolerance=raw.get("tolerance") or "0", unit=raw.get("unit") or "")
    elif kind == "text":
        values["accepted"] = [part for part in answer.replace("；", "|").replace(";", "|").split("|")]
    elif kind == "true_false":
        said = kinds.normalise_text(answer)
        values["choices"] = [(_("True"), said in _TRUE), (_("False"), said in _FALSE)]
    elif kind:
        letters = set(kinds.normalise_text(answer).upper().replace(",", "").replace("、", ""))
        values["choices"] = [(raw.get(f"choice{letter}") or "", letter in letters) for letter in "ABCDEF"]
    return kind, values


def read_sheet(course, filename, data):
    """Every row of a question sheet checked: [SheetRow], each with its reasons or its question."""
    rows = read_table(filename, data, columns=COLUMNS, required=REQUIRED)
    seen, results = {}, []
    for raw in rows:
        result = SheetRow(row=raw["row"], text=visible(raw.get("text")))
        kind, values = _choice_values(raw)
        if kind is None:
            result.reasons.append(_("The type must be 单选, 多选, 判断, 填数 or 简答."))
        else:
            try:
                key = str(raw.get("key") or "").strip()[:80] or None
                result.spec = _spec(course, values, key=key)
            except DomainError as error:
                result.reasons.append(error.message)
        if result.spec is not None:
            if result.spec.key in seen:
                result.reasons.append(_("The same question as row %(row)d.", row=seen[result.spec.key]))
            seen.setdefault(result.spec.key, result.row)
        results.append(result)
    return results


def import_sheet(user, course, filename, data):
    """Add the sheet's questions to the bank: all of them, or none while any row has a mistake.

    Returns (rows, counts): every SheetRow, and {"new": n, "changed": n, "unchanged": n}. A row
    whose 编号 (or wording) is already in the bank changes that question.
    """
    check_editable(course)
    rows = read_sheet(course, filename, data)
    counts = {"new": 0, "changed": 0, "unchanged": 0}
    if not rows:
        raise DomainError(_("The sheet has no questions under its header row."), "file")
    if any(row.reasons for row in rows):
        return rows, counts
    live = {question.key: question for question in bank_questions(course.id)}
    if len(set(live) | {row.spec.key for row in rows}) > MAX_BANK:
        raise DomainError(_("A bank has at most %(max)d questions.", max=MAX_BANK), "file")
    for row in rows:
        question = new_bank_question(course, row.spec)
        old = live.get(row.spec.key)
        if old is not None and old.content_hash == question.content_hash:
            counts["unchanged"] += 1
            continue
        if old is not None:
            old.is_retired = True
        counts["changed" if old is not None else "new"] += 1
        db.session.add(question)
    log(course, user, "bank_imported", note=f"{filename}"[:200])
    db.session.flush()
    return rows, counts


def template_csv():
    """An empty question sheet for Excel: the header row and one example row of each type."""
    header = [aliases[0] for aliases in COLUMNS.values()]
    blank = {key: "" for key in COLUMNS}
    examples = [
        dict(
            blank,
            kind="单选",
            topic="触电急救",
            difficulty="基础",
            text="发现有人触电，第一步应当怎么做？",
            choiceA="立即用手把人拉开",
            choiceB="先切断电源",
            answer="B",
            explanation="直接接触触电者会使施救者同样触电。",
        ),
        dict(
            blank,
            kind="多选",
            topic="个人防护",
            difficulty="基础",
            text="进车间要戴好哪些防护用品？",
            choiceA="安全帽",
            choiceB="防护眼镜",
            choiceC="耳机",
            answer="AB",
            explanation="耳机会让人听不见警报。",
        ),
        dict(
            blank,
            kind="判断",
            topic="个人防护",
            text="安全交底看一次就够了。",
            answer="错误",
            explanation="每天都要看。",
        ),
        dict(
            blank,
            kind="填数",
            topic="安全电压",
            difficulty="提高",
            text="潮湿环境中手持照明灯的电压不应超过多少伏？",
            answer="12",
            tolerance="0",
            unit="V",
            explanation="潮湿场所应使用12 V及以下的安全电压。",
        ),
        dict(
            blank,
            kind="简答",
            topic="漏电保护",
            difficulty="提高",
            text="能在漏电时自动切断电源的装置叫什么？",
            answer="漏电保护器|漏电开关|RCD",
            explanation="答案可写几种说法，用 | 隔开。",
        ),
    ]
    return csv_for_excel([header] + [[row[key] for key in COLUMNS] for row in examples])


# ---------------------------------------------------------------- item analysis


@dataclass
class ItemFigures:
    """How one bank question did: asked, right, share right, discrimination (None: too few)."""

    asked: int = 0
    right: int = 0
    top_asked: int = 0
    top_right: int = 0
    bottom_asked: int = 0
    bottom_right: int = 0

    @property
    def share_right(self):
        return self.right / self.asked if self.asked else None

    @property
    def discrimination(self):
        if not self.top_asked or not self.bottom_asked:
            return None
        return self.top_right / self.top_asked - self.bottom_right / self.bottom_asked

    @property
    def advice(self):
        """A word for the trainer when the figures say the question needs a look (None: fine or too few)."""
        if self.asked < 10:
            return None
        if self.share_right < 0.2:
            return _("Very few get it right: check the answer and the wording.")
        if self.discrimination is not None and self.discrimination < 0.2:
            return _("Strong and weak learners do about as well: it does not tell them apart.")
        if self.share_right > 0.95:
            return _("Nearly everyone gets it right.")
        return None


def item_analysis(course):
    """({bank question id: ItemFigures}, attempts read) over the latest attempts of the course's drawn quizzes.

    The strong and weak groups are the top and bottom 27 % of those attempts by score; a
    question's discrimination is its share right in the strong group minus that in the weak.
    """
    revision_ids = [revision.id for revision in _drawing_revisions(course)]
    if not revision_ids:
        return {}, 0
    rows = db.session.execute(
        select(QuizAttempt.score, QuizAttempt.marks)
        .where(
            QuizAttempt.revision_id.in_(revision_ids), QuizAttempt.marks.is_not(None), QuizAttempt.is_late.is_(False)
        )
        .order_by(QuizAttempt.id.desc())
        .limit(ANALYSIS_ATTEMPTS)
    ).all()
    ranked = sorted(rows, key=lambda row: row.score)
    size = round(len(ranked) * GROUP_SHARE)
    bottom, top = (ranked[:size], ranked[-size:]) if size else ([], [])
    figures = {}
    for group, attempts in (("all", ranked), ("top", top), ("bottom", bottom)):
        for attempt in attempts:
            for question_id, right in attempt.marks.items():
                item = figures.setdefault(int(question_id), ItemFigures())
                if group == "all":
                    item.asked, item.right = item.asked + 1, item.right + bool(right)
                elif group == "top":
                    item.top_asked, item.top_right = item.top_asked + 1, item.top_right + bool(right)
                else:
                    item.bottom_asked, item.bottom_right = item.bottom_asked + 1, item.bottom_right + bool(right)
    return figures, len(ranked)
