"""Learning: enrolment, the module player, quizzes, progress and completion."""

from flask import Blueprint

from learnhub.core.nav import home_section

bp = Blueprint("learning", __name__, template_folder="templates")


def _continuing(user):
    from learnhub.learning.services import continue_learning

    return {"continuing": continue_learning(user)}


def _suggestions(user):
    from learnhub.learning.services import suggestions

    return {"suggestions": suggestions(user)}


home_section(bp, "learning/_home_continue.html", order=20, context=_continuing)
# The catalogue's "for you", on the home page without the courses I have already taken up.
home_section(bp, "catalog/_home_suggestions.html", order=40, context=_suggestions)

from learnhub.learning import models, privacy, views  # noqa: E402,F401  (routes attach to bp)
