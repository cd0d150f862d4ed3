"""A trainer at a desktop: creates a course in Studio, writes a lesson in Markdown and previews
it, adds a quiz question and publishes it for everyone; a national admin reviews it (审核) and
approves it, and finds the course in the catalogue.

The course is meant for every union, as a forklift course from a provincial trainer would be,
so it goes live only once an admin at the top of the union tree approves it. It pays no credits
and declares no hours of its own: a lesson of a few lines and one question are a few minutes,
which the hours rule pays no credit for.
"""

from playwright.sync_api import expect

from tests.e2e.test_admin import log_in

TITLES = {"zh_CN": "叉车安全驾驶入门", "en": "Forklift driving: the safe basics"}
LESSON = {"zh_CN": "第一课：认识叉车", "en": "Lesson 1: know your forklift"}
HEADING = {"zh_CN": "开车前的检查", "en": "Checks before you drive"}


def test_trainer_creates_and_publishes_a_course(start_journey, language):
    journey = start_journey("trainer-studio", audience="trainer")
    page, t = journey.page, journey.t
    title, heading = TITLES[language], HEADING[language]
    log_in(journey, "demo-trainer")
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Hello, %(name)s", name="周振华"))
    journey.step("home")

    page.get_by_role("navigation", name=t("Main")).get_by_role("link", name=t("Studio"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Studio"))
    journey.step("studio")

    page.get_by_role("link", name=t("New course")).click()
    journey.step("new course")
    page.get_by_label(t("Title")).fill(title)
    page.get_by_label(t("Summary")).fill(f"{title}: {heading}.")
    page.get_by_label(t("Category"), exact=True).select_option(label=t("Work safety"))
    expect(page.get_by_label(t("Who may take it"))).to_have_value("")  # everyone
    page.get_by_role("button", name=t("Create the course")).click()
    expect(page.get_by_role("status").first).to_contain_text(
        t("The course is created as a draft. Add its modules, then publish it.")
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    journey.step("draft course")

    add_module(journey, t("Lesson"), LESSON[language])
    page.get_by_label(t("Text (Markdown)")).fill(
        f"## {heading}\n\n- 轮胎、货叉和链条\n- **刹车**和喇叭\n\nLook around before you move.\n"
    )
    page.get_by_role("button", name=t("Preview")).click()
    preview = page.locator("section.preview")
    expect(preview.get_by_role("heading", name=heading)).to_be_visible()
    expect(preview.locator("strong")).to_have_text("刹车")
    journey.step("lesson previewed")
    # Credits beyond the hours rule (a few minutes of reading earn next to none): refused beside
    # the field, the lesson's text kept.
    page.get_by_label(t("Credits"), exact=True).fill("999999.99")
    page.get_by_role("button", name=t("Save"), exact=True).click()
    expect(page.locator("#credits-error")).to_be_visible()
    expect(page.get_by_label(t("Text (Markdown)"))).to_contain_text(heading)
    journey.step("credits beyond the rule refused")
    page.get_by_label(t("Credits"), exact=True).fill("0")
    page.get_by_role("button", name=t("Save"), exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text(t("Saved in the draft."))
    page.get_by_role("link", name=t("Back to the course")).click()

    add_module(journey, t("Quiz"), t("Quiz"))
    journey.step("quiz")
    page.get_by_role("link", name=t("Add a question")).click()
    page.get_by_label(t("Question"), exact=True).fill("开叉车前要检查刹车吗？")
    page.get_by_label(t("Choice %(n)d", n=1), exact=True).fill("要")
    page.get_by_label(t("Choice %(n)d", n=2), exact=True).fill("不要")
    # Each box says which choice it marks right.
    page.get_by_role("checkbox", name=f"{t('Right answer')} · {t('Choice %(n)d', n=1)}").check()
    page.get_by_label(t("Explanation")).fill("刹车失灵，叉车就停不下来。")
    journey.step("question")
    page.get_by_role("button", name=t("Save the question")).click()
    expect(page.locator("ol.results")).to_contain_text("开叉车前要检查刹车吗？")
    journey.step("quiz with a question")

    page.get_by_role("link", name=t("Back to the course")).click()
    expect(page.get_by_text(t("Before you can publish:"))).to_have_count(0)
    expect(page.locator("main")).to_contain_text(
        t("This course pays credits or is meant beyond your union: publishing sends it to an admin for review first.")
    )
    page.get_by_role("button", name=t("Publish"), exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text(
        t(
            "Sent for review: it pays credits or is meant beyond your union, so an admin checks it first. "
            "Learners keep the published version until it is approved."
        )
    )
    expect(page.get_by_role("button", name=t("Withdraw from review"))).to_be_visible()
    journey.step("sent for review")
    page.get_by_role("button", name=t("Log out")).click()

    # The national federation's admin reviews it: a course for everyone reaches every union.
    log_in(journey, "demo-root")
    page.get_by_role("navigation", name=t("Main")).get_by_role("link", name=t("Course reviews")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Course reviews"))
    page.get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Review: %(title)s", title=title))
    expect(page.locator("main")).to_contain_text(t("The course has never been published: everything is new."))
    expect(page.locator("pre.diff").first).to_contain_text(heading)
    journey.step("review")
    page.get_by_role("button", name=t("Approve and publish")).click()
    expect(page.get_by_role("status").first).to_contain_text(
        t("Approved: version %(number)d of “%(title)s” is live.", number=1, title=title)
    )
    journey.step("approved")

    page.get_by_role("navigation", name=t("Main")).get_by_role("link", name=t("Courses"), exact=True).click()
    page.get_by_label(t("Search courses")).fill(title)
    page.get_by_role("button", name=t("Search")).click()
    expect(page.get_by_role("link", name=title)).to_be_visible()
    journey.step("in the catalogue")
    page.get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.locator("main")).to_contain_text(LESSON[language])
    journey.step("course as a learner sees it")
    journey.finish()


def add_module(journey, kind, title):
    """From the course's page in Studio, add a module; Studio opens it for editing."""
    page, t = journey.page, journey.t
    form = page.locator("form", has=page.get_by_role("button", name=t("Add"), exact=True))
    form.get_by_label(t("Kind")).select_option(label=kind)
    form.get_by_label(t("Title")).fill(title)
    form.get_by_role("button", name=t("Add"), exact=True).click()
    # The lesson editor's preview shows the lesson's own h1 beside the page's.
    expect(page.get_by_role("heading", level=1).first).to_have_text(title)
