"""Union statistics: dashboards over pre-aggregated rollups, drill-down, exports."""

from flask import Blueprint

bp = Blueprint("stats", __name__, template_folder="templates")

from learnhub.stats import views  # noqa: E402,F401  (routes attach to bp)
