"""Union statistics: dashboards over pre-aggregated rollups, drill-down, exports."""

from flask import Blueprint

from learnhub.core.i18n import lazy_gettext as _l
from learnhub.core.nav import home_section, nav_item

bp = Blueprint("stats", __name__, template_folder="templates", url_prefix="/stats")
nav_item(bp, "stats.overview", _l("Statistics"), roles={"admin"}, order=65)


def _home_context(user):
    from learnhub.stats.figures import headline
    from learnhub.stats.rollups import today

    return {"headline": headline(user.org, today())}


home_section(bp, "stats/_home.html", roles={"admin"}, order=15, context=_home_context)

from learnhub.stats import rollups, views  # noqa: E402,F401  (routes attach to bp)

rollups.connect_handlers()
