"""A journey: one person's way through the site in one browser context.

`journey.step("label")` is called once a page shows what the person came for: it takes a
screenshot, runs axe-core on the page as it stands and notes the page load the step is on.
`journey.finish()` fails the test on any serious or critical accessibility violation, and on
any page of a worker journey heavier than the budget.
"""

import contextlib
import re
from dataclasses import dataclass, field

from babel.support import Translations

from tests.e2e.server import ROOT
from tests.e2e.wire import WireLog

BUDGET_BYTES = 60 * 1024  # DESIGN.md: a worker page, first visit, everything included
BLOCKING_IMPACTS = ("serious", "critical")
LANGUAGES = {"zh_CN": {"locale": "zh-CN", "html_lang": "zh-CN"}, "en": {"locale": "en-US", "html_lang": "en"}}
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}

# Each step asks axe for the whole page; its rules are run as shipped (WCAG 2.x A/AA and
# best practices), and only results that fail are returned, which keeps each run short.
_AXE_RUN = """() => axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5),
    count: v.nodes.length})))"""


@dataclass
class Step:
    number: int
    label: str
    load: object
    screenshot: str
    violations: list = field(default_factory=list)

    @property
    def blocking(self):
        return [v for v in self.violations if v["impact"] in BLOCKING_IMPACTS]


class Journey:
    """A person (worker, trainer or admin) at a browser; see the module docstring."""

    def __init__(self, name, context, folder, language, audience, axe_source, javascript, checker=None):
        self.name = name
        self.context = context
        self.folder = folder
        self.language = language
        self.audience = audience
        self.javascript = javascript
        self.page = context.new_page()
        self.wire = WireLog(context.new_cdp_session(self.page))
        self.steps = []
        self.notes = []  # what the journey measured beside the pages (the service worker's size)
        self._axe_source = axe_source
        self._checker = checker
        self._checked = {}
        self._translations = (
            Translations.load(str(ROOT / "learnhub" / "translations"), ["zh"]) if language == "zh_CN" else None
        )

    # ------------------------------------------------------------------ words

    def t(self, msgid, **values):
        """`msgid` as the person reads it in the journey's language (the app's own catalogue)."""
        text = self._translations.gettext(msgid) if self._translations else msgid
        return text % values if values else text

    def pt(self, context, msgid, **values):
        """`t` for a message with a context (the status "Recognised" 已认定, not the page 成果认定)."""
        text = self._translations.pgettext(context, msgid) if self._translations else msgid
        return text % values if values else text

    def tn(self, singular, plural, num, **values):
        text = (
            self._translations.ngettext(singular, plural, num)
            if self._translations
            else (singular if num == 1 else plural)
        )
        return text % dict(values, num=num)

    def exactly(self, msgid, **values):
        """A pattern matching the whole translated text, for get_by_role(name=...)."""
        return re.compile(rf"^\s*{re.escape(self.t(msgid, **values))}\s*$")

    # ------------------------------------------------------------------ steps

    def finish_module(self):
        """Press "I have finished this module" until the site counts it: a lesson wants some time
        on it first (a few seconds in the journeys, see server.py), and says how much is left."""
        page = self.page
        button = page.get_by_role("button", name=self.t("I have finished this module"))
        title = page.get_by_role("heading", level=1).inner_text()
        for _attempt in range(30):
            button.click()
            page.wait_for_load_state("load")
            if page.get_by_role("heading", level=1).inner_text() != title or not button.count():
                return
            page.wait_for_timeout(1000)
        raise AssertionError(f"the module {title!r} never counted as finished")

    def nt(self, singular, plural, num, **values):
        """The plural-aware `t`: the form for `num`, with %(num)d filled in."""
        text = (
            self._translations.ngettext(singular, plural, num)
            if self._translations
            else (singular if num == 1 else plural)
        )
        return text % {"num": num, **values}

    def step(self, label):
        """Screenshot, accessibility check and page weight of the page as it is now."""
        page = self.page
        page.wait_for_load_state("load")
        assert page.evaluate("document.documentElement.lang") == LANGUAGES[self.language]["html_lang"], (
            f"{page.url} is not in {self.language}"
        )
        number = len(self.steps) + 1
        slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
        path = self.folder / f"{number:02d}-{slug}.png"
        page.screenshot(path=str(path), full_page=True)
        step = Step(number, label, self.wire.current, str(path.relative_to(self.folder.parent)), self._axe())
        self.steps.append(step)
        return step

    def _axe(self):
        if self.javascript:
            if not self.page.evaluate("typeof window.axe === 'object'"):
                self.page.evaluate(self._axe_source)
            return self.page.evaluate(_AXE_RUN)
        return self._axe_without_javascript()

    def _axe_without_javascript(self):
        # axe needs timers, which do not run in a page whose scripts are off. The same HTML
        # is checked in a second page that has them, with the site's own scripts blocked so
        # it renders exactly as the person sees it.
        html, url = self.page.content(), self.page.url
        checker = self._checker
        checker.unroute("**/*")

        def serve(route):
            if route.request.url == url and route.request.resource_type == "document":
                return route.fulfill(body=html, content_type="text/html; charset=utf-8")
            if route.request.resource_type == "script":
                return route.abort()
            return route.continue_()

        checker.route("**/*", serve)
        checker.goto(url)
        checker.evaluate(self._axe_source)
        return checker.evaluate(_AXE_RUN)

    def note(self, text):
        """A line for the run's summary, under this journey: something measured beside its pages."""
        self.notes.append(text)

    def screenshot_failure(self):
        """The screen as it was when the journey broke, beside its steps."""
        with contextlib.suppress(Exception):  # the browser may be what broke; the test's own error says more
            self.page.screenshot(path=str(self.folder / f"{len(self.steps) + 1:02d}-FAILED.png"), full_page=True)

    # ------------------------------------------------------------------ verdict

    def pages(self):
        """The page loads the steps were on, each once, in order."""
        seen = {}
        for step in self.steps:
            if step.load is not None:
                seen.setdefault(step.load.number, step.load)
        return list(seen.values())

    def problems(self):
        """What makes this journey fail: serious or critical axe findings, pages over budget."""
        found = []
        for step in self.steps:
            for v in step.blocking:
                found.append(
                    f"step {step.number} ({step.label}) {step.load.path if step.load else ''}: "
                    f"axe {v['impact']} {v['id']}: {v['help']} at {', '.join(v['nodes'])}"
                )
        if self.audience == "worker":
            for load in self.pages():
                if load.bytes > BUDGET_BYTES:
                    found.append(f"{load.path} weighs {load.bytes} bytes, over the budget of {BUDGET_BYTES}")
        return found

    def finish(self):
        """Fail on accessibility or weight problems; call at the end of each journey."""
        self.page.wait_for_load_state("networkidle")  # the last page's late requests count too
        problems = self.problems()
        assert not problems, f"{self.name}:\n  " + "\n  ".join(problems)

    def as_dict(self):
        return {
            "journey": self.name,
            "language": self.language,
            "audience": self.audience,
            "javascript": self.javascript,
            "steps": [
                {
                    "number": s.number,
                    "label": s.label,
                    "page": s.load.number if s.load else None,
                    "path": s.load.path if s.load else None,
                    "screenshot": s.screenshot,
                    "axe": s.violations,
                }
                for s in self.steps
            ],
            "pages": [load.as_dict() for load in self.pages()],
            "notes": self.notes,
        }
