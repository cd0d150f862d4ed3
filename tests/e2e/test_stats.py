"""A union admin at a desktop: sees their statistics, drills down into a union below theirs and
back up by the breadcrumb, and downloads a table as CSV and as Excel.
"""

import csv
import io
import re

from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.e2e.test_admin import log_in

UNION = "滨江市总工会"


def test_union_admin_statistics(start_journey, language):
    journey = start_journey("admin-statistics", audience="admin")
    page, t = journey.page, journey.t
    log_in(journey, "demo-admin")
    page.get_by_role("navigation", name=t("Main")).get_by_role("link", name=t("Statistics")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(UNION)
    workers = page.locator('[data-figure="workers"] .big')
    expect(workers).to_have_text(re.compile(r"^[1-9][\d,]*$"))  # the demo unions have members
    for figure in ("enrolments", "completions", "completion_rate", "credits", "hours"):
        expect(page.locator(f'[data-figure="{figure}"] .big')).to_have_text(re.compile(r"\d"))
    expect(page.get_by_role("heading", name=t("Unions below"))).to_be_visible()
    journey.step("overview")

    below = page.get_by_role("table").filter(has=page.locator("caption")).first
    child = below.locator("tbody th a").first
    child_name = child.inner_text().strip()
    child.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(child_name)
    crumbs = page.get_by_role("navigation", name=t("Unions above"))
    expect(crumbs.locator('[aria-current="page"]')).to_have_text(child_name)
    child_workers = int(page.locator('[data-figure="workers"] .big').inner_text().replace(",", ""))
    journey.step("a union below")

    crumbs.get_by_role("link", name=UNION).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(UNION)
    total_workers = int(workers.inner_text().replace(",", ""))
    assert child_workers <= total_workers  # a union below counts part of the whole
    journey.step("back up by the breadcrumb")

    summary = page.locator("p.exports").first
    with page.expect_download() as download_info:
        summary.get_by_role("link", name="CSV").click()
    saved = journey.folder / download_info.value.suggested_filename
    download_info.value.save_as(saved)
    raw = saved.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to read Chinese in a CSV"
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) >= 2 and any(str(total_workers) in "".join(row).replace(",", "") for row in rows)

    with page.expect_download() as download_info:
        summary.get_by_role("link", name="Excel (XLSX)").click()
    saved = journey.folder / download_info.value.suggested_filename
    download_info.value.save_as(saved)
    assert saved.suffix == ".xlsx"
    sheet = load_workbook(saved, read_only=True).active
    cells = [value for row in sheet.iter_rows(values_only=True) for value in row if value is not None]
    assert total_workers in cells or str(total_workers) in map(str, cells)
    journey.finish()
