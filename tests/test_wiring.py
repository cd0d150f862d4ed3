"""The app is wired one way: no import cycles, and only `init_app` connects anything."""

import ast
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from config import TestConfig
from learnhub import create_app
from learnhub.accounts.signals import account_erasing, personal_data_requested
from learnhub.contests.signals import paper_scored, results_published
from learnhub.credits.signals import entry_reversed
from learnhub.demo import finish_course
from learnhub.extensions import db
from learnhub.learning.signals import (
    course_completed,
    enrolled,
    module_completed,
    module_opened,
    quiz_submitted,
    video_played,
)
from learnhub.recognition.models import Credential
from learnhub.recognition.signals import recognition_granted

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "learnhub"
SIGNALS = [
    personal_data_requested,
    account_erasing,
    enrolled,
    module_opened,
    video_played,
    quiz_submitted,
    module_completed,
    course_completed,
    entry_reversed,
    recognition_granted,
    paper_scored,
    results_published,
]


def _modules():
    """{dotted name: path} of every module of learnhub."""
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _import_graph(modules):
    """{module: modules of learnhub it imports}, wherever in the file the import stands."""
    graph = {}
    for name, path in modules.items():
        edges = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("learnhub"):
                for alias in node.names:  # `from learnhub.x import y` imports module x.y when there is one
                    edges.add(
                        f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}" in modules else node.module
                    )
            elif isinstance(node, ast.Import):
                edges.update(alias.name for alias in node.names if alias.name in modules)
        graph[name] = edges & modules.keys() - {name}
    return graph


def _cycle(graph):
    """One import cycle as a list of modules, or None."""
    state = {}

    def visit(module, trail):
        state[module] = "open"
        for imported in sorted(graph[module]):
            if state.get(imported) == "open":
                return trail[trail.index(imported) :] + [imported]
            if imported not in state:
                found = visit(imported, trail + [imported])
                if found:
                    return found
        state[module] = "done"
        return None

    for module in sorted(graph):
        if module not in state:
            found = visit(module, [module])
            if found:
                return found
    return None


def test_no_module_imports_a_module_that_imports_it_back():
    assert _cycle(_import_graph(_modules())) is None


def test_the_cycle_check_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]


def test_every_module_imports_on_its_own_in_any_order():
    names = sorted(_modules())
    for order in (names, names[::-1]):
        script = "import importlib\n" + "".join(f"importlib.import_module({n!r})\n" for n in order)
        done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr[-2000:]


def test_nothing_connects_a_receiver_outside_a_subscribers_module():
    signal_names = {signal.name.replace("-", "_") for signal in SIGNALS}
    wrong = []
    for name, path in _modules().items():
        if name.endswith(".subscribers"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and node.attr in ("connect", "connect_via")
                and isinstance(node.value, ast.Name)
                and node.value.id in signal_names
            ):
                wrong.append(f"{name}:{node.lineno}")
    assert not wrong


def test_creating_the_app_connects_every_receiver(app, make_user, make_course):
    # Unplug everything, as if no module had ever connected a receiver on import; only
    # create_app may plug them in again.
    for signal in SIGNALS:
        for receiver in list(signal.receivers_for(None)):
            signal.disconnect(receiver)
    assert not any(signal.receivers for signal in SIGNALS)

    create_app(TestConfig())

    assert all(signal.receivers for signal in SIGNALS)
    worker = make_user("connected-worker")
    course = make_course("connected-course")
    finish_course(worker, course)
    issued = db.session.scalars(select(Credential).where(Credential.user_id == worker.id)).all()
    assert [credential.title for credential in issued] == [course.title]
