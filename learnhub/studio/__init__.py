"""The trainer's studio: authoring, uploads, draft and publish, learners' progress."""

from flask import Blueprint

bp = Blueprint("studio", __name__, template_folder="templates")

from learnhub.studio import views  # noqa: E402,F401  (routes attach to bp)
