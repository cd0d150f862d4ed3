"""The home page: what to do next, for each role.

It sits above every feature (it may read any of them) and nothing imports it.
"""

from flask import Blueprint

bp = Blueprint("home", __name__, template_folder="templates")

from learnhub.home import views  # noqa: E402,F401  (routes attach to bp)
