"""Questions of every kind: whether an answer is right, and papers drawn from a bank by a rule.

Kinds with choices (single, multiple, true_false) are answered with choice ids. A number
(`answer` = {"value": "36", "tolerance": "0.5", "unit": "V"}) is right within its tolerance,
written with or without its unit. A short answer (`answer` = {"accepted": ["漏电保护器", ...]})
is right when it matches one of the accepted answers once both are normalised: full- and
half-width forms made the same (ＡＢＣ１２ = ABC12), spaces left out, case ignored.

Used by quizzes (learning), drills and contests alike, over Question and BankQuestion rows.
"""

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from learnhub.catalog.models import CHOICE_KINDS

MAX_TYPED = 200  # characters kept of a typed answer
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_SPACES = re.compile(r"\s+")


def has_choices(question):
    """Whether the question is answered by picking choices (else by typing)."""
    return question.kind in CHOICE_KINDS


def normalise_text(text):
    """A short answer as compared: NFKC (full width = half width), no spaces, case folded."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", str(text or ""))).casefold()


def parse_number(text, unit=""):
    """The Decimal a worker typed ("3.5", "３．５", "3.5 mm" when the unit is mm), or None."""
    text = normalise_text(text).replace("。", ".").replace(",", "")
    unit = normalise_text(unit)
    if unit and text.endswith(unit):
        text = text[: -len(unit)]
    if not _NUMBER.match(text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def right_choice_ids(question):
    """The ids of the right choices, sorted."""
    return sorted(choice.id for choice in question.choices if choice.is_correct)


def is_right(question, answer):
    """Whether `answer` (choice ids for choice kinds, the typed text otherwise) is right."""
    if has_choices(question):
        return sorted(set(answer or [])) == right_choice_ids(question)
    spec = question.answer or {}
    if question.kind == "number":
        value = parse_number(answer, spec.get("unit", ""))
        if value is None:
            return False
        return abs(value - Decimal(str(spec["value"]))) <= Decimal(str(spec.get("tolerance") or 0))
    typed = normalise_text(answer)
    return bool(typed) and typed in {normalise_text(a) for a in spec.get("accepted", [])}


def right_answer_text(question):
    """The right answer in words, for a typed question: "36 V (±0.5)" or "漏电保护器 / 漏电开关"."""
    spec = question.answer or {}
    if question.kind == "number":
        text = f"{spec.get('value')} {spec.get('unit') or ''}".strip()
        tolerance = spec.get("tolerance")
        return f"{text} (±{tolerance})" if tolerance and Decimal(str(tolerance)) else text
    if question.kind == "text":
        return " / ".join(spec.get("accepted", []))
    return " / ".join(choice.text for choice in question.choices if choice.is_correct)


def typed_answer(values):
    """The text of a typed answer as sent in a form (a list of values): without control or invisible
    characters (NUL, a right-to-left override), trimmed, at most MAX_TYPED characters."""
    text = str(values[0] if isinstance(values, list) and values else values or "")
    text = "".join(ch for ch in text if ch in " " or unicodedata.category(ch)[0] not in "CZ" or ch.isspace())
    return " ".join(text.split())[:MAX_TYPED]


MAX_DIGITS = 15  # of an author's number: enough for any measure, and nothing a float mangles


def number_answer(value, tolerance="0", unit=""):
    """The `answer` of a number question, or ValueError when value or tolerance is not a plain number.

    An author writes no thousands separators (a comma is refused: 1,5 could mean 1.5 or 15).
    """
    if "," in str(value) or "," in str(tolerance or ""):
        raise ValueError("a comma")
    parsed, spread = parse_number(value), parse_number(tolerance or "0")
    if parsed is None or spread is None or spread < 0:
        raise ValueError("not a number")
    if any(len(number.as_tuple().digits) > MAX_DIGITS for number in (parsed, spread)):
        raise ValueError("too long")
    return {"value": str(parsed), "tolerance": str(spread), "unit": str(unit or "").strip()}


def text_answer(accepted):
    """The `answer` of a short-answer question from a list of accepted answers (blank ones dropped)."""
    kept = []
    for item in accepted:
        item = str(item or "").strip()
        if item and normalise_text(item) not in {normalise_text(k) for k in kept}:
            kept.append(item)
    return {"accepted": kept}


# ---------------------------------------------------------------- drawing from a bank


def rule_count(rule):
    """How many questions a draw rule asks."""
    return int(rule.get("basic", 0)) + int(rule.get("harder", 0))


def rule_problem(rule, bank):
    """Why a bank (BankQuestion rows, live) cannot give papers under `rule`: (key, numbers) or None.

    Keys: "empty" (no question asked), "basic"/"harder" (too few of that difficulty: have,
    want), "topics" (one a topic asked but more topics than questions: topics, count).
    """
    pool = _pool(rule, bank)
    if rule_count(rule) == 0:
        return "empty", {}
    for difficulty in ("basic", "harder"):
        have = sum(1 for q in pool if q.difficulty == difficulty)
        if have < int(rule.get(difficulty, 0)):
            return difficulty, {"have": have, "want": int(rule.get(difficulty, 0))}
    topics = {q.topic for q in pool}
    if rule.get("each_topic") and len(topics) > rule_count(rule):
        return "topics", {"topics": len(topics), "count": rule_count(rule)}
    return None


def _pool(rule, bank):
    wanted = set(rule.get("topics") or [])
    return [q for q in bank if not q.is_retired and (not wanted or q.topic in wanted)]


def draw(rule, bank, rng):
    """A paper under `rule` from the bank: [(question, [its choices in order])], shuffled by `rng`.

    `rule`: {"basic": n, "harder": m, "each_topic": bool, "topics": [...]}. With each_topic, one
    question of every topic comes first (from the difficulty with room left), then the rest is
    filled at random; a bank too small gives what it has (rule_problem says so beforehand).
    """
    pool = sorted(_pool(rule, bank), key=lambda q: q.id)
    rng.shuffle(pool)
    left = {"basic": int(rule.get("basic", 0)), "harder": int(rule.get("harder", 0))}
    chosen = []
    if rule.get("each_topic"):
        topics = sorted({q.topic for q in pool})
        rng.shuffle(topics)
        for topic in topics:
            for question in pool:
                if question.topic == topic and left[question.difficulty] > 0 and question not in chosen:
                    chosen.append(question)
                    left[question.difficulty] -= 1
                    break
    for question in pool:
        if question not in chosen and left[question.difficulty] > 0:
            chosen.append(question)
            left[question.difficulty] -= 1
    rng.shuffle(chosen)
    return [(question, shuffled_choices(question, rng)) for question in chosen]


def shuffled_choices(question, rng):
    """A question's choices in a new order (a true-or-false question keeps 正确 / 错误 in place)."""
    choices = list(question.choices)
    if question.kind in ("single", "multiple"):
        rng.shuffle(choices)
    return choices
