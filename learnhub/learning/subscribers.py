"""What learning does when accounts asks: enrolments, progress, quiz answers and active days in
"download my data"."""

from learnhub.accounts.signals import personal_data_requested
from learnhub.catalog.models import Course, Module
from learnhub.extensions import db
from learnhub.learning.models import ActivityDay, Enrolment, Progress, QuizAttempt


def connect():
    """Subscribe to accounts' signals (called by learning.init_app)."""
    personal_data_requested.connect(on_personal_data_requested)


def _iso(value):
    return value.isoformat() if value else None


def on_personal_data_requested(user, **_kwargs):
    enrolments = db.session.execute(
        db.select(Enrolment, Course.slug)
        .join(Course, Course.id == Enrolment.course_id)
        .where(Enrolment.user_id == user.id)
        .order_by(Enrolment.id)
    )
    progress = db.session.execute(
        db.select(Progress, Module.key, Course.slug)
        .join(Module, Module.id == Progress.module_id)
        .join(Course, Course.id == Module.course_id)
        .where(Progress.user_id == user.id)
        .order_by(Progress.id)
    )
    attempts = db.session.scalars(db.select(QuizAttempt).where(QuizAttempt.user_id == user.id).order_by(QuizAttempt.id))
    days = db.session.scalars(
        db.select(ActivityDay.day).where(ActivityDay.user_id == user.id).order_by(ActivityDay.day)
    )
    return "learning", {
        "enrolments": [
            {"course": slug, "enrolled_at": _iso(e.enrolled_at), "completed_at": _iso(e.completed_at)}
            for e, slug in enrolments
        ],
        "progress": [
            {
                "course": slug,
                "module": key,
                "started_at": _iso(p.started_at),
                "completed_at": _iso(p.completed_at),
                "video_position_s": p.position_s,
                "best_score": p.best_score,
            }
            for p, key, slug in progress
        ],
        "quiz_attempts": [
            {
                "module_id": a.module_id,
                "answers": a.answers,
                "score": a.score,
                "passed": a.is_passed,
                "submitted_at": _iso(a.submitted_at),
            }
            for a in attempts
        ],
        "active_days": [day.isoformat() for day in days],
    }
