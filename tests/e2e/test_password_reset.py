"""A worker who forgot their password sets a new one with the code the SMS brings.

The SMS goes through the task queue's consumer (started beside the site) to the `log` backend;
the code is read where a deployment's admin reads it in the demo, on /sms/log.
"""

import re

from playwright.sync_api import expect

from tests.e2e.test_admin import log_in

NEW_PASSWORD = "Copper-Wire-2027"
# Demo workers with phones, one per language (nobody else's journey uses them).
ACCOUNT = {"zh_CN": ("demo-w001", "19900000001"), "en": ("demo-w002", "19900000002")}


def test_worker_resets_a_forgotten_password_with_the_sms_code(start_journey, language):
    _username, phone = ACCOUNT[language]
    worker = start_journey("worker-password-reset")
    page, t = worker.page, worker.t
    page.goto("/login")
    page.get_by_role("contentinfo").get_by_role("button", name={"zh_CN": "中文", "en": "English"}[language]).click()
    page.get_by_role("link", name=t("Forgot your password?")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Forgot your password?"))
    worker.step("forgot my password")
    page.get_by_label(t("Mobile number of your account")).fill(phone)
    page.get_by_role("button", name=t("Send me a code")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Choose a new password"))
    expect(page.get_by_role("status").first).to_contain_text(
        t("If an account uses this number, a code is on its way by SMS. It is valid for 10 minutes.")
    )
    worker.step("a code is on its way")

    # The log backend's page, as the deployment's admin opens it in the demo.
    admin = start_journey("sms-log", audience="admin")
    apage, at = admin.page, admin.t
    log_in(admin, "demo-root")
    apage.goto("/sms/log")
    expect(apage.get_by_role("heading", level=1)).to_have_text(at("SMS sent by the log backend"))
    row = apage.get_by_role("row").filter(has_text=phone).first
    for _wait in range(60):  # the consumer sends it within a few seconds
        if row.count():
            break
        apage.wait_for_timeout(500)
        apage.reload()
    expect(row).to_be_visible()
    code = re.search(r"(?<!\d)(\d{6})(?!\d)", row.get_by_role("cell").nth(2).inner_text()).group(1)
    admin.step("the SMS with the code")
    admin.finish()

    page.get_by_label(t("Code from the SMS")).fill(code)
    page.get_by_label(t("New password"), exact=True).fill(NEW_PASSWORD)
    page.get_by_label(t("New password again")).fill(NEW_PASSWORD)
    worker.step("code and new password")
    page.get_by_role("button", name=t("Set my new password")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Log in"))
    expect(page.get_by_role("status").first).to_contain_text(t("Your password is set. Log in with it now."))
    worker.step("password set")
    page.get_by_label(t("Mobile number or username")).fill(phone)
    page.get_by_label(t("Password"), exact=True).fill(NEW_PASSWORD)
    page.get_by_role("main").get_by_role("button", name=t("Log in")).click()
    page.wait_for_url(re.compile(r"^https?://[^/]+/$"))
    worker.step("logged in with the new password")
    worker.finish()
