"""What the credit bank does when a lower feature tells it something happened.

A course completed: its credential is issued, in the same transaction. A contest's results
published: its winners' credentials are issued, in the same transaction. Credits reversed: the
credential they stood for (the course's, or the recognition's) is revoked, in the same transaction. "Download my data":
applications, prior learning and credentials. "Delete my account": the holder's credentials
are withdrawn (a stranger checking one is told the holder withdrew it), the certificates they
uploaded removed, and what they wrote cleared.
"""

from datetime import UTC, datetime

from sqlalchemy import select, update

from learnhub.accounts.models import User
from learnhub.accounts.signals import account_erasing, personal_data_requested
from learnhub.contests.signals import results_published
from learnhub.core.i18n import force_locale
from learnhub.core.i18n import gettext as _
from learnhub.core.storage import storage
from learnhub.credits.signals import entry_reversed
from learnhub.extensions import db
from learnhub.learning.signals import course_completed
from learnhub.recognition import notices
from learnhub.recognition.credentials import issue_contest_credential, issue_course_credential
from learnhub.recognition.models import (
    Application,
    ApplicationEvent,
    Credential,
    EventFile,
    EvidenceFile,
    PriorLearning,
)


def connect():
    """Subscribe to the signals of accounts and learning (called by recognition.init_app)."""
    course_completed.connect(on_course_completed)
    personal_data_requested.connect(on_personal_data_requested)
    account_erasing.connect(on_account_erasing)
    entry_reversed.connect(on_entry_reversed)
    results_published.connect(on_contest_results_published)


def on_contest_results_published(contest, ranked=(), **_kwargs):
    """The winners of a contest (its first `winners` places, ties included) get a credential."""
    winners = [(rank, entry) for rank, entry in ranked if rank <= contest.winners]
    if not winners:
        return
    people = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_([e.user_id for _r, e in winners])))}
    for rank, entry in winners:
        issue_contest_credential(people[entry.user_id], contest, rank, len(ranked))


def on_course_completed(course, user=None, enrolment=None, **_kwargs):
    """Issue the course's credential, inside learning's transaction: one event, all or nothing."""
    issue_course_credential(user, course, enrolment.completed_at if enrolment else None)


def on_entry_reversed(entry, reversal=None, user_id=None, **_kwargs):
    """Credits corrected away: the credential they stood for no longer holds, so it is revoked."""
    if entry.course_id is not None:
        source = ("course", str(entry.course_id))
    elif entry.source_type in ("application", "contest"):
        source = (entry.source_type, str(entry.source_id))
    else:
        return
    with force_locale("zh_CN"):  # the reason strangers read, in the platform's language
        reason = _("The credits it stood for were corrected: %(reason)s", reason=reversal.note)[:200]
    revoked = db.session.scalars(
        update(Credential)
        .where(
            Credential.user_id == user_id,
            Credential.source_type == source[0],
            Credential.source_id == source[1],
            Credential.revoked_at.is_(None),
        )
        .values(revoked_at=datetime.now(UTC), revoked_by_id=reversal.created_by_id, revoke_reason=reason)
        .returning(Credential.id)
    ).all()
    for credential_id in revoked:
        notices.credential_revoked(db.session.get(Credential, credential_id))


def _iso(value):
    return value.isoformat() if value else None


def on_personal_data_requested(user, **_kwargs):
    applications = db.session.scalars(
        select(Application).where(Application.user_id == user.id).order_by(Application.id)
    )
    claims = db.session.scalars(
        select(PriorLearning).where(PriorLearning.user_id == user.id).order_by(PriorLearning.id)
    )
    credentials = db.session.scalars(select(Credential).where(Credential.user_id == user.id).order_by(Credential.id))
    return "recognition", {
        "applications": [
            {
                "pathway": a.version.title,
                "status": a.status,
                "note": a.note,
                "credits": str(a.credits) if a.credits is not None else None,
                "created_at": _iso(a.created_at),
                "decided_at": _iso(a.decided_at),
                "reason": a.reason,
            }
            for a in applications
        ],
        "prior_learning": [
            {
                "title": c.title,
                "issuer": c.issuer,
                "achieved_on": _iso(c.achieved_on),
                "minutes": c.minutes,
                "description": c.description,
                "status": c.status,
                "granted_credits": str(c.granted_credits) if c.granted_credits is not None else None,
                "granted_minutes": c.granted_minutes,
            }
            for c in claims
        ],
        "credentials": [
            {"id": c.uuid, "title": c.title, "issued_at": _iso(c.issued_at), "revoked_at": _iso(c.revoked_at)}
            for c in credentials
        ],
    }


def on_account_erasing(user, **_kwargs):
    with force_locale("zh_CN"):  # the reason strangers read, in the platform's language
        reason = _("Withdrawn by the holder, who deleted their account.")
    db.session.execute(
        update(Credential)
        .where(Credential.user_id == user.id, Credential.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC), revoked_by_id=user.id, revoke_reason=reason)
    )
    answer_file_ids = (
        select(EventFile.file_id)
        .join(ApplicationEvent, ApplicationEvent.id == EventFile.event_id)
        .join(Application, Application.id == ApplicationEvent.application_id)
        .where(Application.user_id == user.id)
    )
    file_ids = select(PriorLearning.file_id).where(PriorLearning.user_id == user.id).union(answer_file_ids)
    files = storage()
    for key in db.session.scalars(
        select(EvidenceFile.key).where(EvidenceFile.id.in_(file_ids), EvidenceFile.key.is_not(None))
    ):
        files.delete(key)
    db.session.execute(
        update(EvidenceFile).where(EvidenceFile.id.in_(file_ids)).values(data=b"", key=None, original_name="", size=0)
    )
    db.session.execute(update(PriorLearning).where(PriorLearning.user_id == user.id).values(description=""))
    db.session.execute(update(Application).where(Application.user_id == user.id).values(note="", evidence={}))
