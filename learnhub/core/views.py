from flask import jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from learnhub.core import bp
from learnhub.extensions import db, limiter


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
