"""The credit bank: pathways, applications and review, prior learning, credentials."""

from flask import Blueprint

bp = Blueprint("recognition", __name__, template_folder="templates")

from learnhub.recognition import views  # noqa: E402,F401  (routes attach to bp)
