"""Quizzes drawn from a course's bank, answers typed as numbers or words, and timed papers."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from learnhub.catalog import questions as kinds
from learnhub.catalog.models import BankChoice, BankQuestion
from learnhub.catalog.services import course_modules
from learnhub.core.errors import DomainError
from learnhub.extensions import db
from learnhub.learning import services as learning
from learnhub.learning.models import QuizAttempt

TOPICS = ("个人防护", "用电", "机械")


def add_bank(course, basic=9, harder=6):
    """A bank of single-choice questions (first choice right) over three topics; returns them."""
    rows = []
    for n in range(basic + harder):
        difficulty = "basic" if n < basic else "harder"
        rows.append(
            BankQuestion(
                course_id=course.id,
                key=f"q{n}",
                topic=TOPICS[n % 3],
                difficulty=difficulty,
                kind="single",
                text=f"题库第{n}题",
                explanation=f"说明{n}",
                choices=[BankChoice(position=c, text=f"选项{n}-{c}", is_correct=c == 0) for c in range(3)],
            )
        )
    db.session.add_all(rows)
    db.session.flush()
    return rows


def _quiz(course):
    return {m.key: (m, r) for m, r in course_modules(course)}["check"]


@pytest.fixture
def drawn(make_course):
    course = make_course("drawn", max_attempts=0)
    bank = add_bank(course)
    module, revision = _quiz(course)
    revision.draw = {"basic": 6, "harder": 4, "each_topic": True}
    db.session.flush()
    return course, module, revision, bank


def _right(paper):
    return {str(q.id): [str(c.id) for c in q.choices if c.is_correct] for q, _c in paper}


def test_a_paper_has_the_rule_s_mix_one_of_each_topic_and_differs_each_attempt(client, auth, make_user, drawn):
    course, module, revision, bank = drawn
    make_user("drawer")
    auth.login("drawer")
    auth.post("/courses/drawn/enrol")
    by_id = {q.id: q for q in bank}
    papers = []
    for _n in range(5):
        page = client.get("/courses/drawn/check").get_data(as_text=True)
        shown = list(dict.fromkeys(int(n) for n in re.findall(r'name="q(\d+)"', page)))
        asked = [by_id[i] for i in shown]
        assert len(asked) == 10
        assert sum(q.difficulty == "basic" for q in asked) == 6
        assert {q.topic for q in asked} == set(TOPICS)
        assert "选项" in page and "说明0" not in page and "说明1" not in page  # no explanation before the answer
        wrong = {f"q{q.id}": [str(q.choices[1].id)] for q in asked}
        response = auth.post("/courses/drawn/check/quiz", wrong)
        assert response.status_code == 302
        attempt = db.session.scalar(select(QuizAttempt).order_by(QuizAttempt.id.desc()))
        assert [qid for qid, _c in attempt.paper] == shown
        papers.append(tuple(shown))
    assert len(set(papers)) == 5


def test_a_review_shows_what_was_asked_after_the_bank_changed(client, auth, make_user, drawn):
    course, module, revision, bank = drawn
    worker = make_user("reviewer")
    learning.enrol(worker, course)
    from learnhub.learning import papers

    paper = papers.paper_for(worker, revision, 1)
    attempt = learning.submit_quiz(worker, course, module, revision, _right(paper))
    assert attempt.is_passed and attempt.score == 100
    first = paper[0][0]
    first.is_retired = True  # the trainer changed it: a new row, the old one retired
    db.session.add(BankQuestion(course_id=course.id, key=first.key, topic=first.topic, kind="single", text="改过的题"))
    db.session.flush()
    auth.login("reviewer")
    page = client.get(f"/courses/drawn/check/attempts/{attempt.id}").get_data(as_text=True)
    assert first.text in page and "改过的题" not in page
    assert page.count('class="right"') == 10


def test_numbers_count_within_their_tolerance_with_or_without_the_unit():
    question = BankQuestion(kind="number", answer=kinds.number_answer("36", "0.5", "V"))
    for typed in ("36", "36V", "36 v", "３６．２", "35.5 V", "+36.0"):
        assert kinds.is_right(question, typed), typed
    for typed in ("37", "36 mA", "三十六", "", "36.6", "1e3"):
        assert not kinds.is_right(question, typed), typed
    assert kinds.right_answer_text(question) == "36 V (±0.5)"


def test_short_answers_match_across_widths_spaces_and_case():
    question = BankQuestion(kind="text", answer=kinds.text_answer(["漏电保护器", "RCD", " rcd "]))
    assert question.answer == {"accepted": ["漏电保护器", "RCD"]}
    for typed in ("漏电保护器", " 漏电 保护器 ", "ＲＣＤ", "rcd", "R C D"):
        assert kinds.is_right(question, typed), typed
    for typed in ("漏电", "", "RCB"):
        assert not kinds.is_right(question, typed), typed


def test_a_quiz_of_typed_questions_scores_on_the_server(client, auth, make_user, make_course):
    from learnhub.catalog.models import Question

    course = make_course("typed", max_attempts=0)
    module, revision = _quiz(course)
    revision.questions = [
        Question(
            position=0, kind="number", text="安全电压？", explanation="36 V", answer=kinds.number_answer("36", "0", "V")
        ),
        Question(
            position=1, kind="text", text="装置名？", explanation="漏电保护器", answer=kinds.text_answer(["漏电保护器"])
        ),
    ]
    db.session.flush()
    make_user("typist")
    auth.login("typist")
    auth.post("/courses/typed/enrol")
    page = client.get("/courses/typed/check").get_data(as_text=True)
    assert 'inputmode="decimal"' in page and "漏电保护器" not in page
    number, text = revision.questions
    auth.post("/courses/typed/check/quiz", {f"q{number.id}": "３６ V", f"q{text.id}": "漏电 保护器"})
    attempt = db.session.scalar(select(QuizAttempt).order_by(QuizAttempt.id.desc()))
    assert attempt.score == 100 and attempt.answers == {str(number.id): "３６ V", str(text.id): "漏电 保护器"}
    # A paper refused comes back at once with what was typed kept, not blank.
    missing = auth.post("/courses/typed/check/quiz", {f"q{number.id}": "36"})
    page = missing.get_data(as_text=True)
    assert missing.status_code == 400 and "请答完所有题目再提交" in page
    assert re.search(rf'name="q{number.id}"[^>]*value="36"|value="36"[^>]*name="q{number.id}"', page)


@pytest.fixture
def clock(monkeypatch):
    now = {"at": datetime(2026, 12, 2, 1, 0, tzinfo=UTC)}
    monkeypatch.setattr(learning, "_now", lambda: now["at"])
    return now


def test_a_timed_paper_is_clocked_from_start_and_a_late_one_is_refused(client, auth, make_user, drawn, clock):
    course, module, revision, _bank = drawn
    revision.time_limit = 10
    db.session.flush()
    make_user("timed")
    auth.login("timed")
    auth.post("/courses/drawn/enrol")
    page = client.get("/courses/drawn/check").get_data(as_text=True)
    assert 'name="q' not in page and "/courses/drawn/check/start" in page  # nothing shown before Start
    refused = auth.post("/courses/drawn/check/quiz", {}, follow_redirects=True).get_data(as_text=True)
    assert "Start" in refused or "开始" in refused
    auth.post("/courses/drawn/check/start")
    page = client.get("/courses/drawn/check").get_data(as_text=True)
    shown = list(dict.fromkeys(int(n) for n in re.findall(r'name="q(\d+)"', page)))
    assert len(shown) == 10
    auth.post("/courses/drawn/check/start")  # a second tap keeps the paper
    again = client.get("/courses/drawn/check").get_data(as_text=True)
    assert list(dict.fromkeys(int(n) for n in re.findall(r'name="q(\d+)"', again))) == shown
    questions = {q.id: q for q in db.session.scalars(select(BankQuestion))}
    answers = {f"q{i}": [str(c.id) for c in questions[i].choices if c.is_correct] for i in shown}
    clock["at"] += timedelta(minutes=11)
    late = auth.post("/courses/drawn/check/quiz", answers, follow_redirects=True).get_data(as_text=True)
    assert "晚到了1分钟" in late
    attempt = db.session.scalar(select(QuizAttempt).order_by(QuizAttempt.id.desc()))
    assert attempt.is_late and attempt.score == 0 and not attempt.is_passed
    # The next paper, handed in in time, counts.
    auth.post("/courses/drawn/check/start")
    page = client.get("/courses/drawn/check").get_data(as_text=True)
    shown = list(dict.fromkeys(int(n) for n in re.findall(r'name="q(\d+)"', page)))
    clock["at"] += timedelta(minutes=9)
    answers = {f"q{i}": [str(c.id) for c in questions[i].choices if c.is_correct] for i in shown}
    auth.post("/courses/drawn/check/quiz", answers)
    attempt = db.session.scalar(select(QuizAttempt).order_by(QuizAttempt.id.desc()))
    assert attempt.is_passed and not attempt.is_late and attempt.started_at is not None


def test_an_untimed_quiz_cannot_be_started(make_user, drawn):
    course, module, revision, _bank = drawn
    worker = make_user("nostart")
    learning.enrol(worker, course)
    with pytest.raises(DomainError):
        learning.start_paper(worker, course, module, revision)
