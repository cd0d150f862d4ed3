"""Browser journeys: Debian's chromium, driven by Playwright, against a real server.

One server and one browser per run; each journey gets a fresh browser context (no cookies,
no cache). Screenshots, the server's log and a summary (pages, axe results, bytes) go to
test-artifacts/e2e/<sqlite|postgresql>/, which CI leaves in place.

The journeys need /usr/bin/chromium (`make test` installs it) and axe-core (`npm ci`).
Without them they are skipped with the reason, except in CI, where they fail.
"""

import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.e2e.journey import DESKTOP, LANGUAGES, PHONE, Journey
from tests.e2e.report import write_summary
from tests.e2e.server import ROOT, Database, LiveServer

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
_SUMMARY = pytest.StashKey[str]()
_CALL_FAILED = pytest.StashKey[bool]()
_E2E_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    for item in items:
        if _E2E_DIR in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.stash[_CALL_FAILED] = report.failed
    return report


def pytest_terminal_summary(terminalreporter, config):
    summary = config.stash.get(_SUMMARY, None)
    if summary:
        terminalreporter.section("browser journeys")
        for line in summary.splitlines():
            terminalreporter.write_line(line)


def _unavailable(reason):
    """Skip where a browser cannot be had; in CI a missing browser is a broken build."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI must run the browser journeys: run `make test`)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _transaction():
    """The journeys commit through a real server; there is no per-test transaction to roll back."""
    yield


@pytest.fixture(scope="session")
def run_folder():
    kind = "postgresql" if os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql") else "sqlite"
    folder = ARTIFACTS / kind
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).is_file():
        _unavailable(f"no chromium at {CHROMIUM} (apt-get install chromium fonts-wqy-microhei)")
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    except Exception as error:
        playwright.stop()
        _unavailable(f"chromium at {CHROMIUM} did not start: {error}")
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture(scope="session")
def axe_source():
    if not AXE.is_file():
        _unavailable(f"axe-core is not installed at {AXE.relative_to(ROOT)} (npm ci)")
    return AXE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def server(run_folder, browser, axe_source):
    """The site with the demo data and the courses/ catalogue, on its own database."""
    database = Database(os.environ.get("TEST_DATABASE_URL"), run_folder)
    live = LiveServer(database, run_folder / "server.log")
    try:
        live.build()
        live.start()
        yield live
    finally:
        live.stop()
        database.drop()


@pytest.fixture(scope="session")
def report(request, run_folder):
    journeys = []
    yield journeys
    if journeys:
        request.config.stash[_SUMMARY] = write_summary(run_folder, journeys)


@pytest.fixture(params=list(LANGUAGES))
def language(request):
    """Every journey runs in Chinese (the default) and in English."""
    return request.param


@pytest.fixture
def start_journey(request, browser, server, axe_source, run_folder, report, language):
    """start_journey(name, audience='worker'|'trainer'|'admin', viewport=PHONE|DESKTOP, javascript=True) -> Journey

    A journey is recorded in the summary unless record=False (the harness's own checks).
    Service workers are blocked unless service_workers=True (the offline journey): each page
    is then weighed as a first visit, as the budget means, not as the offline cache answers it.
    """
    started = []

    def start(name, audience="worker", viewport=None, javascript=True, record=True, service_workers=False):
        viewport = viewport or (PHONE if audience == "worker" else DESKTOP)
        options = dict(
            base_url=server.url,
            viewport=viewport,
            locale=LANGUAGES[language]["locale"],
            timezone_id="Asia/Shanghai",
            accept_downloads=True,
            service_workers="allow" if service_workers else "block",
        )
        if viewport == PHONE:
            options.update(is_mobile=True, has_touch=True, device_scale_factor=1)
        context = browser.new_context(java_script_enabled=javascript, **options)
        context.set_default_timeout(10_000)
        checker = None
        if not javascript:
            checker_context = browser.new_context(**options)
            checker = checker_context.new_page()
            started.append(checker_context)
        folder = run_folder / f"{name}-{language}"
        assert not folder.exists(), f"two journeys are named {name}: give each its own name"
        folder.mkdir()
        journey = Journey(f"{name}-{language}", context, folder, language, audience, axe_source, javascript, checker)
        started.append(context)
        started.append((journey, record))
        return journey

    yield start
    for item in started:
        if isinstance(item, tuple):
            journey, record = item
            if request.node.stash.get(_CALL_FAILED, False):
                journey.screenshot_failure()
            if record:
                report.append(journey.as_dict())
    for item in started:
        if not isinstance(item, tuple):
            item.close()
