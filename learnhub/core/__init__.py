"""The floor everything stands on: database, security, languages, layout and error pages."""

from flask import Blueprint

from learnhub.core.i18n import lazy_gettext as _l
from learnhub.core.nav import nav_item

bp = Blueprint("core", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static")

nav_item(bp, "core.audit_log", _l("Audit log"), roles={"admin"}, order=80)

from learnhub.core import audit, views  # noqa: E402,F401  (routes and models attach to bp)
