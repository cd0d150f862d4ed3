"""What contests does when accounts asks: drills, the wrong-answer book and contest papers in
"download my data"."""

from learnhub.accounts.signals import personal_data_requested
from learnhub.contests.models import Contest, ContestEntry, Drill, DrillItem
from learnhub.extensions import db


def connect():
    """Subscribe to accounts' signals (called by contests.init_app)."""
    personal_data_requested.connect(on_personal_data_requested)


def _iso(value):
    return value.isoformat() if value else None


def on_personal_data_requested(user, **_kwargs):
    drills = db.session.scalars(db.select(Drill).where(Drill.user_id == user.id).order_by(Drill.id))
    items = db.session.scalars(db.select(DrillItem).where(DrillItem.user_id == user.id))
    entries = db.session.execute(
        db.select(ContestEntry, Contest.title)
        .join(Contest, Contest.id == ContestEntry.contest_id)
        .where(ContestEntry.user_id == user.id)
        .order_by(ContestEntry.id)
    )
    return "contests", {
        "drills": [
            {"kind": d.kind, "day": d.day.isoformat(), "answers": d.answers, "finished_at": _iso(d.finished_at)}
            for d in drills
        ],
        "drilled_questions": [
            {
                "question_id": i.question_id,
                "times_answered": i.times_answered,
                "times_missed": i.times_missed,
                "in_wrong_answer_book": i.is_in_book,
            }
            for i in items
        ],
        "contest_papers": [
            {
                "contest": title,
                "answers": e.answers,
                "score": e.score,
                "seconds": e.seconds,
                "late": e.is_late,
                "started_at": _iso(e.started_at),
                "submitted_at": _iso(e.submitted_at),
            }
            for e, title in entries
        ],
    }
