"""People: registration, login, profile, and the people screens of union admins."""

from flask import Blueprint

bp = Blueprint("accounts", __name__, template_folder="templates")

from learnhub.accounts import auth, imports, people, views  # noqa: E402,F401  (routes attach to bp)
