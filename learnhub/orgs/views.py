from flask import Blueprint, jsonify, request

from learnhub.extensions import limiter
from learnhub.orgs.services import org_label, search_orgs

bp = Blueprint("orgs", __name__, url_prefix="/orgs")


@bp.get("/search")
@limiter.limit("120 per minute")
def search():
    """Enterprise unions matching what was typed, for the registration form's suggestions."""
    found = search_orgs(request.args.get("q", "")[:60], kinds={"enterprise"}, limit=10)
    return jsonify([{"id": org.id, "label": org_label(org)} for org in found])
