"""Learning: enrolment, the module player, quizzes, progress and completion."""

from flask import Blueprint

bp = Blueprint("learning", __name__, template_folder="templates")

from learnhub.learning import models, views  # noqa: E402,F401  (routes attach to bp)
