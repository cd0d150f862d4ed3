"""Courses and modules: the catalogue, search, and course packages under courses/."""

from flask import Blueprint

from learnhub.core.i18n import lazy_gettext as _l
from learnhub.core.nav import nav_item

bp = Blueprint("catalog", __name__, template_folder="templates")
nav_item(bp, "catalog.catalogue", _l("Courses"), order=10, who="everyone")

from learnhub.catalog import models, views  # noqa: E402,F401  (routes attach to bp)
