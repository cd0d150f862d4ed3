"""The shipped quizzes test understanding, not the habit of picking "A" or "false".

A worker who learns that the right answer is usually the first choice, or that a true/false
statement is usually false, passes without reading. So in every shipped quiz:

- true/false answers are split: neither "true" nor "false" is right more than two times in three;
- the right answers of single-choice questions are spread: no one position holds more than half
  of them, and the first two positions together at most three in four;
- every multiple-choice question has at least one right and one wrong choice.

The papers shuffle the choices for each attempt, but the package is what an author copies, what a
printed paper shows and what an offline copy may keep in order.
"""

from collections import Counter
from pathlib import Path

import pytest
import yaml

COURSES = Path(__file__).resolve().parents[2] / "courses"


def shipped_quizzes():
    """Every quiz's own questions and every bank (a quiz that draws its paper is checked as its bank)."""
    return sorted(
        path
        for folder in COURSES.iterdir()
        if (folder / "course.yaml").is_file()
        for path in folder.glob("*.yaml")
        if path.name != "course.yaml" and "questions" in yaml.safe_load(path.read_text(encoding="utf-8"))
    )


def test_a_quiz_that_draws_its_paper_has_a_bank_of_30():
    drawing = [
        path
        for path in COURSES.glob("*/*.yaml")
        if path.name != "course.yaml" and "draw" in yaml.safe_load(path.read_text(encoding="utf-8"))
    ]
    assert drawing, "no shipped quiz draws its paper from a bank yet"
    for path in drawing:
        bank = yaml.safe_load((path.parent / "bank.yaml").read_text(encoding="utf-8"))["questions"]
        assert len(bank) >= 30, f"courses/{path.parent.name}/bank.yaml has {len(bank)} questions, fewer than 30"


def imbalances(questions):
    """What makes a quiz's answers guessable without reading, as sentences."""
    found, true_false, positions = [], Counter(), Counter()
    for number, question in enumerate(questions, 1):
        if question.get("type") in ("number", "text"):
            continue  # typed, not picked: nothing to guess by position
        right = [i for i, choice in enumerate(question["choices"]) if choice.get("correct")]
        if question["type"] == "true_false":
            true_false[question["choices"][right[0]]["text"]] += 1
        elif question["type"] == "single":
            positions[right[0]] += 1
        elif not right or len(right) == len(question["choices"]):
            found.append(f"question {number}: a multiple-choice question needs a right and a wrong choice")
    if sum(true_false.values()) >= 2 and max(true_false.values()) * 3 > sum(true_false.values()) * 2:
        found.append(f"true/false answers {dict(true_false)}: more than two in three are the same")
    singles = sum(positions.values())
    if singles >= 4:
        if max(positions.values()) * 2 > singles:
            found.append(f"single-choice answers by position {dict(sorted(positions.items()))}: one holds over half")
        if (positions[0] + positions[1]) * 4 > singles * 3:
            found.append(f"single-choice answers by position {dict(sorted(positions.items()))}: mostly A or B")
    return found


@pytest.mark.parametrize("path", shipped_quizzes(), ids=lambda path: f"{path.parent.name}/{path.name}")
def test_a_shipped_quiz_cannot_be_passed_by_guessing_a_position(path):
    problems = imbalances(yaml.safe_load(path.read_text(encoding="utf-8"))["questions"])
    assert not problems, f"courses/{path.parent.name}/{path.name}: " + "; ".join(problems)


def test_the_check_finds_a_quiz_of_first_choices_and_false_statements():
    def single(right):
        return {"type": "single", "choices": [{"text": c, "correct": c == right} for c in "ABCD"]}

    def true_false(answer):
        return {"type": "true_false", "choices": [{"text": t, "correct": t == answer} for t in ("正确", "错误")]}

    guessable = [single("A"), single("A"), single("A"), single("B"), true_false("错误"), true_false("错误")]
    assert len(imbalances(guessable)) == 3
    fair = [single("A"), single("B"), single("C"), single("D"), true_false("错误"), true_false("正确")]
    assert imbalances(fair) == []
    assert imbalances([{"type": "multiple", "choices": [{"text": "x", "correct": True}]}])
