"""Issue 15's "done when", required learning: demo-admin requires the electrical-safety course of
the electricians of 滨江市, due in ten days. An electrician of the city sees it on the home page
with its deadline and finds a message in the inbox; a welder of the same city is not asked. The
admin reminds the electrician from the not-finished list, and the reminder arrives in the inbox
and, through the task queue's consumer, as an SMS of the `log` backend (read on /sms/log).

The two workers are added for the journey (one pair per language, each with a phone of its
own); demo-worker's home stays as a new worker finds it for the other journeys.
"""

import re
from datetime import timedelta

from babel.dates import format_date
from playwright.sync_api import expect

from tests.e2e.test_admin import DEMO_PASSWORD, log_in

COURSES = {"zh_CN": "electrical-safety", "en": "electrical-safety-en"}
ELECTRICIAN_UNION = "滨江重型机械厂工会"
WELDER_UNION = "滨江电力设备有限公司工会"
PEOPLE = {  # username: (name, occupation, union, phone)
    "zh_CN": {
        "req-sparky-zh": ("周国栋", "electrician", ELECTRICIAN_UNION, "13700000311"),
        "req-welder-zh": ("吴海涛", "welder", WELDER_UNION, "13700000312"),
    },
    "en": {
        "req-sparky-en": ("Zhou Guodong", "electrician", ELECTRICIAN_UNION, "13700000321"),
        "req-welder-en": ("Wu Haitao", "welder", WELDER_UNION, "13700000322"),
    },
}


def _add_workers(server, language):
    """The journey's electrician and welder of 滨江市, reading the site in `language`; the course's id and title."""
    from flask import current_app
    from sqlalchemy import select

    from learnhub.accounts.models import Consent, User
    from learnhub.accounts.passwords import hash_password
    from learnhub.catalog.models import Course
    from learnhub.orgs.models import Org

    with server.app_context() as session:
        for username, (name, occupation, union, phone) in PEOPLE[language].items():
            session.add(
                User(
                    username=username,
                    name=name,
                    role="worker",
                    org=session.scalar(select(Org).where(Org.name == union)),
                    occupation=occupation,
                    skill_level="level5",
                    phone=phone,
                    locale=language,
                    password_hash=hash_password(DEMO_PASSWORD),
                )
            )
        session.flush()
        for user in session.scalars(select(User).where(User.username.in_(PEOPLE[language]))):
            session.add(Consent(user_id=user.id, notice_version=current_app.config["PRIVACY_NOTICE_VERSION"]))
        course = session.scalar(select(Course).where(Course.slug == COURSES[language]))
        session.commit()
        return course.id, course.title


def _beijing_today(server):
    from learnhub.stats.rollups import today

    with server.app_context():
        return today()


def _sms_to(admin, phone, containing):
    """The text of the log backend's SMS to `phone` that contains `containing`, as demo-root reads it."""
    page = admin.page
    page.goto("/sms/log")
    row = page.get_by_role("row").filter(has_text=phone).filter(has_text=containing)
    for _wait in range(60):  # the consumer sends within a few seconds
        if row.count():
            break
        page.wait_for_timeout(500)
        page.reload()
    expect(row.first).to_be_visible()
    return row.first.inner_text()


def _wait_for_message(page, t, title):
    """The inbox's message titled `title` (the task queue puts it there within seconds)."""
    card = page.locator("li.card").filter(has_text=title)
    for _wait in range(60):
        if card.count():
            break
        page.wait_for_timeout(500)
        page.reload()
    expect(card.first).to_be_visible()
    return card.first


def test_a_required_course_reaches_the_electricians_it_asks_and_their_reminder_arrives(start_journey, server, language):
    course_id, title = _add_workers(server, language)
    (sparky, (sparky_name, *_s, sparky_phone)), (welder, (_welder_name, *_w)) = PEOPLE[language].items()
    due_on = _beijing_today(server) + timedelta(days=10)
    due = due_on.isoformat()  # as typed into the form

    # demo-admin of 滨江市总工会 requires the course of the city's electricians.
    admin = start_journey("required-admin", audience="admin")
    apage, at = admin.page, admin.t
    log_in(admin, "demo-admin")
    apage.get_by_role("navigation", name=at("Main")).get_by_role("link", name=at("Statistics")).click()
    apage.get_by_role("navigation", name=at("Statistics")).get_by_role("link", name=at("Required courses")).click()
    admin.step("required courses")
    apage.get_by_label(at("Course")).select_option(str(course_id))
    apage.get_by_label(at("Deadline")).fill(due)
    apage.get_by_label(at("Only these occupations (none chosen: all)")).select_option(label=at("Electrician"))
    apage.get_by_role("button", name=at("Require this course")).click()
    expect(apage.get_by_role("status").first).to_contain_text(title)
    card = apage.locator("section.card").filter(has=apage.get_by_role("heading", name=title))
    expect(card).to_contain_text(at("Only for: %(who)s.", who=at("Electrician")))
    admin.step("required of the electricians")

    # The electrician: the home page says so, with the deadline; the inbox has the message.
    worker = start_journey("required-electrician")
    page, t = worker.page, worker.t
    log_in(worker, sparky)
    required = page.locator("section.card").filter(has=page.get_by_role("heading", name=t("Required by your union")))
    expect(required.get_by_role("link", name=title)).to_be_visible()
    shown = format_date(due_on, "long", locale=worker.language)  # as a person reads a day
    expect(required).to_contain_text(t("To finish by %(date)s.", date=shown))
    asked = required.get_by_role("link").count()  # in the other language's run, its course too
    worker.step("home: required, with its deadline")
    page.get_by_role("navigation", name=t("Main")).get_by_role("link", name=re.compile(t("Messages"))).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Messages"))
    _wait_for_message(page, t, t("Required: %(course)s", course=title))
    worker.step("inbox: the requirement")
    page.get_by_role("navigation", name=t("Main")).get_by_role("link", name=t("Courses")).click()
    page.get_by_label(t("Only courses my union requires of me")).check()
    page.get_by_role("button", name=t("Search")).click()
    expect(page.locator("ul.courses li")).to_have_count(asked)
    expect(page.get_by_role("link", name=title)).to_be_visible()
    worker.step("courses my union requires of me")

    # The welder of the same city is not asked: nothing at home, nothing in the inbox.
    other = start_journey("required-welder")
    opage, ot = other.page, other.t
    log_in(other, welder)
    expect(opage.get_by_role("heading", level=1)).to_be_visible()
    expect(opage.get_by_role("heading", name=ot("Required by your union"))).to_have_count(0)
    opage.goto("/inbox")
    expect(opage.locator("main")).not_to_contain_text(title)
    other.step("a welder is not asked")
    other.finish()

    # The admin ticks the electrician on the not-finished list and reminds them.
    card.get_by_role("link", name=at("Who has not finished")).click()
    expect(apage.get_by_role("heading", level=2, name=title)).to_be_visible()
    apage.get_by_role("checkbox", name=sparky_name).check()
    admin.step("who has not finished")
    apage.get_by_role("button", name=at("Remind the ticked workers")).click()
    expect(apage.get_by_role("status").first).to_contain_text(
        admin.tn(
            "The reminder is on its way to the %(num)d worker you ticked.",
            "The reminder is on its way to the %(num)d workers you ticked.",
            1,
        )
    )
    admin.step("reminded")
    admin.finish()

    page.goto("/inbox")
    reminder = _wait_for_message(page, t, t("Reminder: %(course)s", course=title))
    expect(reminder).to_contain_text(
        t("%(union)s reminds you to finish this course by %(date)s.", union="滨江市总工会", date=shown)
    )
    worker.step("inbox: the reminder")
    reminder.get_by_role("button", name=t("Open")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    worker.step("the course, from the reminder")
    worker.finish()

    # And by SMS: the log backend's page, as the deployment's admin reads it in the demo.
    root = start_journey("required-sms", audience="admin")
    log_in(root, "demo-root")
    text = _sms_to(root, sparky_phone, t("Reminder: %(course)s", course=title))
    assert title in text
    root.step("the reminder by SMS")
    root.finish()
