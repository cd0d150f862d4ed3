"""Courses and modules: the catalogue, search, and course packages under courses/."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from learnhub.core.nav import home_section, nav_item

bp = Blueprint("catalog", __name__, template_folder="templates")
nav_item(bp, "catalog.catalogue", _l("Courses"), order=10, who="everyone")


def _suggestions(user):
    from learnhub.catalog.services import catalogue_query
    from learnhub.extensions import db

    return {"suggestions": db.session.scalars(catalogue_query(user, for_you=True).limit(5)).all()}


home_section(bp, "catalog/_home_suggestions.html", order=40, context=_suggestions)

from learnhub.catalog import models, views  # noqa: E402,F401  (routes attach to bp)
