"""Applications for recognition: a worker applies, an admin of their union subtree decides.

Services flush and never commit; the request commits once, so an approval, its ledger entry
and its credential are one event, all or nothing.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from flask import current_app
from sqlalchemy import and_, bindparam, func, select, update
from sqlalchemy.orm import joinedload, selectinload

from learnhub.accounts.models import User
from learnhub.catalog.models import Course
from learnhub.core import audit
from learnhub.core.db import dialect_insert
from learnhub.core.errors import DomainError, NotFound
from learnhub.core.i18n import force_locale
from learnhub.core.i18n import gettext as _
from learnhub.core.inputs import parse_id
from learnhub.credits.models import Account, LedgerEntry
from learnhub.credits.services import award
from learnhub.extensions import db
from learnhub.orgs.models import Org
from learnhub.orgs.services import subtree_filter
from learnhub.recognition import notices, prior, rules
from learnhub.recognition.credentials import issue_recognition_credential
from learnhub.recognition.models import (
    OPEN_STATUSES,
    Application,
    ApplicationEvent,
    Credential,
    EventFile,
    EvidenceFile,
    Pathway,
    PathwayVersion,
)
from learnhub.recognition.pathways import clean_text
from learnhub.recognition.signals import recognition_granted


def _now():
    return datetime.now(UTC)


def _event(application, action, by, message=""):
    event = ApplicationEvent(application_id=application.id, action=action, by_id=by.id, message=message, at=_now())
    db.session.add(event)
    return event


# ---------------------------------------------------------------- what a worker sees


def visible_pathways_query(user):
    """A SELECT of (Pathway, current version) offered to this worker: kept by a union above them."""
    return (
        select(Pathway, PathwayVersion)
        .join(
            PathwayVersion,
            and_(PathwayVersion.pathway_id == Pathway.id, PathwayVersion.version == Pathway.current_version),
        )
        .options(joinedload(Pathway.org))
        .where(Pathway.is_active.is_(True), Pathway.org_id.in_(user.org.ancestor_ids))
        .order_by(PathwayVersion.title, Pathway.id)
    )


@dataclass
class PathwayView:
    """One pathway as a worker sees it: the rule, how far they are, their latest application."""

    pathway: Pathway
    version: PathwayVersion
    progress: rules.Progress
    application: Application | None  # the latest, if any

    @property
    def is_recognised(self):
        return self.application is not None and self.application.status == "approved"

    @property
    def has_open(self):
        return self.application is not None and self.application.is_open

    @property
    def can_apply(self):
        return self.progress.is_met and not self.is_recognised and not self.has_open


def pathway_views(user, pathway_id=None):
    """Every pathway offered to `user` (or just one) with progress: a fixed number of queries."""
    stmt = visible_pathways_query(user)
    if pathway_id is not None:
        stmt = stmt.where(Pathway.id == pathway_id)
    rows = db.session.execute(stmt).all()
    if not rows:
        return []
    earned = rules.earned_by(user)
    courses = rules.courses_for([version for _p, version in rows])
    latest = {}
    for application in db.session.scalars(
        select(Application)
        .where(Application.user_id == user.id, Application.pathway_id.in_([p.id for p, _v in rows]))
        .order_by(Application.id)
    ):
        latest[application.pathway_id] = application
    return [
        PathwayView(pathway, version, rules.measure(version, earned, courses), latest.get(pathway.id))
        for pathway, version in rows
    ]


def offered_version_ids(user):
    """The ids of the current versions of the pathways offered to `user`: one light query."""
    return db.session.scalars(visible_pathways_query(user).with_only_columns(PathwayVersion.id)).all()


# Everything else a worker's progress along their pathways is measured from (rules.earned_by,
# courses_for, their applications), as one row that changes whenever any of it does: the id of
# their latest ledger entry (entries are never changed: it covers credits, hours, courses done
# and contest placings, each of which is an entry), their applications' latest change, and the
# courses' (their titles and whether they are published). Versions and targets are never changed.
_MEASURED_FROM = select(
    select(func.max(LedgerEntry.id))
    .join(Account, Account.id == LedgerEntry.account_id)
    .where(Account.user_id == bindparam("user_id"))
    .scalar_subquery(),
    select(func.max(Application.updated_at)).where(Application.user_id == bindparam("user_id")).scalar_subquery(),
    select(func.count(Course.id)).scalar_subquery(),
    select(func.max(Course.updated_at)).scalar_subquery(),
)


def progress_stamp(user):
    """What changes whenever `user`'s progress along an offered pathway may: one query.

    With the offered pathways' version ids and the day (a rule may count only the last years),
    it names what pathway_views would measure, so a page can keep what it rendered from them.
    """
    return tuple(db.session.execute(_MEASURED_FROM, {"user_id": user.id}).one())


def get_pathway_view(user, pathway_id):
    """One pathway offered to `user`, with progress; NotFound if it is not offered to them."""
    try:
        pathway_id = int(pathway_id)
    except (TypeError, ValueError):
        raise NotFound(_("Pathway not found.")) from None
    found = pathway_views(user, pathway_id)
    if not found:
        raise NotFound(_("Pathway not found."))
    return found[0]


def nearest_pathway(user):
    """The pathway this worker is closest to finishing and has not yet applied for, or None."""
    candidates = [v for v in pathway_views(user) if not v.is_recognised and not v.has_open]
    return max(candidates, key=lambda v: v.progress.fraction, default=None)


def my_applications(user):
    """This worker's applications, newest first."""
    return db.session.scalars(
        select(Application)
        .options(selectinload(Application.version))
        .where(Application.user_id == user.id)
        .order_by(Application.created_at.desc(), Application.id.desc())
    ).all()


def get_my_application(user, application_id):
    """One of this worker's own applications; NotFound for anyone else's."""
    application = _get_application(application_id)
    if application.user_id != user.id:
        raise NotFound(_("Application not found."))
    return application


def _get_application(application_id):
    try:
        application = db.session.get(Application, int(application_id))
    except (TypeError, ValueError, OverflowError):
        application = None
    if application is None:
        raise NotFound(_("Application not found."))
    return application


# ---------------------------------------------------------------- a worker's actions


def apply(user, pathway_id, note=""):
    """Apply for recognition under the pathway's current version, if the worker meets it."""
    if user.role != "worker":
        raise DomainError(_("Only workers apply for recognition."))
    view = get_pathway_view(user, pathway_id)
    note = clean_text(note, "note", max_length=1000)
    if view.is_recognised:
        raise DomainError(_("This pathway has already been recognised for you."))
    if view.has_open:
        raise DomainError(_("You already have an application for this pathway waiting."))
    if not view.progress.is_met:
        raise DomainError(_("You do not meet this pathway yet. Finish what is missing first."))
    now = _now()
    # The partial unique index is the last word: two taps on two servers make one application.
    inserted = db.session.execute(
        dialect_insert(Application)
        .values(
            user_id=user.id,
            pathway_id=view.pathway.id,
            version_id=view.version.id,
            status="submitted",
            note=note,
            evidence=view.progress.snapshot(),
            reason="",
            created_at=now,
            updated_at=now,
        )
        .on_conflict_do_nothing()
        .returning(Application.id)
    ).first()
    if inserted is None:
        raise DomainError(_("You already have an application for this pathway waiting."))
    application = db.session.get(Application, inserted[0])
    _event(application, "submitted", user, note)
    db.session.flush()
    return application


def _move(application, from_statuses, **values):
    """Change an application's status only if it is still in one of `from_statuses`."""
    values.setdefault("updated_at", _now())
    moved = db.session.execute(
        update(Application)
        .where(Application.id == application.id, Application.status.in_(from_statuses))
        .values(**values)
    ).rowcount
    if moved != 1:
        raise DomainError(_("This application has already been decided or changed. Reload the page."))
    db.session.refresh(application)
    return application


MAX_ANSWER_FILES = 3


def respond(user, application, message, files=()):
    """Send what a reviewer asked for: text, photos and PDFs; the application waits for review again.

    `files` are (filename, bytes) pairs, checked by content as prior learning's certificates
    are; the reviewer who asked is told in their inbox.
    """
    if application.user_id != user.id:
        raise NotFound(_("Application not found."))
    message = clean_text(message, "message", max_length=1000)
    files = [(name or "", data or b"") for name, data in files if name or data]  # empty file inputs
    if not message and not files:
        raise DomainError(_("Write the information the reviewer asked for, or attach a photo or PDF."), "message")
    if len(files) > MAX_ANSWER_FILES:
        raise DomainError(_("Attach at most %(num)d files.", num=MAX_ANSWER_FILES), "files")
    if application.status != "info_requested":
        raise DomainError(_("Nobody has asked for more information on this application."))
    checked = [(name, *prior.check_evidence(name, data)) for name, data in files]  # all, before keeping any
    asked = db.session.scalar(
        select(ApplicationEvent)
        .where(ApplicationEvent.application_id == application.id, ApplicationEvent.action == "info_requested")
        .order_by(ApplicationEvent.id.desc())
        .limit(1)
    )
    _move(application, ("info_requested",), status="submitted")
    event = _event(application, "info_given", user, message)
    db.session.flush()
    for name, mime, data in checked:
        file = prior.store_evidence(name, mime, data)
        db.session.add(EventFile(event_id=event.id, file_id=file.id))
    db.session.flush()
    db.session.refresh(event)
    reviewer = asked.by if asked is not None else None
    if reviewer is not None and reviewer.role == "admin" and reviewer.org.contains(user.org):
        notices.information_given(application, event, reviewer)
    return application


def answer_file(user, application_id, file_id):
    """(mime, bytes, download name) of a file sent with an answer, for the applicant and their reviewers."""
    application = _get_application(application_id)
    if application.user_id != user.id:
        _require_reviewer(user, application)
    file = db.session.scalar(
        select(EvidenceFile)
        .join(EventFile, EventFile.file_id == EvidenceFile.id)
        .join(ApplicationEvent, ApplicationEvent.id == EventFile.event_id)
        .where(EvidenceFile.id == parse_id(file_id), ApplicationEvent.application_id == application.id)
    )
    if file is None:
        raise NotFound(_("File not found."))
    extension = "pdf" if file.mime == "application/pdf" else "jpg"
    return file.mime, prior.file_contents(file), f"application-{application.id}-{file.id}.{extension}"


def credential_of(application):
    """The credential an approved application issued, or None."""
    return db.session.scalar(
        select(Credential).where(Credential.source_type == "application", Credential.source_id == str(application.id))
    )


def withdraw(user, application):
    """Take back an application still waiting for a decision."""
    if application.user_id != user.id:
        raise NotFound(_("Application not found."))
    _move(application, OPEN_STATUSES, status="withdrawn")
    _event(application, "withdrawn", user)
    db.session.flush()
    return application


# ---------------------------------------------------------------- review


def _require_reviewer(admin, application):
    # Nobody decides their own application, not even a worker since promoted to admin.
    if (
        getattr(admin, "role", None) != "admin"
        or application.user_id == admin.id
        or not admin.org.contains(application.user.org)
    ):
        raise NotFound(_("Application not found."))


def review_query(admin, status="open"):
    """A SELECT of the applications of workers in `admin`'s subtree, oldest waiting first."""
    stmt = (
        select(Application)
        .join(User, User.id == Application.user_id)
        .join(Org, Org.id == User.org_id)
        .options(joinedload(Application.user), joinedload(Application.version))
        .where(subtree_filter(admin.org), Application.user_id != admin.id)
    )
    if status == "open":
        stmt = stmt.where(Application.status.in_(OPEN_STATUSES)).order_by(Application.updated_at, Application.id)
    elif status in ("approved", "rejected", "withdrawn"):
        stmt = stmt.where(Application.status == status).order_by(Application.updated_at.desc(), Application.id.desc())
    else:
        stmt = stmt.order_by(Application.updated_at.desc(), Application.id.desc())
    return stmt


def waiting_count(admin):
    """How many applications in `admin`'s subtree wait for a reviewer (not for the worker)."""
    return db.session.scalar(
        select(func.count(Application.id))
        .join(User, User.id == Application.user_id)
        .join(Org, Org.id == User.org_id)
        .where(subtree_filter(admin.org), Application.user_id != admin.id, Application.status == "submitted")
    )


def get_application_in_scope(admin, application_id):
    """An application of a worker in `admin`'s subtree; NotFound otherwise."""
    application = _get_application(application_id)
    _require_reviewer(admin, application)
    return application


def measure_now(application):
    """How the applicant stands today against the version they applied under."""
    version = application.version
    return rules.measure(version, rules.earned_by(application.user), rules.courses_for([version]))


def ask_for_information(admin, application, message):
    """Ask the worker for more; the application waits for them."""
    _require_reviewer(admin, application)
    message = clean_text(message, "message", max_length=1000, required_message=_("Write what the worker should send."))
    _move(application, OPEN_STATUSES, status="info_requested")
    event = _event(application, "info_requested", admin, message)
    db.session.flush()
    notices.application_changed(application, "info_requested", message, event)
    return application


def reject(admin, application, reason):
    """Turn an application down, with a reason the worker will read."""
    _require_reviewer(admin, application)
    reason = clean_text(
        reason, "reason", max_length=1000, required_message=_("Give the reason, so that the worker knows what to do.")
    )
    _move(application, OPEN_STATUSES, status="rejected", decided_by_id=admin.id, decided_at=_now(), reason=reason)
    _event(application, "rejected", admin, reason)
    notices.application_changed(application, "rejected", reason)
    audit.record(
        admin,
        "application.reject",
        "application",
        application.id,
        application.user.org.path,
        person=application.user.name,
        pathway=application.version.title,
        reason=reason,
    )
    return application


def approve(admin, application):
    """Approve: one ledger entry records the recognition and one credential is issued.

    Two reviewers approving at once: the guarded status change lets one through; the other
    is told it has been decided, and writes nothing.
    """
    _require_reviewer(admin, application)
    if not application.is_open:
        raise DomainError(_("This application has already been decided or changed. Reload the page."))
    progress = measure_now(application)
    if not progress.is_met:
        raise DomainError(
            _(
                "The worker no longer meets this pathway (for example, an entry was corrected). "
                "Ask for more information or reject it."
            )
        )
    target = application.version.target
    _move(
        application,
        OPEN_STATUSES,
        status="approved",
        decided_by_id=admin.id,
        decided_at=_now(),
        credits=progress.grant_credits,
        minutes=target.minutes,
    )
    title, criteria = recognition_wording(application)
    # The learning account records the recognition, moving nothing: the credits and hours that
    # earned it are already in the account, and counting them again would count them twice.
    entry, _created = award(
        application.user,
        kind="recognition",
        source_type="application",
        source_id=application.id,
        credits=0,
        minutes=0,
        note=title[:200],
        created_by=admin,
    )
    credential = issue_recognition_credential(application, title, criteria, issuer=application.pathway.org.name)
    recognition_granted.send(application, user=application.user, entry=entry, credential=credential, title=title)
    _event(application, "approved", admin)
    notices.application_changed(application, "approved", credential=credential)
    audit.record(
        admin,
        "application.approve",
        "application",
        application.id,
        application.user.org.path,
        person=application.user.name,
        pathway=application.version.title,
        credits=str(progress.grant_credits),
    )
    return application


def recognition_wording(application):
    """(title, criteria) of an approved application, in the platform's default language."""
    from learnhub.core.templating import format_credits, format_hours

    version, target = application.version, application.version.target
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        credits, hours = format_credits(application.credits or 0), format_hours(application.minutes or 0)
        if target.kind == "academic":
            title = _(
                "%(credits)s credits of “%(course)s”, %(programme)s, %(institution)s",
                credits=credits,
                course=target.course_name or target.programme,
                programme=target.programme,
                institution=target.institution,
            )
        elif target.kind == "skill_level":
            title = _(
                "%(hours)s training hours toward %(level)s (%(occupation)s), %(institution)s",
                hours=hours,
                level=target.level_label,
                occupation=target.occupation_label,
                institution=target.institution,
            )
        else:
            title = _("%(certificate)s, %(institution)s", certificate=target.programme, institution=target.institution)
        criteria = _(
            "Met the recognition pathway “%(title)s” (version %(version)d) kept by %(union)s, "
            "and approved by a reviewer.",
            title=version.title,
            version=version.version,
            union=application.pathway.org.name,
        )
    return str(title), str(criteria)
