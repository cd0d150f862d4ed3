"""Issue 14's "done when", assessment that tests understanding: a worker on a phone fails the
electrical-safety quiz five times in a row (the limits lifted: the daily limit and the cool-down
for every journey, server.py; the quiz's own three attempts for this one, then put back). A failed attempt marks which answers were wrong and shows neither the right
choices nor the explanations; each attempt is a paper of its own: other questions, or the same
ones in another order with their choices shuffled.
"""

from playwright.sync_api import expect

from tests.e2e.test_admin import DEMO_PASSWORD, log_in
from tests.e2e.test_worker import COURSES, right_answer

WORKER = {"zh_CN": ("quiz-five-zh", "孙志刚"), "en": ("quiz-five-en", "Sun Zhigang")}
UNION = "滨江重型机械厂工会"


def _attempts_allowed(server, language, number):
    """Set how many attempts the course's quiz allows; return what it allowed before."""
    from sqlalchemy import select

    from learnhub.catalog.models import Course, Module, ModuleRevision

    with server.app_context() as session:
        revision = session.scalar(
            select(ModuleRevision)
            .join(Module, (Module.id == ModuleRevision.module_id) & (Module.revision == ModuleRevision.revision))
            .join(Course, Course.id == Module.course_id)
            .where(Course.slug == COURSES[language], Module.kind == "quiz")
        )
        before, revision.max_attempts = revision.max_attempts, number
        session.commit()
        return before


def _worker_and_quiz(server, language):
    """Add the journey's electrician, enrolled in the course; the quiz's title, the answers to every
    question it may ask and their explanations, from the database."""
    from flask import current_app
    from sqlalchemy import select

    from learnhub.accounts.models import Consent, User
    from learnhub.accounts.passwords import hash_password
    from learnhub.catalog.models import Course
    from learnhub.catalog.services import bank_questions, course_modules, get_module
    from learnhub.learning import services as learning
    from learnhub.orgs.models import Org

    username, name = WORKER[language]
    with server.app_context() as session:
        worker = User(
            username=username,
            name=name,
            role="worker",
            org=session.scalar(select(Org).where(Org.name == UNION)),
            occupation="electrician",
            skill_level="level5",
            locale=language,
            password_hash=hash_password(DEMO_PASSWORD),
        )
        session.add(worker)
        session.flush()
        session.add(Consent(user_id=worker.id, notice_version=current_app.config["PRIVACY_NOTICE_VERSION"]))
        course = session.scalar(select(Course).where(Course.slug == COURSES[language]))
        learning.enrol(worker, course)
        key = next(module.key for module, _revision in course_modules(course) if module.kind == "quiz")
        _module, quiz = get_module(course, key)
        asked = bank_questions(course.id) if quiz.draw else quiz.questions
        facts = (
            course.title,
            quiz.title,
            {q.text: right_answer(q) for q in asked},
            [q.explanation for q in asked if q.explanation],
        )
        session.commit()
        return facts


def _answer_wrongly(page, answers):
    """Answer every question of the paper on the page wrongly; return the paper as shown: each
    question's text with its choices in the order they came."""
    paper = []
    for group in page.locator("fieldset").all():
        legend = group.locator("legend").inner_text()
        question = max((text for text in answers if text in legend), key=len)
        right = answers[question]
        if isinstance(right, str):  # a number or a short answer
            group.locator("input[type=text]").fill("0" if right != "0" else "1")
            paper.append((question, ()))
            continue
        labels = [label.inner_text().strip() for label in group.locator("label").all()]
        wrong = next(text for text in labels if text not in right)
        group.get_by_label(wrong, exact=True).check()
        paper.append((question, tuple(labels)))
    return tuple(paper)


def test_failed_attempts_show_no_answers_and_each_draws_a_paper_of_its_own(start_journey, server, language):
    title, quiz_title, answers, explanations = _worker_and_quiz(server, language)
    allowed = _attempts_allowed(server, language, 6)
    try:
        _five_attempts(start_journey, language, title, quiz_title, answers, explanations)
    finally:
        _attempts_allowed(server, language, allowed)


def _five_attempts(start_journey, language, title, quiz_title, answers, explanations):
    journey = start_journey("quiz-five-attempts")
    page, t = journey.page, journey.t
    log_in(journey, WORKER[language][0])
    page.goto(f"/courses/{COURSES[language]}")
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    page.get_by_role("link", name=quiz_title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(quiz_title)

    papers = []
    for attempt in range(1, 6):
        papers.append(_answer_wrongly(page, answers))
        if attempt == 1:
            journey.step("a paper, answered wrongly")
        page.get_by_role("button", name=t("Submit answers")).click()
        expect(page.get_by_role("status").first).to_be_visible()
        main = page.locator("main")
        expect(main.locator("ol.results > li.wrong").first).to_be_visible()
        shown = main.locator("ol.results").inner_text()  # the hint above it says when they show
        for secret in (t("the right answer"), t("Right answer:"), *explanations):
            assert secret not in shown, f"attempt {attempt} shows {secret!r}"
        if attempt == 1:
            journey.step("failed: which were wrong, no answers")
        page.get_by_role("link", name=t("Try again")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(quiz_title)

    # Five attempts, five papers: other questions or another order of questions and choices.
    assert len(set(papers)) == 5, papers
    journey.step("a sixth paper")
    journey.finish()
