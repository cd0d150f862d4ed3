"""A worker on a phone finishes a whole short course, sees it completed, and opens the
credential it earned: from Recognition to the public page anyone can check, which says valid.
"""

from dataclasses import dataclass

from playwright.sync_api import expect

from tests.e2e.test_worker import answer_paper, register, right_answer

COURSE = "smartphone-public-services"  # five modules: four short lessons and a quiz


@dataclass
class WholeCourse:
    """Every module of the course in order, with the right answers of its quizzes."""

    title: str
    modules: list  # [(kind, title, {question text: [texts of the right choices] or the typed answer})]


def whole_course(server, slug):
    """The course's modules and every quiz's right answers, read from the database."""
    from sqlalchemy import select

    from learnhub.catalog.models import Course
    from learnhub.catalog.services import bank_questions, course_modules, get_module

    with server.app_context() as session:
        course = session.scalar(select(Course).where(Course.slug == slug))
        modules = []
        for module, revision in course_modules(course):
            answers = {}
            if module.kind == "quiz":
                _module, quiz = get_module(course, module.key)
                # A quiz that draws its paper from the bank may ask any of the bank's live questions.
                asked = bank_questions(course.id) if quiz.draw else quiz.questions
                answers = {q.text: right_answer(q) for q in asked}
            modules.append((module.kind, revision.title, answers))
        return WholeCourse(course.title, modules)


def test_worker_opens_their_credential(start_journey, server, language):
    journey = start_journey("worker-credential")
    page, t = journey.page, journey.t
    register(journey, phone="13800000301" if language == "zh_CN" else "13800000302", javascript=True)
    course = whole_course(server, COURSE)

    page.goto(f"/courses/{COURSE}")
    expect(page.get_by_role("heading", level=1)).to_have_text(course.title)
    page.get_by_role("button", name=t("Start this course")).click()
    for number, (kind, title, answers) in enumerate(course.modules, start=1):
        expect(page.get_by_role("heading", level=1)).to_have_text(title)
        if kind == "quiz":
            answer_paper(page, answers)
            journey.step(f"module {number}: quiz answered")
            page.get_by_role("button", name=t("Submit answers")).click()
            expect(page.get_by_role("status")).to_have_text(t("You scored %(score)d%% and passed.", score=100))
            journey.step("quiz passed")
            page.get_by_role("link", name=t("See your course result")).click()
        else:
            if number == 1:
                journey.step("first lesson")
            journey.finish_module()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        t("Well done! You completed “%(title)s”.", title=course.title)
    )
    journey.step("course completed")

    page.get_by_role("navigation", name=t("Main")).get_by_role("link", name=t("Recognition")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Recognition"))
    mine = page.get_by_role("heading", name=t("My credentials")).locator("xpath=following-sibling::ul[1]")
    expect(mine.get_by_role("link", name=course.title)).to_be_visible()
    journey.step("recognition with the credential")

    page.get_by_role("link", name=t("My certificate of learning (to print)")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Certificate of learning"))
    listed = page.locator(".credential-list li").filter(has_text=course.title)
    expect(listed).to_have_count(1)
    journey.step("certificate of learning")

    listed.locator(".link-text a").click()  # the address printed under the QR code
    page.wait_for_url("**/credentials/*")
    expect(page.get_by_role("heading", level=1)).to_have_text(course.title)
    facts = page.locator("dl.facts")
    # The public page names the holder as the issuer shows strangers: the given name masked.
    expect(facts.locator("dt", has_text=t("Achieved by")).locator("xpath=following-sibling::dd[1]")).to_have_text(
        "张*军"
    )
    expect(facts.locator("dt", has_text=t("Status")).locator("xpath=following-sibling::dd[1]")).to_have_text(t("Valid"))
    expect(page.locator(".flash.success")).to_contain_text(
        t("This credential was issued by LearnHub and has not been revoked.")
    )
    journey.step("public credential")

    # Anyone can check it: the same address, opened without an account, says the same.
    address = page.url
    stranger = page.context.browser.new_context(locale=page.evaluate("navigator.language"))
    try:
        public = stranger.new_page()
        public.goto(address)
        expect(public.get_by_role("heading", level=1)).to_have_text(course.title)
        expect(public.locator("dl.facts")).to_contain_text(t("Valid"))
    finally:
        stranger.close()
    journey.finish()
