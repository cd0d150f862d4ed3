"""The checks of the journeys can fail: axe sees a broken page, with and without JavaScript,
and a heavy worker page breaks the budget. Without these, a quiet summary would prove nothing.
"""

import pytest

from tests.e2e.journey import BUDGET_BYTES

BROKEN = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>坏页面</title>
<link rel="stylesheet" href="/static/app.css"></head>
<body><main id="main"><h1>坏页面</h1><img src="/static/app.css"><input type="text" name="q"></main></body></html>"""


@pytest.fixture
def language():
    return "zh_CN"  # what is checked here does not depend on the language


def serve(journey, path, html):
    journey.page.route(f"**{path}", lambda route: route.fulfill(body=html, content_type="text/html; charset=utf-8"))
    journey.page.goto(path)


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_axe_reports_an_image_without_text_and_an_unlabelled_field(start_journey, javascript):
    journey = start_journey("harness-axe" + ("" if javascript else "-no-js"), javascript=javascript, record=False)
    serve(journey, "/e2e-broken", BROKEN)
    step = journey.step("broken page")
    assert {(v["id"], v["impact"]) for v in step.blocking} >= {("image-alt", "critical"), ("label", "critical")}
    with pytest.raises(AssertionError, match="image-alt"):
        journey.finish()


@pytest.mark.parametrize("audience", ["worker", "admin"])
def test_a_worker_page_over_the_budget_fails_and_an_admin_page_is_only_weighed(start_journey, audience):
    journey = start_journey(f"harness-weight-{audience}", audience=audience, record=False)
    filler = "<p>" + "工" * (BUDGET_BYTES // 3) + "</p>"  # three bytes a character in UTF-8
    serve(journey, "/e2e-heavy", BROKEN.replace('<img src="/static/app.css"><input type="text" name="q">', filler))
    journey.step("heavy page")
    journey.page.wait_for_load_state("networkidle")
    assert journey.pages()[0].bytes > BUDGET_BYTES
    if audience == "worker":
        with pytest.raises(AssertionError, match="over the budget"):
            journey.finish()
    else:
        journey.finish()
