"""Issue 19's "done when", the skill contest (技术比武): demo-admin creates a contest of 滨江市 in two
stages, an enterprise round and a city round that admits the best of each enterprise; two
electricians of the city enter the first round on their phones, one hands in at once, the other
runs out of time and is refused; the admin publishes the results, and the rankings show the
individuals and the unions. The winner goes through to the city round, wins it too, and their
credential verifies at its public page; a pathway that requires a place at the city's level shows
as met. An electrician of another city neither sees the contest nor can enter it (404).

The daily drill of ten questions on a phone and the wrong-answer book are test_drills.py's
journey, not repeated here.

Running out of time: the contest's time limit is the shortest there is (one minute) and the
journeys' server gives no grace after it (server.py); the late contestant enters first and hands
in once the other's paper and the stranger's visit are done, so the wait is what is left of the
minute.
"""

import re
import time
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from tests.e2e.test_admin import DEMO_PASSWORD, log_in
from tests.e2e.test_worker import answer_paper, right_answer

CITY = "滨江市总工会"
PLACING_PATHWAY = "电工四级：市级技术比武第一名"  # demo data has none; the journey's set-up adds it
PEOPLE = {  # username: (name, union); all electricians of level 5
    "zh_CN": {
        "winner": ("contest-win-zh", "郑立新", "滨江重型机械厂工会"),
        "late": ("contest-late-zh", "冯海燕", "滨江电力设备有限公司工会"),
        "stranger": ("contest-away-zh", "蒋文斌", "云湖数控机床股份有限公司工会"),
    },
    "en": {
        "winner": ("contest-win-en", "Zheng Lixin", "滨江重型机械厂工会"),
        "late": ("contest-late-en", "Feng Haiyan", "滨江电力设备有限公司工会"),
        "stranger": ("contest-away-en", "Jiang Wenbin", "云湖数控机床股份有限公司工会"),
    },
}
TITLES = {
    "zh_CN": ("滨江市电工技术比武（企业赛）", "滨江市电工技术比武（市赛）"),
    "en": ("Binjiang electricians' contest (enterprise round)", "Binjiang electricians' contest (city round)"),
}
COURSE = "electrical-safety"


def _set_up(server, language):
    """The journey's three electricians, the pathway asking for a city-level first place; the bank's answers."""
    from flask import current_app
    from sqlalchemy import select

    from learnhub.accounts.models import Consent, User
    from learnhub.accounts.passwords import hash_password
    from learnhub.catalog.models import Course
    from learnhub.catalog.services import bank_questions
    from learnhub.orgs.models import Org
    from learnhub.recognition import pathways

    with server.app_context() as session:
        for username, name, union in PEOPLE[language].values():
            session.add(
                User(
                    username=username,
                    name=name,
                    role="worker",
                    org=session.scalar(select(Org).where(Org.name == union)),
                    occupation="electrician",
                    skill_level="level5",
                    locale=language,
                    password_hash=hash_password(DEMO_PASSWORD),
                )
            )
        session.flush()
        usernames = [username for username, _n, _u in PEOPLE[language].values()]
        for user in session.scalars(select(User).where(User.username.in_(usernames))):
            session.add(Consent(user_id=user.id, notice_version=current_app.config["PRIVACY_NOTICE_VERSION"]))
        pathways.load_pathway(  # the same for both runs: made once
            "contest-journey-city-first",
            session.scalar(select(Org).where(Org.name == "江南省总工会")),
            title=PLACING_PATHWAY,
            target_kind="skill_level",
            institution="江南省职业技能鉴定中心",
            occupation="electrician",
            level="level4",
            target_hours="8",
            placing_stage="city",
            placing_occupation="electrician",
            placing_top="1",
        )
        course = session.scalar(select(Course).where(Course.slug == COURSE))
        answers = {q.text: right_answer(q) for q in bank_questions(course.id)}
        session.commit()
        return course.title, answers


def _beijing(minutes_from_now):
    """A time as an admin types it, Beijing time, to the minute."""
    moment = datetime.now(ZoneInfo("Asia/Shanghai")) + timedelta(minutes=minutes_from_now)
    return moment.strftime("%Y-%m-%d %H:%M")


def _create_round(admin, course, title, stage, previous=None):
    """demo-admin fills in the new contest form: one-minute papers, open now for a day. Returns the contest's address."""
    page, t = admin.page, admin.t
    page.get_by_role("navigation", name=t("Main")).get_by_role("link", name=t("Contests")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Skill contests"))
    page.get_by_role("link", name=t("New contest")).click()
    expect(page.get_by_role("main")).to_contain_text(
        t("For the workers of %(union)s and every union below it.", union=CITY)
    )
    page.get_by_label(t("Title")).fill(title)
    page.get_by_label(t("For workers of")).select_option(label=t("Electrician"))
    page.get_by_label(t("Stage")).select_option(label=t(stage))
    if previous:
        page.get_by_label(t("Round below")).select_option(label=previous)
        page.get_by_label(t("The best of each union who go through")).fill("1")
    page.get_by_label(t("Question banks of the courses")).select_option(label=course)
    page.get_by_label(t("Time limit (minutes)")).fill("1")
    page.get_by_label(t("Opens")).fill(_beijing(-1))
    page.get_by_label(t("Closes")).fill(_beijing(24 * 60))
    page.get_by_label(t("Winners who get a credential")).fill("1")
    admin.step(f"new contest: {stage.lower()}")
    page.get_by_role("button", name=t("Create the contest")).click()
    expect(page.get_by_role("status").first).to_contain_text(t("The contest is created."))
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_role("main")).to_contain_text(t(stage))
    return urlsplit(page.url).path


def _open_contest(journey, title):
    """From the menu to the contest, as a worker finds it."""
    page, t = journey.page, journey.t
    page.get_by_role("navigation", name=t("Main")).get_by_role("link", name=t("Contests")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Skill contests"))
    page.get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def _sit(journey, answers, label):
    """Enter the open contest on the page and hand in a paper of right answers; see the score and rank at once."""
    page, t = journey.page, journey.t
    page.get_by_role("button", name=t("Enter the contest")).click()
    expect(page.get_by_role("button", name=t("Hand in the paper"))).to_be_visible()
    answer_paper(page, answers)
    journey.step(f"{label}: the paper, answered")
    page.get_by_role("button", name=t("Hand in the paper")).click()
    scored = re.escape(t("Your score: %(score)d%%, in %(seconds)d seconds.", score=100, seconds=98765))
    status = page.get_by_role("status").filter(has_text=t("Your rank so far: %(rank)d.", rank=1))
    expect(status).to_contain_text(re.compile(scored.replace("98765", r"\d+")))
    journey.step(f"{label}: score and rank at once")


def _publish(admin, address, title):
    """demo-admin publishes a round's results; the rankings show the individuals and the unions."""
    page, t = admin.page, admin.t
    page.goto(address)
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_role("heading", level=2)).to_contain_text(t("(not published yet)"))
    admin.step(f"{title}: before publishing")
    page.get_by_role("button", name=t("Publish the results")).click()
    expect(page.get_by_role("status").first).to_have_text(
        t("The results are published: the contestants see the rankings now.")
    )
    expect(page.get_by_role("heading", level=2)).to_have_text(t("Rankings"))
    expect(page.get_by_role("button", name=t("Publish the results"))).to_have_count(0)


def test_a_contest_in_two_stages_from_entry_to_credential(start_journey, server, language):
    course, answers = _set_up(server, language)
    (winner, winner_name, winner_union), (late, late_name, _late_union), (away, *_a) = PEOPLE[language].values()
    first, second = TITLES[language]

    # demo-admin of 滨江市总工会 sets up the two stages: the enterprise round, and the city round
    # that admits the best of each enterprise union.
    admin = start_journey("contest-admin", audience="admin")
    apage, at = admin.page, admin.t
    log_in(admin, "demo-admin")
    first_address = _create_round(admin, course, first, "Enterprise round")
    admin.step("the enterprise round")
    second_address = _create_round(admin, course, second, "City round", previous=first)
    expect(apage.get_by_role("main")).to_contain_text(
        at("This round admits the best %(num)d of each union of the round below, %(title)s.", num=1, title=first)
    )
    admin.step("the city round")

    # The late contestant enters first, sees their paper and its deadline, and lets the minute pass.
    slow = start_journey("contest-late")
    spage, st = slow.page, slow.t
    log_in(slow, late)
    _open_contest(slow, first)
    expect(spage.get_by_role("main")).to_contain_text(
        slow.nt("%(num)d minute for the paper, one attempt.", "%(num)d minutes for the paper, one attempt.", 1)
    )
    slow.step("the enterprise round, open")
    spage.get_by_role("button", name=st("Enter the contest")).click()
    entered = time.monotonic()
    expect(spage.get_by_role("button", name=st("Hand in the paper"))).to_be_visible()
    expect(spage.get_by_role("status").first).to_contain_text(re.compile(r"\d\d:\d\d"))
    answer_paper(spage, answers)
    # A typed answer (a number, a word) has a box wide enough to see what was typed.
    for box in spage.locator("fieldset input[type=text]").all():
        assert box.bounding_box()["width"] >= 120, box.bounding_box()
    slow.step("the paper and when to hand it in")

    # The winner enters and hands in at once: their own score and rank show straight away.
    quick = start_journey("contest-winner")
    wpage, wt = quick.page, quick.t
    log_in(quick, winner)
    _open_contest(quick, first)
    _sit(quick, answers, "enterprise round")
    wpage.goto(second_address)
    expect(wpage.get_by_role("status")).to_have_text(
        wt("Who goes through is known once the round below publishes its results.")
    )
    quick.step("the city round: not yet")

    # An electrician of another city: the contest is not in their list, and its page and its
    # Enter are not found.
    stranger = start_journey("contest-other-city")
    opage, ot = stranger.page, stranger.t
    log_in(stranger, away)
    opage.get_by_role("navigation", name=ot("Main")).get_by_role("link", name=ot("Contests")).click()
    expect(opage.get_by_role("heading", level=1)).to_have_text(ot("Skill contests"))
    expect(opage.get_by_role("link", name=first)).to_have_count(0)
    stranger.step("no contest of 滨江市 listed")
    token = opage.locator("input[name=csrf_token]").first.get_attribute("value")  # the footer's language form
    response = opage.goto(first_address)
    assert response.status == 404
    expect(opage.get_by_role("heading", level=1)).not_to_have_text(first)
    stranger.step("the contest's page: not found")
    refused = opage.request.post(first_address + "/enter", form={"csrf_token": token}, max_redirects=0)
    assert refused.status == 404
    stranger.finish()

    # The minute is up: the late paper is refused, recorded and not scored.
    spage.wait_for_timeout(max(0, 61 - (time.monotonic() - entered)) * 1000)
    spage.get_by_role("button", name=st("Hand in the paper")).click()
    expect(spage.get_by_role("alert")).to_contain_text(
        st(
            "Time was up: the paper had to be handed in within %(limit)d minutes of entering. It was not scored.",
            limit=1,
        )
    )
    expect(spage.get_by_role("main")).to_contain_text(st("Your paper came after its time and was not scored."))
    expect(spage.get_by_role("button", name=st("Hand in the paper"))).to_have_count(0)
    slow.step("time was up: refused")

    # The admin publishes the enterprise round: the individuals and the unions, ranked.
    _publish(admin, first_address, first)
    people = apage.get_by_role("table", name=at("Individuals: score, then time"))
    expect(people.locator("tbody tr")).to_have_count(1)  # the late paper is not ranked
    expect(people.locator("tbody tr").first).to_contain_text(winner_name)
    expect(people.locator("tbody tr").first.locator("td").first).to_have_text("1")
    expect(people).not_to_contain_text(late_name)
    teams = apage.get_by_role("table", name=at("Unions: mean of the best three, and how many took part"))
    expect(teams.locator("tbody tr")).to_have_count(1)
    expect(teams.locator("tbody tr").first).to_contain_text(winner_union)
    expect(teams.locator("tbody tr").first).to_contain_text("100.0")
    admin.step("enterprise round: rankings published")

    # The contestants see the published rankings; the late one did not go through to the city round.
    spage.reload()
    expect(spage.get_by_role("table", name=st("Individuals: score, then time"))).to_contain_text(winner_name)
    slow.step("the published rankings")
    spage.goto(second_address)
    expect(spage.get_by_role("status")).to_have_text(
        st("You did not go through from the round below, so this round is not open to you.")
    )
    expect(spage.get_by_role("button", name=st("Enter the contest"))).to_have_count(0)
    slow.step("the city round: not through")
    slow.finish()

    # The winner went through: they sit the city round and win it.
    wpage.goto(second_address)
    expect(wpage.get_by_role("heading", level=1)).to_have_text(second)
    quick.step("the city round: through")
    _sit(quick, answers, "city round")
    _publish(admin, second_address, second)
    expect(apage.get_by_role("table", name=at("Individuals: score, then time")).locator("tbody tr")).to_have_count(1)
    admin.step("city round: rankings published")
    admin.finish()

    # The winner's credential, listed under Recognition, verifies at its public page.
    wpage.get_by_role("navigation", name=wt("Main")).get_by_role("link", name=wt("Recognition")).click()
    mine = wpage.get_by_role("heading", name=wt("My credentials")).locator("xpath=following-sibling::ul[1]")
    credential = mine.get_by_role("link").filter(has_text=second)
    expect(credential).to_have_count(1)
    # ... and the pathway that asks for a first place at the city's level is met.
    pathway = wpage.locator("li.course").filter(has=wpage.get_by_role("link", name=PLACING_PATHWAY, exact=True))
    expect(pathway.get_by_role("link", name=wt("You meet it: apply"))).to_be_visible()
    quick.step("recognition: the credential, the pathway met")
    address = credential.get_attribute("href")
    pathway.get_by_role("link", name=PLACING_PATHWAY, exact=True).click()
    expect(wpage.get_by_role("heading", level=1)).to_have_text(PLACING_PATHWAY)
    expect(wpage.locator("li.met")).to_contain_text(
        wt("%(title)s, place %(rank)d of %(count)d", title=second, rank=1, count=1)
    )
    quick.step("the pathway: the placing met")
    quick.finish()

    checker = start_journey("contest-credential-check")
    cpage, ct = checker.page, checker.t
    cpage.goto(address)
    expect(cpage.get_by_role("heading", level=1)).to_contain_text(second)
    expect(cpage.locator("dl.facts")).to_contain_text(ct("Valid"))
    # Issued by the union that ran the contest, through the platform.
    expect(cpage.locator(".flash.success")).to_contain_text(
        ct("This credential was issued by %(issuer)s through LearnHub and has not been revoked.", issuer=CITY)
    )
    checker.step("the winner's credential, checked by anyone")
    checker.finish()
