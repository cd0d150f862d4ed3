from flask import Blueprint, jsonify, render_template, request
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from learnhub.core import audit
from learnhub.core.inputs import page_number
from learnhub.core.permissions import role_required
from learnhub.extensions import db, limiter

bp = Blueprint("core", "learnhub.core", template_folder="templates", static_folder="static", static_url_path="/static")


@bp.get("/healthz")
@limiter.exempt
def healthz():
    """200 when the database answers, 503 when it does not; for load balancers."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify({"status": "unavailable"}), 503
    return jsonify({"status": "ok"})


@bp.get("/audit/")
@role_required("admin")
def audit_log():
    """The audit log of my part of the union tree."""
    page = db.paginate(
        audit.events_query(current_user.org.path, request.args.get("action", "")[:40] or None),
        page=page_number(),
        per_page=50,
        error_out=False,
    )
    return render_template("core/audit.html", page=page, action=request.args.get("action", "")[:40])
