"""A union admin at a desktop: finds people of their union subtree and gets the bulk template.

Their statistics, drilling down and exports: test_stats.py.
"""

import csv
import io
import re

from playwright.sync_api import expect

DEMO_PASSWORD = "LearnHub-demo-2026"
LANGUAGE_NAMES = {"zh_CN": "中文", "en": "English"}


def log_in(journey, username, password=DEMO_PASSWORD):
    """Log in, then choose the journey's language in the footer, as a person would."""
    page, t = journey.page, journey.t
    page.goto("/login")
    journey.step("login")
    page.get_by_label(t("Mobile number or username")).fill(username)
    page.get_by_label(t("Password"), exact=True).fill(password)
    page.get_by_role("main").get_by_role("button", name=t("Log in")).click()
    page.wait_for_url(re.compile(r"^https?://[^/]+/$"))  # home
    # The account's saved language wins over the browser's; choosing one saves it.
    page.get_by_role("contentinfo").get_by_role("button", name=LANGUAGE_NAMES[journey.language]).click()


def test_union_admin_finds_people(start_journey, language):
    journey = start_journey("admin-people", audience="admin")
    page, t = journey.page, journey.t
    log_in(journey, "demo-admin")
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Hello, %(name)s", name="王丽娟"))
    journey.step("home")

    page.get_by_role("navigation", name=t("Main")).get_by_role("link", name=t("People")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("People"))
    expect(page.locator("main")).to_contain_text(
        t("Everyone in %(union)s and the unions below it.", union="滨江市总工会")
    )
    journey.step("people")

    page.get_by_label(t("Occupation")).select_option(label=t("Welder"))
    page.get_by_role("button", name=t("Search")).click()
    page.wait_for_url("**occupation=welder**")
    rows = page.get_by_role("table").locator("tbody tr")
    found = rows.count()
    assert found > 0
    expect(page.locator("main")).to_contain_text(journey.tn("%(num)d person found.", "%(num)d people found.", found))
    for row in rows.all():  # only welders, and only of the admin's own subtree
        expect(row.get_by_role("cell").nth(5)).to_have_text(t("Welder"))
        expect(row.get_by_role("cell").nth(3)).to_contain_text("滨江")
    journey.step("people filtered by occupation")

    name = rows.first.get_by_role("link").first.inner_text()
    rows.first.get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    expect(page.locator("dl.facts")).to_contain_text(t("Welder"))
    journey.step("person")

    page.get_by_role("link", name=t("People")).first.click()
    page.get_by_role("link", name=t("Open accounts in bulk")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Open accounts in bulk"))
    journey.step("bulk onboarding")

    with page.expect_download() as download_info:
        page.get_by_role("link", name=t("Download the template (CSV)")).click()
    download = download_info.value
    saved = journey.folder / download.suggested_filename
    download.save_as(saved)
    assert download.suggested_filename == "workers-template.csv"
    sheet = list(csv.reader(io.StringIO(saved.read_text(encoding="utf-8-sig"))))
    assert sheet[0][:4] == ["姓名", "手机号", "工会", "工种"]
    assert sheet[1][2].startswith("滨江")  # the example union is one of the admin's own
    journey.finish()
