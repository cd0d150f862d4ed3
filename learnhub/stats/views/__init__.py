"""The statistics pages: one blueprint, a module per screen, and the table of their addresses."""

from flask import Blueprint

from learnhub.stats.views import dashboards, requirements

bp = Blueprint("stats", "learnhub.stats", template_folder="templates", url_prefix="/stats")

ROUTES = [
    # address (under /stats), view, methods
    ("/", dashboards.overview, "GET"),
    ("/<int:org_id>/", dashboards.overview, "GET"),
    ("/<int:org_id>/courses", dashboards.courses, "GET"),
    ("/<int:org_id>/people", dashboards.people, "GET"),
    ("/<int:org_id>/contests", dashboards.contests, "GET"),
    ("/<int:org_id>/roster", dashboards.workforce, "GET"),
    ("/<int:org_id>/export/<name>.<fmt>", dashboards.export, "GET"),
    ("/<int:org_id>/export/<name>.<fmt>/job", dashboards.export_job, "POST"),
    ("/<int:org_id>/required", requirements.required_list, "GET"),
    ("/<int:org_id>/required/<int:requirement_id>", requirements.required_detail, "GET"),
    ("/required", requirements.required_add, "POST"),
    ("/required/<int:requirement_id>/remove", requirements.required_remove, "POST"),
    ("/<int:org_id>/required/<int:requirement_id>/remind", requirements.required_remind, "POST"),
]
for rule, view, methods in ROUTES:
    bp.add_url_rule(rule, view_func=view, methods=methods.split())
