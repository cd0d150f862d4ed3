"""The question bank in the studio: questions, a sheet of them, quizzes that draw, item analysis."""

import io

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from learnhub.catalog.models import BankQuestion, ModuleRevision
from learnhub.catalog.services import bank_questions
from learnhub.extensions import db
from learnhub.learning.models import QuizAttempt
from learnhub.studio import bank as banking


@pytest.fixture
def signed_in(trainer, auth):
    auth.login("trainer1")
    return trainer


HEADER = "题型,主题,难度,题目,选项A,选项B,选项C,答案,允许误差,单位,解析\n"
GOOD_ROWS = (
    "单选,交底,基础,交底在什么时候做？,开工前,下班后,,A,,,开工前交底。\n"
    "多选,防护,基础,要戴哪些？,安全帽,护目镜,耳机,AB,,,耳机听不见警报。\n"
    "判断,交底,提高,交底看一次就够了。,,,,错误,,,每天都要看。\n"
    "填数,用电,提高,潮湿场所安全电压不超过多少伏？,,,,12,0,V,12 V。\n"
    "简答,用电,基础,漏电时切断电源的装置叫什么？,,,,漏电保护器|RCD,,,漏电保护器。\n"
)


def _upload(auth, slug, name, data):
    return auth.post(
        f"/studio/{slug}/bank/import", {"file": (io.BytesIO(data), name)}, content_type="multipart/form-data"
    )


def test_a_sheet_with_a_bad_row_imports_nothing_and_says_which_row(client, auth, signed_in, studio_course):
    course = studio_course()
    bad = (
        HEADER + GOOD_ROWS + "单选,交底,基础,没有对的答案？,甲,乙,,D,,,说明。\n填数,用电,基础,多少？,,,,很多,,,说明。\n"
    )
    page = _upload(auth, course.slug, "bank.csv", bad.encode("utf-8-sig"))
    text = page.get_data(as_text=True)
    assert page.status_code == 400
    assert "没有对的答案？" in text and "Mark the right answer." in text
    assert ">7<" in text and ">8<" in text  # the rows of the sheet, counted as Excel shows them
    assert bank_questions(course.id) == []


def test_a_good_sheet_fills_the_bank_and_again_changes_nothing(client, auth, signed_in, studio_course):
    course = studio_course()
    page = _upload(auth, course.slug, "bank.csv", (HEADER + GOOD_ROWS).encode("gb18030"))
    assert page.status_code == 302
    bank = {q.kind: q for q in bank_questions(course.id)}
    assert set(bank) == {"single", "multiple", "true_false", "number", "text"}
    assert bank["number"].answer == {"value": "12", "tolerance": "0", "unit": "V"}
    assert bank["text"].answer == {"accepted": ["漏电保护器", "RCD"]}
    assert [c.is_correct for c in bank["true_false"].choices] == [False, True]
    assert bank["true_false"].difficulty == "harder"
    _upload(auth, course.slug, "bank.csv", (HEADER + GOOD_ROWS).encode("utf-8"))
    assert len(db.session.scalars(select(BankQuestion)).all()) == 5
    # Nobody has answered yet: the page says so rather than "from the latest 0 attempts".
    shown = client.get(f"/studio/{course.slug}/bank/").get_data(as_text=True)
    assert "Nobody has sat a quiz drawn from this bank yet" in shown and "latest 0 attempts" not in shown


def test_an_xlsx_sheet_imports_too(client, auth, signed_in, studio_course):
    course = studio_course()
    book = Workbook()
    for line in (HEADER + GOOD_ROWS).splitlines():
        book.active.append(line.split(","))
    data = io.BytesIO()
    book.save(data)
    assert _upload(auth, course.slug, "题库.xlsx", data.getvalue()).status_code == 302
    assert len(bank_questions(course.id)) == 5


def test_the_template_imports_as_it_is(client, auth, signed_in, studio_course):
    course = studio_course()
    template = client.get(f"/studio/{course.slug}/bank/template.csv")
    assert template.status_code == 200 and "题型" in template.get_data(as_text=True)
    assert _upload(auth, course.slug, "t.csv", template.data).status_code == 302
    assert len(bank_questions(course.id)) == 5


def test_changing_a_question_keeps_the_old_one_for_papers_that_asked_it(client, auth, signed_in, studio_course):
    course = studio_course()
    form = {
        "topic": "用电",
        "difficulty": "basic",
        "kind": "number",
        "text": "安全电压上限？",
        "answer_value": "36",
        "tolerance": "",
        "unit": "V",
        "explanation": "36 V。",
    }
    assert auth.post(f"/studio/{course.slug}/bank/new", form).status_code == 302
    (question,) = bank_questions(course.id)
    bad = auth.post(f"/studio/{course.slug}/bank/{question.id}", {**form, "answer_value": "三十六"})
    assert bad.status_code == 400 and "三十六" in bad.get_data(as_text=True)  # what was typed stays
    auth.post(f"/studio/{course.slug}/bank/{question.id}", {**form, "tolerance": "0.5"})
    rows = db.session.scalars(select(BankQuestion).order_by(BankQuestion.id)).all()
    assert [(r.is_retired, r.answer["tolerance"]) for r in rows] == [(True, "0"), (False, "0.5")]
    assert client.get(f"/studio/{course.slug}/bank/{question.id}").status_code == 404
    auth.post(f"/studio/{course.slug}/bank/{rows[1].id}/retire")
    assert bank_questions(course.id) == []


def _fill_bank(trainer, course, basic=6, harder=4):
    for n in range(basic + harder):
        banking.save_bank_question(
            trainer,
            course,
            None,
            {
                "kind": "single",
                "text": f"第{n}题",
                "explanation": "说明",
                "topic": ("交底", "防护")[n % 2],
                "difficulty": "basic" if n < basic else "harder",
                "choices": [("对", True), ("错", False)],
            },
        )
    db.session.commit()  # as a request would: a view's rollback must not undo the set-up


QUIZ = {
    "title": "小测验",
    "minutes": "10",
    "credits": "0",
    "pass_mark": "60",
    "attempts": "3",
    "is_required": "y",
    "reveal": "passed",
    "time_limit": "15",
}


def test_a_quiz_draws_from_the_bank_only_as_far_as_the_bank_goes(client, auth, signed_in, studio_course):
    course = studio_course()
    _fill_bank(signed_in, course, basic=6, harder=3)
    too_many = auth.post(
        f"/studio/{course.slug}/modules/check", {**QUIZ, "draw_basic": "6", "draw_harder": "4", "draw_each_topic": "y"}
    )
    assert too_many.status_code == 400 and "3" in too_many.get_data(as_text=True)
    saved = auth.post(
        f"/studio/{course.slug}/modules/check", {**QUIZ, "draw_basic": "6", "draw_harder": "3", "draw_each_topic": "y"}
    )
    assert saved.status_code == 302, saved.get_data(as_text=True)
    revision = db.session.scalars(select(ModuleRevision).order_by(ModuleRevision.id.desc())).first()
    assert revision.draw == {"basic": 6, "harder": 3, "each_topic": True} and revision.time_limit == 15
    # A question the rule needs cannot be taken out.
    needed = bank_questions(course.id)[0]
    auth.post(f"/studio/{course.slug}/bank/{needed.id}/retire")
    assert needed in bank_questions(course.id)


def test_item_analysis_tells_right_share_and_discrimination(client, auth, signed_in, studio_course, make_user):
    course = studio_course()
    _fill_bank(signed_in, course, basic=2, harder=0)
    easy, telling = bank_questions(course.id)
    revision = db.session.scalars(select(ModuleRevision).order_by(ModuleRevision.id.desc())).first()
    revision.draw = {"basic": 2, "harder": 0}
    worker = make_user("analysed")
    # 20 attempts: everyone gets `easy` right; `telling` is right in exactly the 10 best attempts.
    for n in range(20):
        strong = n >= 10
        db.session.add(
            QuizAttempt(
                user_id=worker.id,
                module_id=revision.module_id,
                revision_id=revision.id,
                answers={},
                paper=[],
                marks={str(easy.id): True, str(telling.id): strong},
                score=100 if strong else 50,
                is_passed=strong,
            )
        )
    db.session.flush()
    figures, attempts = banking.item_analysis(course)
    assert attempts == 20
    assert figures[easy.id].share_right == 1 and figures[easy.id].discrimination == 0
    assert figures[telling.id].share_right == 0.5 and figures[telling.id].discrimination == 1
    page = client.get(f"/studio/{course.slug}/bank/").get_data(as_text=True)
    assert "1.00" in page and "50%" in page
