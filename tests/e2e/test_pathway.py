"""Issue 5's "done when": a worker who meets a demo pathway applies on a phone, the city's
admin approves at a desktop, and the worker's recognition shows the credential, which a
stranger can check.

The course itself is finished through the services before the journey (other journeys take
courses in the browser); everything the issue asks for after that happens in Chromium.
"""

from playwright.sync_api import expect

from tests.e2e.test_admin import DEMO_PASSWORD, log_in

PATHWAY = "安全生产在线学习证明"  # demo data: 安全生产通识 and one trade's safety course within a year
UNION = "滨江重型机械厂工会"  # under demo-admin's 滨江市总工会


def worker_who_finished_a_safety_course(server, username):
    """Add a consenting worker of UNION who has finished work-safety-basics and electrical-safety; return their name."""
    from sqlalchemy import select

    from learnhub.accounts.models import Consent, User
    from learnhub.accounts.passwords import hash_password
    from learnhub.catalog.models import Course
    from learnhub.catalog.services import course_modules
    from learnhub.demo import right_answers
    from learnhub.learning import services as learning
    from learnhub.orgs.models import Org

    with server.app_context() as session:
        org = session.scalar(select(Org).where(Org.name == UNION))
        name = "刘建平" if username.endswith("zh_cn") else "Liu Jianping"
        worker = User(
            username=username,
            name=name,
            role="worker",
            org=org,
            occupation="electrician",
            skill_level="level5",
            password_hash=hash_password(DEMO_PASSWORD),
        )
        session.add(worker)
        session.flush()
        from flask import current_app

        session.add(Consent(user_id=worker.id, notice_version=current_app.config["PRIVACY_NOTICE_VERSION"]))
        for slug in ("work-safety-basics", "electrical-safety"):
            course = session.scalar(select(Course).where(Course.slug == slug))
            learning.enrol(worker, course)
            for module, revision in course_modules(course):
                if module.kind == "quiz":
                    learning.submit_quiz(worker, course, module, revision, right_answers(worker, module, revision))
                else:
                    learning.complete_module(worker, course, module, revision)
        session.commit()
        return name


def test_worker_applies_admin_approves_credential_shows_it(start_journey, server, language):
    username = f"pathway-{language.lower()}"
    name = worker_who_finished_a_safety_course(server, username)

    worker = start_journey("pathway-worker")
    page, t = worker.page, worker.t
    log_in(worker, username)
    page.get_by_role("navigation", name=t("Main")).get_by_role("link", name=t("Recognition")).click()
    pathway = page.locator("li.course").filter(has=page.get_by_role("link", name=PATHWAY, exact=True))
    expect(pathway.get_by_role("link", name=t("You meet it: apply"))).to_be_visible()
    worker.step("pathways: this one is met")
    pathway.get_by_role("link", name=t("You meet it: apply")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(PATHWAY)
    worker.step("the pathway")
    page.get_by_role("button", name=t("Apply for recognition")).click()
    worker.step("applied")

    admin = start_journey("pathway-admin", audience="admin")
    apage, at = admin.page, admin.t
    log_in(admin, "demo-admin")
    apage.goto("/recognition/review/")
    row = apage.get_by_role("row").filter(has_text=PATHWAY).filter(has_text=name)
    expect(row).to_have_count(1)
    admin.step("review queue")
    row.get_by_role("link", name=name).click()
    expect(apage.locator("main")).to_contain_text(at("Meets the pathway"))
    admin.step("the application")
    apage.get_by_role("button", name=at("Approve")).click()
    expect(apage.get_by_role("status").first).to_contain_text(
        at("Approved. The recognition is recorded and its credential issued.")
    )
    admin.step("approved: back in the queue")
    admin.finish()

    page.goto("/recognition/")
    expect(pathway.get_by_text(worker.pt("status", "Recognised"))).to_be_visible()
    worker.step("recognised")
    # The recognition's credential is listed under "My credentials" with the pathway's title.
    link = page.locator("a[href*='/credentials/']").filter(has_text=PATHWAY).first
    expect(link).to_be_visible()
    href = link.get_attribute("href")
    # A stranger, not logged in, checks the credential of the recognition.
    stranger = start_journey("pathway-stranger")
    spage = stranger.page
    spage.goto(href)
    expect(spage.locator("main")).to_contain_text(PATHWAY)
    expect(spage.locator("main")).to_contain_text(stranger.t("Valid"))
    stranger.step("the credential, checked by a stranger")
    stranger.finish()
    worker.finish()
