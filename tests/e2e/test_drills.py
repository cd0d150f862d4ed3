"""A worker drills on a phone without JavaScript (岗位练兵): ten questions of their trade, each
marked at once with its explanation, the result, and the wrong-answer book."""

import re

from playwright.sync_api import expect

from tests.e2e.test_worker import register


def right_answers(server):
    """{question text: (kind, [right choice texts] or the first accepted answer)} of the shipped banks."""
    from sqlalchemy import select

    from learnhub.catalog.models import BankQuestion

    with server.app_context() as session:
        answers = {}
        for q in session.scalars(select(BankQuestion).where(BankQuestion.is_retired.is_(False))):
            if q.kind == "number":
                answers[q.text] = (q.kind, q.answer["value"])
            elif q.kind == "text":
                answers[q.text] = (q.kind, q.answer["accepted"][0])
            else:
                answers[q.text] = (q.kind, [c.text for c in q.choices if c.is_correct])
        return answers


def test_worker_drills_on_a_phone_without_javascript(start_journey, server, language):
    journey = start_journey("worker-drills", javascript=False)
    page, t = journey.page, journey.t
    register(journey, phone="13800000401" if language == "zh_CN" else "13800000402", javascript=False)
    answers = right_answers(server)

    page.get_by_role("navigation", name=t("Main")).get_by_role("link", name=t("Drills")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Drills"))
    journey.step("drills")
    page.get_by_role("button", name=t("Start today's drill")).click()
    for number in range(1, 11):
        expect(page.get_by_role("heading", level=1)).to_have_text(t("Question %(n)d of %(total)d", n=number, total=10))
        text = page.locator("legend").inner_text()
        question = re.sub(r"^\d+\.\s*", "", text).rsplit("（", 1)[0].strip()
        kind, right = answers[question]
        group = page.locator("fieldset")
        miss = number == 1  # the first one wrong, to find it in the book
        if kind in ("number", "text"):
            group.get_by_role("textbox").fill("1" if miss else right)
        else:
            boxes = group.get_by_role("checkbox" if kind == "multiple" else "radio")
            labels = [label.strip() for label in group.locator("label").all_inner_texts()]
            picks = [label for label in labels if (label in right) != miss]
            for label in picks[: 1 if kind != "multiple" else None]:
                boxes.nth(labels.index(label)).check()
        if number == 1:
            journey.step("a question")
        page.get_by_role("button", name=t("Answer")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(t("Not quite") if miss else t("Right!"))
        if number == 1:
            expect(page.locator("main")).to_contain_text(t("It is in your wrong-answer book now, to drill again."))
            journey.step("wrong, with the right answer and why")
        next_name = t("See the result") if number == 10 else t("Next question")
        page.get_by_role("link", name=next_name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Drill done"))
    expect(page.get_by_role("status")).to_have_text(t("%(right)d of %(total)d right.", right=9, total=10))
    journey.step("drill done")

    page.get_by_role("main").get_by_role("link", name=t("Open the wrong-answer book")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Wrong-answer book"))
    expect(page.locator("ol.results > li")).to_have_count(1)
    journey.step("wrong-answer book")

    page.get_by_role("link", name=t("Drills")).first.click()
    expect(page.locator(".totals .big").first).to_have_text("1")  # a streak of one day
    journey.step("streak")
    journey.finish()
