"""Drills (岗位练兵): ten questions a day from my trade's banks, feedback at once, the wrong-answer book, a streak."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from learnhub.catalog.models import BankChoice, BankQuestion
from learnhub.contests import drills
from learnhub.contests.models import Drill, DrillItem
from learnhub.extensions import db
from learnhub.learning import services as learning


def add_bank(course, count=15, prefix="练兵题"):
    rows = [
        BankQuestion(
            course_id=course.id,
            key=f"{prefix}-{n}",
            topic=("用电", "防护", "急救")[n % 3],
            difficulty="basic",
            kind="single",
            text=f"{prefix}{n}",
            explanation=f"解析{prefix}{n}",
            choices=[BankChoice(position=c, text=f"{prefix}{n}选项{c}", is_correct=c == 0) for c in range(3)],
        )
        for n in range(count)
    ]
    db.session.add_all(rows)
    db.session.flush()
    return rows


@pytest.fixture
def clock(monkeypatch):
    now = {"at": datetime(2026, 12, 2, 1, 0, tzinfo=UTC)}  # 9:00 in Beijing
    monkeypatch.setattr(drills, "_now", lambda: now["at"])
    return now


@pytest.fixture
def electrician(make_user, make_course):
    course = make_course("wiring", occupation="electrician")
    add_bank(course)
    other = make_course("welding", occupation="welder")
    add_bank(other, prefix="焊工题")
    return make_user("sparky", occupation="electrician")


def _current(page):
    """(number, question id, [choice ids]) of the question a drill page asks."""
    number = int(re.search(r'name="number" value="(\d+)"', page).group(1))
    qid = int(re.search(r'name="q(\d+)"', page).group(1))
    return number, qid, [int(c) for c in re.findall(r'name="q\d+" value="(\d+)"', page)]


def _right_choice(qid):
    return next(c.id for c in db.session.get(BankQuestion, qid).choices if c.is_correct)


def test_a_worker_drills_ten_questions_of_their_trade_without_javascript(client, auth, electrician, clock):
    auth.login("sparky")
    assert "/drills/start" in client.get("/drills/").get_data(as_text=True)
    response = auth.post("/drills/start", {"kind": "daily"})
    drill_url = response.headers["Location"]
    asked, missed = [], []
    for n in range(1, 11):
        page = client.get(drill_url).get_data(as_text=True)
        assert len(page.encode()) < 20_000  # a phone's page: a few kilobytes
        number, qid, choices = _current(page)
        assert number == n and "焊工题" not in page  # only the electrician's bank
        assert "解析" not in page  # the explanation comes with the answer, not before
        right = _right_choice(qid)
        pick = right if n % 3 else next(c for c in choices if c != right)
        feedback = auth.post(f"{drill_url}/answer", {"number": str(n), f"q{qid}": str(pick)})
        assert feedback.headers["Location"].endswith(f"{drill_url}/{n}")
        shown = client.get(feedback.headers["Location"]).get_data(as_text=True)
        question = db.session.get(BankQuestion, qid)
        assert question.explanation in shown and "✓" in shown  # the right answer and why, at once
        asked.append(qid)
        if pick != right:
            missed.append(qid)
            assert "错题本" in shown
    done = client.get(drill_url).get_data(as_text=True)
    assert f"{10 - len(missed)}" in done
    assert len(set(asked)) == 10
    book = client.get("/drills/book").get_data(as_text=True)
    for qid in missed:
        assert db.session.get(BankQuestion, qid).text in book
    assert drills.streak(db.session.get(type(electrician), electrician.id)) == 1
    assert "1" in client.get("/drills/").get_data(as_text=True)


def test_a_second_tap_keeps_one_drill_and_one_answer(client, auth, electrician, clock):
    auth.login("sparky")
    first = auth.post("/drills/start", {"kind": "daily"}).headers["Location"]
    second = auth.post("/drills/start", {"kind": "daily"}).headers["Location"]
    assert first == second
    number, qid, choices = _current(client.get(first).get_data(as_text=True))
    for _tap in range(2):
        response = auth.post(f"{first}/answer", {"number": "1", f"q{qid}": str(choices[0])})
        assert response.headers["Location"].endswith(f"{first}/1")
    drill = db.session.scalar(select(Drill))
    assert len(drill.answers) == 1
    assert db.session.get(DrillItem, (electrician.id, qid)).times_answered == 1


def test_the_next_day_mixes_missed_and_new_and_a_right_answer_empties_the_book(electrician, clock):
    worker = electrician
    drill = drills.start_drill(worker)
    paper = drills.drill_paper(drill)
    for n, (question, choices) in enumerate(paper, 1):
        wrong = next(c.id for c in choices if not c.is_correct)
        drills.answer(worker, drill, n, [str(wrong)] if n <= 6 else [str(_right_choice(question.id))])
    assert drills.book_count(worker) == 6
    clock["at"] += timedelta(days=1)
    tomorrow = drills.start_drill(worker)
    asked = [qid for qid, _c in tomorrow.questions]
    in_book = {item.question_id for item in db.session.scalars(select(DrillItem).where(DrillItem.is_in_book))}
    assert len(asked) == 10
    assert 1 <= len(set(asked) & in_book) <= 5  # missed ones, at most half
    assert len(set(asked) - {qid for qid, _c in drill.questions}) == 5  # the 5 never met
    book_drill = drills.start_drill(worker, "book")
    assert {qid for qid, _c in book_drill.questions} == in_book
    for n, (question, _choices) in enumerate(drills.drill_paper(book_drill), 1):
        drills.answer(worker, book_drill, n, [str(_right_choice(question.id))])
    assert drills.book_count(worker) == 0
    assert drills.streak(worker) == 2
    clock["at"] += timedelta(days=2)
    assert drills.streak(worker) == 0


def test_an_enrolled_course_s_bank_is_drilled_too_and_drills_pay_nothing(make_user, make_course, clock):
    from learnhub.credits.models import LedgerEntry

    course = make_course("welding", occupation="welder")
    add_bank(course, count=4, prefix="焊工题")
    worker = make_user("curious", occupation="electrician")
    with pytest.raises(Exception, match="no questions|还没有"):
        drills.start_drill(worker)
    learning.enrol(worker, course)
    drill = drills.start_drill(worker)
    assert len(drill.questions) == 4
    for n, (question, _c) in enumerate(drills.drill_paper(drill), 1):
        drills.answer(worker, drill, n, [str(_right_choice(question.id))])
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry)) == 0


def test_typed_answers_in_a_drill(make_user, make_course, clock):
    from learnhub.catalog import questions as kinds

    course = make_course("volts", occupation="electrician")
    db.session.add(
        BankQuestion(
            course_id=course.id,
            key="v",
            topic="用电",
            kind="number",
            text="安全电压？",
            explanation="36 V",
            answer=kinds.number_answer("36", "0", "V"),
        )
    )
    db.session.flush()
    worker = make_user("typer", occupation="electrician")
    drill = drills.start_drill(worker)
    assert drills.answer(worker, drill, 1, ["３６ v"]) is True


def test_someone_else_s_drill_is_not_there(client, auth, electrician, make_user, clock):
    drill = drills.start_drill(electrician)
    db.session.commit()
    make_user("nosy", occupation="electrician")
    auth.login("nosy")
    assert client.get(f"/drills/{drill.id}").status_code == 404
    assert auth.post(f"/drills/{drill.id}/answer", {"number": "1"}).status_code == 404


def test_my_drills_are_in_download_my_data(electrician, clock):
    from learnhub.accounts.signals import personal_data_requested

    drill = drills.start_drill(electrician)
    question, choices = drills.drill_paper(drill)[0]
    drills.answer(electrician, drill, 1, [str(next(c.id for c in choices if not c.is_correct))])
    sections = dict(result for _receiver, result in personal_data_requested.send(electrician))
    mine = sections["contests"]
    assert mine["drills"][0]["answers"][0]["right"] is False
    assert mine["drilled_questions"] == [
        {"question_id": question.id, "times_answered": 1, "times_missed": 1, "in_wrong_answer_book": True}
    ]
