"""A union admin on a phone turns on two-step sign-in, logs out, and logs in with a code.

The demo leaves TWO_FACTOR_FOR_ADMINS off (production has it on), so this admin sets it up of
their own accord; the pages are the same. The authenticator app is pyotp, fed the key the page
shows for typing in by hand.
"""

import re
import time

import pyotp
from playwright.sync_api import expect

from tests.e2e.journey import PHONE

PASSWORD = "Guarded-Gate-2026"


def _admin(server, username):
    """A new admin of 滨江市总工会 for this journey alone (the demo admins stay as they are)."""
    from sqlalchemy import select

    from config import Config
    from learnhub.accounts.models import Consent, User
    from learnhub.accounts.passwords import hash_password
    from learnhub.orgs.models import Org

    with server.app_context() as session:
        org = session.scalar(select(Org).where(Org.name == "滨江市总工会"))
        user = User(username=username, name="钱卫东", role="admin", org=org, password_hash=hash_password(PASSWORD))
        session.add(user)
        session.flush()
        session.add(Consent(user_id=user.id, notice_version=Config.PRIVACY_NOTICE_VERSION))
        session.commit()


def test_an_admin_turns_on_two_step_sign_in_and_logs_in_with_a_code(start_journey, server, language):
    username = f"e2e-guarded-{language.replace('_', '-').lower()}"
    _admin(server, username)
    journey = start_journey("admin-two-step", audience="admin", viewport=PHONE)
    page, t = journey.page, journey.t

    def log_in():
        page.goto("/login")
        page.get_by_label(t("Mobile number or username")).fill(username)
        page.get_by_label(t("Password"), exact=True).fill(PASSWORD)
        page.get_by_role("main").get_by_role("button", name=t("Log in")).click()

    log_in()
    page.wait_for_url(re.compile(r"^https?://[^/]+/$"))
    page.goto("/me/profile")
    page.get_by_role("link", name=t("Two-step sign-in")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Two-step sign-in"))
    journey.step("two-step sign-in: off")

    page.get_by_role("button", name=t("Set up two-step sign-in")).click()
    expect(page.get_by_role("img", name=t("QR code for your authenticator app"))).to_be_visible()
    key = page.locator("strong.secret").inner_text().replace(" ", "")
    app = pyotp.TOTP(key)
    journey.step("scan the QR code")

    page.get_by_label(t("Code")).fill("000000" if app.now() != "000000" else "111111")
    page.get_by_role("button", name=t("Turn on")).click()
    expect(page.locator("#code-error")).to_have_text(
        t("That code is not right. Type the 6 digits your app shows now for LearnHub.")
    )
    journey.step("a wrong code is refused")
    page.get_by_label(t("Code")).fill(app.now())
    page.get_by_role("button", name=t("Turn on")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Recovery codes"))
    codes = page.locator("ol.recovery-codes li")
    expect(codes).to_have_count(10)
    with page.expect_download() as download_info:
        page.get_by_role("link", name=t("Download as a text file")).click()
    saved = journey.folder / download_info.value.suggested_filename
    download_info.value.save_as(saved)
    assert codes.first.inner_text() in saved.read_text(encoding="utf-8")
    journey.step("recovery codes, shown once")

    page.get_by_role("button", name=t("Log out")).click()
    log_in()
    page.wait_for_url("**/login/code")
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Two-step sign-in"))
    journey.step("the code after the password")
    # The next half-minute's code: the one that turned it on is good only once.
    page.get_by_label(t("Code")).fill(app.at(time.time(), counter_offset=1))
    page.get_by_role("main").get_by_role("button", name=t("Log in")).click()
    page.wait_for_url(re.compile(r"^https?://[^/]+/$"))
    page.goto("/people/")
    expect(page.get_by_role("heading", level=1)).to_have_text(t("People"))
    journey.step("signed in with the code")
    journey.finish()
