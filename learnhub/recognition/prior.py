"""Prior learning (先前学习成果): a worker shows learning done elsewhere; a reviewer decides.

A granted claim is a `prior_learning` entry in the ledger. The certificate is checked by its
content, not by its name: a PDF must be a PDF; a photo is decoded, turned upright, shrunk and
saved again, which also drops what the camera wrote into it (place, phone, time).
"""

import hashlib
import io
import unicodedata
import uuid
from datetime import UTC, date, datetime

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from learnhub.accounts.models import User
from learnhub.core import audit
from learnhub.core.errors import DomainError, NotFound
from learnhub.core.hours import minutes_of
from learnhub.core.i18n import gettext as _
from learnhub.core.storage import storage
from learnhub.core.text import clean_line
from learnhub.credits.services import award, parse_credits
from learnhub.extensions import db
from learnhub.orgs.models import Org
from learnhub.orgs.services import subtree_filter
from learnhub.recognition import notices
from learnhub.recognition.models import EvidenceFile, PriorLearning
from learnhub.recognition.pathways import _line, clean_text, parse_hours
from learnhub.recognition.signals import recognition_granted

MAX_PIXELS = 40_000_000  # a 40-megapixel photo; anything larger is refused before decoding
LONGEST_SIDE = 2000  # enough to read a certificate, small enough for a reviewer's network


def _now():
    return datetime.now(UTC)


def check_evidence(filename, data):
    """(mime, bytes) of an acceptable certificate file, or a DomainError saying what is wrong."""
    limit = current_app.config.get("PRIOR_LEARNING_MAX_BYTES", 6 * 1024 * 1024)
    if not data:
        raise DomainError(_("Choose a photo or a PDF of the certificate."), "file")
    if len(data) > limit:
        raise DomainError(
            _(
                "The file is larger than %(mb)s MB. Take the photo again at a lower resolution, or send a smaller PDF.",
                mb=limit // (1024 * 1024),
            ),
            "file",
        )
    if data.startswith(b"%PDF-"):
        if b"%%EOF" not in data[-2048:]:
            raise DomainError(_("This PDF is incomplete or damaged. Save it again and send it."), "file")
        return "application/pdf", data
    return "image/jpeg", _normalise_photo(data)


def _normalise_photo(data):
    from PIL import Image, ImageOps, UnidentifiedImageError

    refused = DomainError(_("Send a photo (JPEG, PNG or WebP) or a PDF of the certificate."), "file")
    try:
        image = Image.open(io.BytesIO(data))
        if image.format not in ("JPEG", "PNG", "WEBP"):
            raise refused
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise DomainError(_("The photo is too large. Take it again at a lower resolution."), "file")
        image = ImageOps.exif_transpose(image)
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.thumbnail((LONGEST_SIDE, LONGEST_SIDE))
        out = io.BytesIO()
        image.save(out, "JPEG", quality=85, optimize=True)  # no EXIF is written back
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise refused from None
    return out.getvalue()


def store_evidence(filename, mime, data):
    """Keep a file already passed by `check_evidence` in storage; its EvidenceFile row, flushed."""
    # The name is only shown to the reviewer; anything odd in it is dropped rather than refused.
    name = "".join(ch for ch in clean_line(filename) if ch.isprintable())[-120:]
    key = f"evidence/{uuid.uuid4().hex}.{'pdf' if mime == 'application/pdf' else 'jpg'}"
    storage().put(key, data, mime=mime)
    file = EvidenceFile(sha256=hashlib.sha256(data).hexdigest(), mime=mime, size=len(data), original_name=name, key=key)
    db.session.add(file)
    db.session.flush()
    return file


def file_contents(file):
    """The bytes of a kept certificate or answer file; NotFound if it was erased."""
    try:
        data = storage().get(file.key) if file.key else file.data
    except FileNotFoundError:  # erased with the account
        raise NotFound(_("File not found.")) from None
    return data or b""


def _parse_date(value):
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(unicodedata.normalize("NFKC", str(value or "")).strip())
    except ValueError:
        raise DomainError(_("Enter the date as year-month-day, such as 2024-06-30."), "achieved_on") from None


def submit(user, *, title, issuer, achieved_on, hours, description, filename, data):
    """Claim learning done elsewhere, with the certificate as evidence."""
    if user.role != "worker":
        raise DomainError(_("Only workers submit prior learning."))
    title = _line(title, "title", required_message=_("Say what you learned, such as the course's name."))
    issuer = _line(issuer, "issuer", required_message=_("Name who issued the certificate."))
    achieved_on = _parse_date(achieved_on)
    if achieved_on > _now().date():
        raise DomainError(_("The date cannot be in the future."), "achieved_on")
    if achieved_on.year < 1950:
        raise DomainError(_("The date is too long ago: enter a date from 1950 on."), "achieved_on")
    minutes = parse_hours(hours, "hours")
    if minutes <= 0 or minutes > minutes_of(2000):
        raise DomainError(_("Enter the hours of learning, from 0.5 to 2000."), "hours")
    description = clean_text(description, "description", max_length=2000)
    file = store_evidence(filename, *check_evidence(filename, data))
    claim = PriorLearning(
        user_id=user.id,
        title=title,
        issuer=issuer,
        achieved_on=achieved_on,
        minutes=minutes,
        description=description,
        file_id=file.id,
        status="submitted",
        reason="",
        created_at=_now(),
    )
    db.session.add(claim)
    db.session.flush()
    return claim


def my_claims(user):
    """A worker's prior-learning claims, newest first."""
    return db.session.scalars(
        select(PriorLearning)
        .where(PriorLearning.user_id == user.id)
        .order_by(PriorLearning.created_at.desc(), PriorLearning.id.desc())
    ).all()


def _get(claim_id):
    try:
        claim = db.session.get(PriorLearning, int(claim_id))
    except (TypeError, ValueError, OverflowError):
        claim = None
    if claim is None:
        raise NotFound(_("Prior learning not found."))
    return claim


def get_claim_for(user, claim_id):
    """A claim its owner, or an admin over the owner's union, may see; NotFound otherwise."""
    claim = _get(claim_id)
    if claim.user_id == user.id:
        return claim
    if user.role == "admin" and user.org.contains(claim.user.org):
        return claim
    raise NotFound(_("Prior learning not found."))


def review_query(admin, status="submitted"):
    """A SELECT of the claims of workers in `admin`'s subtree."""
    stmt = (
        select(PriorLearning)
        .join(User, User.id == PriorLearning.user_id)
        .join(Org, Org.id == User.org_id)
        .options(joinedload(PriorLearning.user))
        .where(subtree_filter(admin.org), PriorLearning.user_id != admin.id)
    )
    if status == "decided":
        return stmt.where(PriorLearning.status != "submitted").order_by(
            PriorLearning.decided_at.desc(), PriorLearning.id.desc()
        )
    if status in ("submitted", "approved", "rejected"):
        stmt = stmt.where(PriorLearning.status == status)
    return stmt.order_by(PriorLearning.created_at, PriorLearning.id)


def waiting_count(admin):
    """How many claims in `admin`'s subtree wait for a reviewer."""
    return db.session.scalar(
        select(func.count(PriorLearning.id))
        .join(User, User.id == PriorLearning.user_id)
        .join(Org, Org.id == User.org_id)
        .where(subtree_filter(admin.org), PriorLearning.user_id != admin.id, PriorLearning.status == "submitted")
    )


def _require_reviewer(admin, claim):
    # Nobody decides their own claim, not even a worker since promoted to admin.
    if getattr(admin, "role", None) != "admin" or claim.user_id == admin.id or not admin.org.contains(claim.user.org):
        raise NotFound(_("Prior learning not found."))


def _decide(claim, **values):
    moved = db.session.execute(
        update(PriorLearning)
        .where(PriorLearning.id == claim.id, PriorLearning.status == "submitted")
        .values(decided_at=_now(), **values)
    ).rowcount
    if moved != 1:
        raise DomainError(_("This claim has already been decided. Reload the page."))
    db.session.refresh(claim)


def grant(admin, claim, *, credits, hours):
    """Recognise a claim: the credits and hours granted go into the ledger once."""
    _require_reviewer(admin, claim)
    credits = parse_credits(unicodedata.normalize("NFKC", str(credits or "0")).strip() or "0", "credits")
    if credits > 100:
        raise DomainError(_("Grant at most 100 credits for one claim."), "credits")
    minutes = parse_hours(hours, "hours")
    if minutes > claim.minutes:
        raise DomainError(_("Grant at most the hours the worker claimed."), "hours")
    if credits <= 0 and minutes <= 0:
        raise DomainError(_("Grant some credits or hours, or reject the claim."), "credits")
    _decide(claim, status="approved", decided_by_id=admin.id, granted_credits=credits, granted_minutes=minutes)
    entry, _created = award(
        claim.user,
        kind="prior_learning",
        source_type="prior_learning",
        source_id=claim.id,
        credits=credits,
        minutes=minutes,
        note=f"{claim.title} · {claim.issuer}"[:200],
        created_by=admin,
    )
    audit.record(
        admin,
        "prior_learning.grant",
        "prior_learning",
        claim.id,
        claim.user.org.path,
        person=claim.user.name,
        title=claim.title,
        credits=str(credits),
        minutes=minutes,
    )
    recognition_granted.send(claim, user=claim.user, entry=entry, credential=None, title=claim.title)
    notices.claim_decided(claim)
    return claim


def reject(admin, claim, reason):
    """Turn a claim down, with a reason the worker will read."""
    _require_reviewer(admin, claim)
    reason = clean_text(
        reason, "reason", max_length=1000, required_message=_("Give the reason, so that the worker knows what to do.")
    )
    _decide(claim, status="rejected", decided_by_id=admin.id, reason=reason)
    audit.record(
        admin,
        "prior_learning.reject",
        "prior_learning",
        claim.id,
        claim.user.org.path,
        person=claim.user.name,
        title=claim.title,
        reason=reason,
    )
    notices.claim_decided(claim)
    return claim


def certificates_in_database():
    """The ids of certificates that older versions kept inside the database."""
    return db.session.scalars(
        select(EvidenceFile.id).where(EvidenceFile.key.is_(None), EvidenceFile.size > 0).order_by(EvidenceFile.id)
    ).all()


def move_certificate(target, file_id):
    """Move one certificate's bytes from the database into the storage `target` (one key per row)."""
    file = db.session.get(EvidenceFile, file_id)
    key = f"evidence/db-{file.id}.{'pdf' if file.mime == 'application/pdf' else 'jpg'}"
    target.put(key, file.data, mime=file.mime)
    file.key, file.data = key, None
    db.session.flush()


def evidence_of(claim):
    """(mime, bytes, download name) of a claim's certificate."""
    file = db.session.get(EvidenceFile, claim.file_id)
    extension = "pdf" if file.mime == "application/pdf" else "jpg"
    return file.mime, file_contents(file), f"certificate-{claim.id}.{extension}"
