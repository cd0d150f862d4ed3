"""Credentials: issued on course completion and on approved recognition; shown to strangers.

The public page masks the holder's name; the JSON is an Open Badges 3.0 OpenBadgeCredential,
and signing.py signs the same JSON as a VC-JWT.
"""

import uuid
from datetime import UTC, datetime

from flask import current_app
from sqlalchemy import select, update

from learnhub.core import audit
from learnhub.core.db import dialect_insert
from learnhub.core.errors import DomainError, NotFound
from learnhub.core.hours import hours_text, minutes_per_xueshi
from learnhub.core.i18n import gettext as _
from learnhub.credits.services import parse_reason
from learnhub.extensions import db
from learnhub.orgs.models import Org
from learnhub.recognition import notices
from learnhub.recognition.models import Credential
from learnhub.recognition.signing import did_web
from learnhub.recognition.status_list import draw_index, status_entry

OB_CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
# Open Badges' achievementType vocabulary; "ext:" marks a value of our own, as the spec allows.
ACHIEVEMENT_TYPES = {"academic": "Course", "skill_level": "ext:SkillLevelTrainingHours", "certificate": "Certificate"}


def issuer_name(org_id=None):
    """The issuer a credential names: the union behind what was achieved, else the platform's name.

    The platform signs (its did:web key); the union that ran the course or the contest, or keeps
    the pathway, is who vouches for it, and the credential names it.
    """
    org = db.session.get(Org, org_id) if org_id else None
    return org.name if org is not None else current_app.config.get("CREDENTIAL_ISSUER_NAME") or "LearnHub"


def _issue(
    user,
    *,
    kind,
    source_type,
    source_id,
    title,
    description,
    criteria,
    achievement_type,
    issuer,
    credits,
    minutes,
    issued_at=None,
):
    """Insert the credential for this source once; a second call returns the first."""
    key = dict(user_id=user.id, source_type=source_type, source_id=str(source_id))
    inserted = db.session.execute(
        dialect_insert(Credential)
        .values(
            **key,
            uuid=str(uuid.uuid4()),
            kind=kind,
            title=title[:200],
            description=description,
            criteria=criteria,
            achievement_type=achievement_type,
            issuer_name=issuer[:120],
            credits=credits,
            minutes=int(minutes),
            issued_at=issued_at or datetime.now(UTC),
            status_index=draw_index(),
        )
        .on_conflict_do_nothing(index_elements=list(key))
        .returning(Credential.id)
    ).first()
    credential = db.session.scalars(select(Credential).filter_by(**key)).one()
    if inserted is not None:
        notices.credential_issued(credential)
    return credential


def issue_course_credential(user, course, completed_at=None):
    """The credential for finishing `course`, issued once."""
    from learnhub.core.i18n import force_locale

    # Stored text is in the course's own language, not the language of whoever is browsing.
    with force_locale(course.language or "zh_CN"):
        criteria = _(
            "Completed every required module of the course “%(title)s” on LearnHub, passing its quizzes.",
            title=course.title,
        )
    return _issue(
        user,
        kind="course",
        source_type="course",
        source_id=course.id,
        title=course.title,
        description=course.summary or "",
        criteria=criteria,
        achievement_type="Course",
        issuer=issuer_name(course.org_id),
        credits=course.credits,
        minutes=course.minutes,
        issued_at=completed_at,
    )


def issue_recognition_credential(application, title, criteria, issuer):
    """The credential for an approved application, issued once."""
    target = application.version.target
    return _issue(
        application.user,
        kind="recognition",
        source_type="application",
        source_id=application.id,
        title=title,
        description=application.version.summary,
        criteria=criteria,
        achievement_type=ACHIEVEMENT_TYPES.get(target.kind, "Achievement"),
        issuer=issuer,
        credits=application.credits or 0,
        minutes=application.minutes or 0,
        issued_at=application.decided_at,
    )


def issue_contest_credential(user, contest, rank, count):
    """The credential for placing `rank` of `count` in a skill contest, issued once per contest."""
    from learnhub.core.i18n import force_locale

    # Stored text is in the platform's language, as the contest's title is.
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        title = _("%(title)s: place %(rank)d", title=contest.title, rank=rank)
        criteria = _(
            "Placed %(rank)d of %(count)d in the skill contest “%(title)s” on LearnHub, "
            "a paper drawn from the question banks, timed on the server, one attempt.",
            rank=rank,
            count=count,
            title=contest.title,
        )
    return _issue(
        user,
        kind="contest",
        source_type="contest",
        source_id=contest.id,
        title=title,
        description=contest.title,
        criteria=criteria,
        achievement_type="Award",
        issuer=issuer_name(contest.org_id),
        credits=contest.credits,
        minutes=contest.minutes,
        issued_at=contest.results_published_at,
    )


# ---------------------------------------------------------------- looking up and revoking


def parse_uuid(text):
    """The canonical form of a credential id, or NotFound for anything that is not a UUID."""
    try:
        return str(uuid.UUID(str(text)[:40]))
    except (ValueError, TypeError, AttributeError):
        raise NotFound(_("No credential has this number.")) from None


def get_credential(text):
    """The credential with this public id; NotFound for unknown or malformed ids."""
    found = db.session.scalar(select(Credential).where(Credential.uuid == parse_uuid(text)))
    if found is None:
        raise NotFound(_("No credential has this number."))
    return found


def holder_credential(user, text):
    """The credential `text` if `user` holds it and it stands; NotFound for anyone else's or a revoked one."""
    found = get_credential(text)
    if found.user_id != getattr(user, "id", None) or found.is_revoked:
        raise NotFound(_("No credential has this number."))
    return found


def course_credential_of(user, course):
    """The credential `user` holds for finishing `course`, or None."""
    return db.session.scalar(
        select(Credential).where(
            Credential.user_id == user.id, Credential.source_type == "course", Credential.source_id == str(course.id)
        )
    )


def credentials_of(user):
    """A worker's credentials, newest first."""
    return db.session.scalars(
        select(Credential)
        .where(Credential.user_id == user.id)
        .order_by(Credential.issued_at.desc(), Credential.id.desc())
    ).all()


def can_revoke(admin, credential):
    """True if `admin` manages the holder's union."""
    return (
        getattr(admin, "is_authenticated", False) and admin.role == "admin" and admin.org.contains(credential.user.org)
    )


def revoke(admin, credential, reason):
    """Withdraw a credential, with a reason everyone who checks it will see."""
    if not can_revoke(admin, credential):
        raise NotFound(_("No credential has this number."))
    reason = parse_reason(reason)
    done = db.session.execute(
        update(Credential)
        .where(Credential.id == credential.id, Credential.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC), revoked_by_id=admin.id, revoke_reason=reason)
    ).rowcount
    if done != 1:
        raise DomainError(_("This credential has already been revoked."))
    db.session.refresh(credential)
    notices.credential_revoked(credential)
    audit.record(
        admin,
        "credential.revoke",
        "credential",
        credential.uuid,
        credential.user.org.path,
        person=credential.user.name,
        title=credential.title,
        reason=reason,
    )
    return credential


# ---------------------------------------------------------------- what a stranger sees


def mask_name(name):
    """'李明辉' -> '李*辉', '王丽' -> '王*', 'Li Minghui' -> 'L. M*******': enough to match a person."""
    name = " ".join(str(name or "").split())
    if not name:
        return ""
    words = name.split(" ")
    if len(words) > 1:
        return " ".join([words[0][0] + "."] + [w[0] + "*" * (len(w) - 1) for w in words[1:]])
    if len(name) == 1:
        return "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def open_badge(credential, base_url):
    """The credential as an Open Badges 3.0 OpenBadgeCredential (a plain dict)."""
    base_url = base_url.rstrip("/")
    credential_url = f"{base_url}/credentials/{credential.uuid}"
    issued = credential.issued_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    hours = hours_text(credential.minutes)
    achievement = {
        "id": f"{credential_url}#achievement",
        "type": ["Achievement"],
        "achievementType": credential.achievement_type,
        "name": credential.title,
        "description": credential.description or credential.title,
        "criteria": {"narrative": credential.criteria or credential.title},
        "creditsAvailable": float(credential.credits),
        "resultDescription": [
            {
                "id": f"{credential_url}#hours",
                "type": ["ResultDescription"],
                "name": f"Learning hours (学时 of {minutes_per_xueshi()} minutes)",
                "resultType": "ext:LearningHours",
            }
        ],
    }
    subject = {
        "type": ["AchievementSubject"],
        "name": mask_name(credential.user.name),
        "achievement": achievement,
        "creditsEarned": float(credential.credits),
        "result": [
            {"type": ["Result"], "resultDescription": f"{credential_url}#hours", "value": hours, "status": "Completed"}
        ],
    }
    return {
        "@context": OB_CONTEXT,
        "id": credential_url,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": credential.title,
        "issuer": {"id": did_web(base_url), "type": ["Profile"], "name": credential.issuer_name, "url": f"{base_url}/"},
        "validFrom": issued,
        "credentialSubject": subject,
        "credentialStatus": status_entry(credential, base_url),
    }


def status_of(credential):
    """The status check: valid or revoked, when, and why."""
    return {
        "id": credential.uuid,
        "status": "revoked" if credential.is_revoked else "valid",
        "revokedAt": credential.revoked_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        if credential.is_revoked
        else None,
        "reason": credential.revoke_reason if credential.is_revoked else None,
    }
