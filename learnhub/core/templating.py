"""Jinja set-up: the `do` statement for form macros, cache-busting static URLs, figures.

The `credits` and `hours` filters show figures by the one rounding rule of `core.hours`:
credits to the hundredth they are paid in, hours in tenths rounded once per ledger entry,
totals as the sums of their rows as shown.
"""

import hashlib
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from babel import numbers
from flask import current_app, url_for
from flask_babel import get_locale

from learnhub.core import vocab
from learnhub.core.hours import as_hours


def init_app(app):
    app.jinja_env.add_extension("jinja2.ext.do")
    # Static files are cached for a year; the content hash in the URL tells when they change.
    app.config.setdefault("SEND_FILE_MAX_AGE_DEFAULT", 365 * 24 * 3600)
    static_dir = Path(app.root_path) / "core" / "static"
    versions = {}

    def static_url(filename):
        if filename not in versions or app.debug:
            path = static_dir / filename
            versions[filename] = hashlib.sha256(path.read_bytes()).hexdigest()[:10] if path.is_file() else "0"
        return url_for("core.static", filename=filename, v=versions[filename])

    app.jinja_env.globals["static_url"] = static_url
    app.jinja_env.filters["credits"] = format_credits
    app.jinja_env.filters["occupation_label"] = vocab.occupation_label
    app.jinja_env.filters["skill_level_label"] = vocab.skill_level_label
    app.jinja_env.filters["hours"] = format_hours


def format_credits(value):
    """Credits as people write them: 2, 1.5, 0.25 (in the reader's locale)."""
    return _format(str(value or 0), "#,##0.##", _locale())


def format_hours(value):
    """An `Hours` (a total), or whole minutes rounded by core.hours' rule (学时 of 45 minutes: 150 -> 3.3, 50 -> 1.1)."""
    return _format(str(as_hours(value).value), "#,##0.#", _locale())


def _locale():
    locale = get_locale()  # None outside a request: the site's default
    return str(locale) if locale else current_app.config["BABEL_DEFAULT_LOCALE"]


# Babel takes 40-150 µs to format one number, and a catalogue page shows forty; the same
# few values (1.5 credits, 2 hours) come back on every page.
@lru_cache(maxsize=2048)
def _format(text, pattern, locale):
    return numbers.format_decimal(Decimal(text), format=pattern, locale=locale)
