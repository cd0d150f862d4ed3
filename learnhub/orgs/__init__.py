"""The union tree: national federation down to enterprise unions."""

from flask import Blueprint

bp = Blueprint("orgs", __name__, url_prefix="/orgs")

from learnhub.orgs import views  # noqa: E402,F401  (routes attach to bp)
