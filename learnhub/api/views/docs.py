"""The API's browsable documentation: Swagger UI served from this site (no third-party host).

Swagger UI's files come from the flask-swagger-ui package on PyPI (its `dist` folder); this site
serves them itself, and a script of ours (no inline script: the site's CSP forbids it) starts it
on /api/v1/openapi.json.
"""

from pathlib import Path

import flask_swagger_ui
from flask import abort, render_template, send_from_directory

SWAGGER_UI = Path(flask_swagger_ui.__file__).parent / "dist"
ASSETS = {"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "favicon-32x32.png"}


def docs():
    return render_template("api/docs.html")


def asset(filename):
    """One of Swagger UI's own files; anything else is not found."""
    if filename not in ASSETS:
        abort(404)
    return send_from_directory(SWAGGER_UI, filename, max_age=86400)
