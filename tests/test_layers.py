"""A lower feature never imports a higher one (the order of DESIGN.md)."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "learnhub"
ORDER = [
    "core",
    "orgs",
    "accounts",
    "notify",
    "catalog",
    "credits",
    "learning",
    "offline",
    "contests",
    "recognition",
    "studio",
    "stats",
    "xapi",
    "api",
]
# Above every feature, imported by none: the home page and the demo data.
TOP = {"home", "demo"}


def _imports(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


def _feature(module):
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "learnhub" else None


@pytest.mark.parametrize("feature", [f for f in ORDER if (PACKAGE / f).is_dir()])
def test_features_import_only_lower_features(feature):
    allowed = set(ORDER[: ORDER.index(feature) + 1])
    wrong = set()
    for path in (PACKAGE / feature).rglob("*.py"):
        for module in _imports(path):
            used = _feature(module)
            if used and used not in allowed and used != "extensions":
                wrong.add(f"{path.relative_to(PACKAGE)} imports {module}")
    assert not wrong, sorted(wrong)


def test_nothing_imports_the_top():
    wrong = set()
    for path in PACKAGE.rglob("*.py"):
        if path.parent.name in TOP or path.stem in TOP or path.name == "__init__.py" and path.parent == PACKAGE:
            continue
        for module in _imports(path):
            if _feature(module) in TOP:
                wrong.add(f"{path.relative_to(PACKAGE)} imports {module}")
    assert not wrong, sorted(wrong)


def test_only_the_sanitiser_calls_bleach():
    users = {
        str(p.relative_to(PACKAGE))
        for p in PACKAGE.rglob("*.py")
        if any(m.split(".")[0] == "bleach" for m in _imports(p))
    }
    assert users <= {"core/sanitize.py"}


def test_everything_translates_through_core_i18n():
    """core.i18n keeps the request's catalogue; flask-babel's own gettext or force_locale would miss it."""
    names = {"gettext", "ngettext", "lazy_gettext", "force_locale", "pgettext", "lazy_ngettext"}
    wrong = set()
    for path in [*PACKAGE.rglob("*.py"), *(PACKAGE.parent / "tests").rglob("*.py")]:
        if path == PACKAGE / "core" / "i18n.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "flask_babel":
                wrong |= {f"{path.name}: {alias.name}" for alias in node.names if alias.name in names}
    assert not wrong, sorted(wrong)
