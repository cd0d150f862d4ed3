"""The floor everything stands on: database, security, languages, layout and error pages."""

from flask import Blueprint

bp = Blueprint("core", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static")

from learnhub.core import views  # noqa: E402,F401  (routes attach to bp)
