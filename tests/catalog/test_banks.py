"""Question banks in course packages: bank.yaml, quizzes that draw from it, typed answers."""

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from learnhub.catalog.models import BankQuestion, Course, Module, ModuleRevision
from learnhub.catalog.package import read_package
from learnhub.catalog.services import bank_questions
from learnhub.extensions import db

TINY = Path(__file__).resolve().parent / "packages" / "tiny-course"

BANK = """\
questions:
{questions}
  - id: helmet-number
    topic: 个人防护
    difficulty: harder
    type: number
    text: 安全帽的使用期限一般不超过多少个月？
    answer: 30
    tolerance: 0
    unit: 个月
    explanation: 塑料安全帽一般自生产之日起不超过30个月。
  - id: rcd-name
    topic: 用电
    difficulty: harder
    type: text
    text: 能在漏电时自动切断电源的装置叫什么？
    accept: [漏电保护器, 漏电开关, RCD]
    explanation: 漏电保护器（RCD）在漏电电流达到30 mA时动作。
"""


def _single(n, topic, difficulty):
    return f"""\
  - id: q{n}
    topic: {topic}
    difficulty: {difficulty}
    type: single
    text: 第{n}题
    choices:
      - text: 对的
        correct: true
      - text: 错的
    explanation: 说明{n}。"""


def bank_text(basic=6, harder=2, topics=("个人防护", "用电", "机械")):
    """A bank of `basic` basic and `harder` harder single-choice questions over `topics`, and two typed ones."""
    items = [_single(n, topics[n % len(topics)], "basic") for n in range(basic)]
    items += [_single(100 + n, topics[n % len(topics)], "harder") for n in range(harder)]
    return BANK.format(questions="\n".join(items))


DRAWN_QUIZ = """\
title: 抽题测验
kind: quiz
minutes: 10
credits: 0
pass_mark: 60
attempts: 0
time_limit: 15
draw:
  basic: 6
  harder: 4
  each_topic: true
"""


@pytest.fixture(autouse=True)
def _instance(app, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "instance_path", str(tmp_path / "instance"))


@pytest.fixture
def banked(tmp_path):
    """The tiny package with a bank of 12 questions and a quiz that draws 10 of them, timed."""
    folder = tmp_path / "pkgs" / "tiny-course"
    shutil.copytree(TINY, folder)
    (folder / "bank.yaml").write_text(bank_text(), encoding="utf-8")
    (folder / "04-drawn.yaml").write_text(DRAWN_QUIZ, encoding="utf-8")
    course_yaml = folder / "course.yaml"
    course_yaml.write_text(course_yaml.read_text(encoding="utf-8") + "  - 04-drawn.yaml\n", encoding="utf-8")
    return folder


def run(runner, folder):
    result = runner.invoke(args=["courses", "import", str(folder)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def test_a_bank_and_a_drawing_quiz_import_and_reimport_unchanged(runner, banked):
    result = run(runner, banked)
    assert result.exit_code == 0, result.output
    course = db.session.scalar(select(Course).where(Course.slug == "tiny-course"))
    bank = bank_questions(course.id)
    assert len(bank) == 10
    by_key = {q.key: q for q in bank}
    assert by_key["helmet-number"].answer == {"value": "30", "tolerance": "0", "unit": "个月"}
    assert by_key["rcd-name"].answer == {"accepted": ["漏电保护器", "漏电开关", "RCD"]}
    quiz = db.session.scalar(
        select(ModuleRevision).join(Module).where(Module.course_id == course.id, Module.key == "drawn")
    )
    assert quiz.draw == {"basic": 6, "harder": 4, "each_topic": True}
    assert quiz.time_limit == 15 and quiz.questions == []
    again = run(runner, banked)
    assert "0 created, 0 updated, 1 unchanged" in again.output


def test_a_changed_bank_question_is_a_new_one_and_the_old_is_kept_retired(runner, banked):
    run(runner, banked)
    bank_file = banked / "bank.yaml"
    bank_file.write_text(bank_text().replace("text: 第1题", "text: 第1题（改）"), encoding="utf-8")
    result = run(runner, banked)
    assert "bank: 1 changed" in result.output
    rows = db.session.scalars(select(BankQuestion).where(BankQuestion.key == "q1").order_by(BankQuestion.id)).all()
    assert [(r.text, r.is_retired) for r in rows] == [("第1题", True), ("第1题（改）", False)]


def test_a_draw_the_bank_cannot_give_is_refused_naming_the_file(runner, banked):
    (banked / "bank.yaml").write_text(bank_text(harder=1), encoding="utf-8")
    result = run(runner, banked)
    assert result.exit_code == 1
    assert "tiny-course/04-drawn.yaml: 'draw' asks for 4 harder questions, but the bank has 3" in result.output


def test_bank_mistakes_are_reported_with_their_lines(banked):
    (banked / "bank.yaml").write_text(
        """\
questions:
  - topic: 用电
    type: number
    text: 安全电压是多少伏？
    answer: 三十六
    explanation: 36 V。
  - topic: 用电
    difficulty: hard
    type: text
    text: 叫什么？
    accept: []
    explanation: 无。
""",
        encoding="utf-8",
    )
    _package, errors = read_package(banked)
    shown = [str(e) for e in errors]
    assert (
        "tiny-course/bank.yaml:5: 'answer' and 'tolerance' of question 1 must be numbers such as 3.5, not '三十六'"
        in shown
    )
    assert any(e.startswith("tiny-course/bank.yaml:8: 'difficulty' must be one of: basic, harder") for e in shown)
    assert any(e.startswith("tiny-course/bank.yaml:11: question 2 needs 'accept:") for e in shown)


def test_export_writes_the_bank_and_the_draw_so_it_imports_back_unchanged(runner, banked, tmp_path):
    run(runner, banked)
    out = tmp_path / "out" / "tiny-course"
    assert runner.invoke(args=["courses", "export", "tiny-course", str(out)]).exit_code == 0
    package, errors = read_package(out)
    assert errors == []
    original, _errors = read_package(banked)
    assert package.source_hash == original.source_hash
