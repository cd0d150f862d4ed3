from flask import Blueprint, jsonify, make_response, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from learnhub.core import audit, jobs
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


@bp.get("/jobs/<int:job_id>")
@login_required
def job(job_id):
    """A job's state: refreshes itself while it runs, then offers the download."""
    job = jobs.get_job_for(current_user, job_id)
    response = make_response(
        render_template("core/job.html", job=job, label=jobs.kind_label(job), report_template=jobs.kind_template(job))
    )
    response.headers["Cache-Control"] = "private, no-store"  # a report may name people
    return response


@bp.get("/jobs/<int:job_id>/download")
@login_required
def job_download(job_id):
    response = jobs.send_result(jobs.get_job_for(current_user, job_id))
    response.headers["Cache-Control"] = "private, no-store"
    return response
