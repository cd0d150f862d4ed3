"""A worker on a phone: registers, finds a course for their trade, learns, passes the quiz,
and sees the credits in their learning record; once with JavaScript and once without.

A worker finishing a whole course and opening their credential: test_credential.py.
"""

import re
from dataclasses import dataclass
from decimal import Decimal

from playwright.sync_api import expect

UNION = "滨江重型机械厂工会"
PASSWORD = "Copper-Wire-Lamp-2026"
COURSES = {"zh_CN": "electrical-safety", "en": "electrical-safety-en"}  # for electricians
OTHER_TRADE = "welding-safety-quality"  # for welders: not shown to an electrician


@dataclass
class CourseFacts:
    """What the database says about the course the worker takes, read before they take it."""

    title: str
    lesson_title: str
    lesson_credits: Decimal
    next_title: str
    modules: int
    quiz_title: str
    quiz_credits: Decimal
    answers: dict  # {question text: [texts of the right choices] or the typed answer}
    other_trade_title: str


def right_answer(question):
    """The texts of a question's right choices, or what to type for a number or a short answer."""
    if question.kind == "number":
        return str(question.answer["value"])
    if question.kind == "text":
        return question.answer["accepted"][0]
    return [c.text for c in question.choices if c.is_correct]


def course_facts(server, slug):
    """The course's first lesson, its quiz and the quiz's right answers, from the database."""
    from sqlalchemy import select

    from learnhub.catalog.models import Course
    from learnhub.catalog.services import bank_questions, course_modules, get_module

    with server.app_context() as session:
        course = session.scalar(select(Course).where(Course.slug == slug))
        modules = course_modules(course)
        at, lesson = next((i, revision) for i, (module, revision) in enumerate(modules) if module.kind == "lesson")
        quiz_module = next(module for module, _revision in modules if module.kind == "quiz")
        _module, quiz = get_module(course, quiz_module.key)
        # A quiz that draws its paper from the bank may ask any of the bank's live questions.
        asked = bank_questions(course.id) if quiz.draw else quiz.questions
        answers = {q.text: right_answer(q) for q in asked}
        other = session.scalar(select(Course.title).where(Course.slug == OTHER_TRADE))
        return CourseFacts(
            course.title,
            lesson.title,
            lesson.credits,
            modules[at + 1][1].title,
            len(modules),
            quiz.title,
            quiz.credits,
            answers,
            other,
        )


def test_worker_on_a_phone(start_journey, server, language):
    journey = start_journey("worker-phone")
    register(journey, phone="13800000101" if language == "zh_CN" else "13800000102", javascript=True)
    learn_and_pass(journey, course_facts(server, COURSES[language]))
    journey.finish()


def test_worker_without_javascript(start_journey, server, language):
    journey = start_journey("worker-no-js", javascript=False)
    register(journey, phone="13800000201" if language == "zh_CN" else "13800000202", javascript=False)
    learn_and_pass(journey, course_facts(server, COURSES[language]))
    journey.finish()


def register(journey, phone, javascript):
    """From the welcome page to home, opening a learning account on the way."""
    page, t = journey.page, journey.t
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Learn a skill, earn credits, have them recognised"))
    journey.step("welcome")

    page.get_by_role("link", name=t("Open my learning account")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Open your learning account"))
    journey.step("register")

    page.get_by_label(t("Mobile number or username")).fill(phone)
    page.get_by_label(t("Your name")).fill("张建军")
    union_field = page.get_by_label(t("Your enterprise union"))
    page.get_by_label(t("Occupation")).select_option(label=t("Electrician"))
    page.get_by_label(t("Skill level")).select_option(label=t("Level 5 / Junior worker"))
    page.get_by_label(t("Password"), exact=True).fill(PASSWORD)
    page.get_by_label(t("Password again")).fill(PASSWORD)
    page.get_by_label(t("I have read the privacy notice and agree that my data is used as it says.")).check()
    union = page.get_by_role("radio", name=re.compile(UNION))
    if javascript:
        # Part of the name is enough: the matches appear as choices while typing.
        union_field.press_sequentially("重型机械", delay=40)
        expect(union).to_be_visible()
        union.check()
        journey.step("union suggested while typing")
    else:
        # Without JavaScript the form comes back with the unions that match, to pick one.
        union_field.fill("滨江")
        page.get_by_role("button", name=t("Register")).click()
        expect(page.get_by_role("group", name=t("Choose your union"))).to_be_visible()
        expect(page.get_by_role("radio")).to_have_count(3)  # the three enterprise unions of 滨江
        journey.step("pick the union")
        union.check()
        for label in (t("Password"), t("Password again")):  # a browser never refills passwords
            page.get_by_label(label, exact=True).fill(PASSWORD)
    page.get_by_role("button", name=t("Register")).click()

    expect(page.get_by_role("status")).to_contain_text(
        t("Welcome, %(name)s! Your learning account is open.", name="张建军")
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Hello, %(name)s", name="张建军"))
    expect(page.get_by_text(UNION).first).to_be_visible()
    journey.step("home")


def answer_paper(page, answers):
    """Answer every question on the quiz page rightly: the paper drawn for me, found by its texts."""
    groups = page.locator("fieldset").all()
    assert groups
    for group in groups:
        legend = group.locator("legend").inner_text()
        question = max((text for text in answers if text in legend), key=len)
        right = answers[question]
        if isinstance(right, str):
            group.locator("input[type=text]").fill(right)
        else:
            for choice in right:
                group.get_by_label(choice, exact=True).check()


def learn_and_pass(journey, facts):
    """Find a course for my trade, learn its first lesson, pass its quiz, see my record."""
    page, t = journey.page, journey.t
    page.get_by_role("navigation", name=t("Main")).get_by_role("link", name=t("Courses")).click()
    page.get_by_label(t("Only courses for my occupation and level")).check()
    page.get_by_role("button", name=t("Search")).click()
    page.wait_for_url("**for_you=y**")
    expect(page.get_by_role("link", name=facts.title)).to_be_visible()
    expect(page.get_by_role("link", name=facts.other_trade_title)).to_have_count(0)
    journey.step("courses for my trade")

    page.get_by_role("link", name=facts.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(facts.title)
    journey.step("course")

    page.get_by_role("button", name=t("Start this course")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(facts.lesson_title)
    journey.step("first lesson")

    # At once: too soon. The page says how much longer to read, and the record does not change.
    page.get_by_role("button", name=t("I have finished this module")).click()
    expect(page.get_by_role("alert")).to_be_visible()
    told = {
        journey.nt(
            "Read on: this lesson counts once you have spent about %(num)d more minute on it.",
            "Read on: this lesson counts once you have spent about %(num)d more minutes on it.",
            n,
        )
        for n in range(1, 121)
    }
    assert page.get_by_role("alert").inner_text().strip() in told
    journey.step("lesson finished too soon")
    journey.finish_module()
    expect(page.get_by_role("heading", level=1)).to_have_text(facts.next_title)  # on to the next one
    page.get_by_role("navigation", name=t("You are here")).get_by_role("link", name=facts.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(facts.title)
    expect(page.locator("main")).to_contain_text(t("%(done)d of %(total)d modules done.", done=1, total=facts.modules))
    journey.step("course with one module done")

    page.get_by_role("link", name=facts.quiz_title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(facts.quiz_title)
    journey.step("quiz")

    answer_paper(page, facts.answers)
    page.get_by_role("button", name=t("Submit answers")).click()
    expect(page.get_by_role("status")).to_have_text(t("You scored %(score)d%% and passed.", score=100))
    journey.step("quiz passed")

    page.get_by_role("navigation", name=t("Main")).get_by_role("link", name=t("My record")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("My learning record"))
    total = facts.lesson_credits + facts.quiz_credits
    credits = page.locator(".totals p").first
    expect(credits).to_contain_text(f"{total.normalize():f}")
    table = page.get_by_role("table")
    expect(table.get_by_role("link", name=facts.lesson_title)).to_be_visible()
    expect(table.get_by_role("link", name=facts.quiz_title)).to_be_visible()
    # The totals are the sums of the rows as shown (core.hours): credits, then hours.
    cells = [
        [Decimal(c.replace(",", "")) for c in row.locator("td.num").all_inner_texts()]
        for row in table.locator("tbody tr").all()
    ]
    shown = [Decimal(p.replace(",", "")) for p in page.locator(".totals .big").all_inner_texts()]
    assert shown == [sum(row[0] for row in cells if row), sum(row[1] for row in cells if row)]
    journey.step("learning record")
