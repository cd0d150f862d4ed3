"""Jinja set-up: the `do` statement for form macros, and cache-busting static URLs."""

import hashlib
from pathlib import Path

from flask import url_for


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
    from learnhub.core.audit import action_label

    app.jinja_env.globals["audit_action_label"] = action_label
    app.jinja_env.filters["credits"] = format_credits
    app.jinja_env.filters["hours"] = format_hours


def format_credits(value):
    """Credits as people write them: 2, 1.5, 0.25 (in the reader's locale)."""
    from flask_babel import format_decimal

    return format_decimal(value or 0, format="#,##0.##")


def format_hours(minutes):
    """Whole minutes as hours with at most one decimal: 150 -> 2.5."""
    from flask_babel import format_decimal

    return format_decimal((minutes or 0) / 60, format="#,##0.#")
