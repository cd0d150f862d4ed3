"""Courses and modules: the catalogue, search, and course packages under courses/."""

from flask import Blueprint

bp = Blueprint("catalog", __name__, template_folder="templates")

from learnhub.catalog import models, views  # noqa: E402,F401  (routes attach to bp)
