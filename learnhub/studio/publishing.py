"""Draft -> (review ->) publish: check the working copy, swap it in, unpublish, archive, export.

Publishing moves each module's live revision to the working copy's, in place: a module
keeps its id, so every learner keeps their progress, quiz attempts and credits on it.

A working copy that pays credits or reaches beyond its owner's union (review.needs_review) is
sent for review instead; an admin who may review it (review.can_review) approves it, and it
goes live then, or returns it with a reason. Until then learners keep the published revision,
and the working copy cannot be edited, so the reviewer approves exactly what was sent.
"""

import re
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from learnhub.catalog.hours import current_rule
from learnhub.catalog.importing import export_course, media_key
from learnhub.catalog.models import Module
from learnhub.core.db import utcnow
from learnhub.core.errors import DomainError
from learnhub.core.i18n import gettext as _
from learnhub.core.storage import storage
from learnhub.core.text import has_hidden_characters
from learnhub.extensions import db
from learnhub.studio import review
from learnhub.studio.media import upload_key
from learnhub.studio.models import CourseReview, DraftModule
from learnhub.studio.modules import course_media, hours_refusal
from learnhub.studio.services import (
    DETAIL_FIELDS,
    _search_text,
    check_course_hours,
    get_draft,
    log,
    publication_count,
    touch,
    working_modules,
)

_MEDIA_REF = re.compile(r"media/[0-9a-f]{16}\.(?:png|jpg|webp|pdf|mp4|webm)")


def problems(course):
    """What stops the working copy from being published, in words for the trainer."""
    found = []
    rows = working_modules(course)
    if not rows:
        found.append(_("Add at least one module."))
    total = Decimal("0")
    for _draft_module, module, revision in rows:
        total += revision.credits
        if module.kind == "lesson" and not revision.body_source:
            found.append(_("“%(title)s” has no text yet.", title=revision.title))
        elif module.kind == "video" and not revision.video:
            found.append(_("“%(title)s” has no video yet.", title=revision.title))
        elif module.kind == "quiz" and not revision.questions:
            found.append(_("“%(title)s” has no questions yet.", title=revision.title))
        refusal = hours_refusal(
            module.kind, revision.minutes, revision.credits, revision.body_source, len(revision.questions)
        )
        if refusal is not None:
            found.append(_("“%(title)s”: %(problem)s", title=revision.title, problem=refusal.message))
    draft = get_draft(course)
    try:
        check_course_hours(
            draft.credits, current_rule().minutes_to_xueshi(draft.minutes), sum(r.minutes for *_x, r in rows)
        )
    except DomainError as refusal:
        found.append(_("The course details: %(problem)s", problem=refusal.message))
    if total > draft.credits:
        found.append(
            _(
                "The modules' credits add up to %(total)s, more than the course's %(credits)s.",
                total=total,
                credits=draft.credits,
            )
        )
    return found


def _used_media(rows):
    names = set()
    for _draft_module, _module, revision in rows:
        names.update(_MEDIA_REF.findall(revision.body_source or ""))
        if revision.video:
            names.add(revision.video)
    return names


def _apply(course):
    """Copy the working copy into the catalogue's live rows (no status, events or files)."""
    draft = get_draft(course)
    details = {name: getattr(draft, name) for name in DETAIL_FIELDS}
    for name, value in details.items():
        setattr(course, name, value)
    course.search_text = _search_text(details)
    rows = working_modules(course)
    kept = set()
    for position, (draft_module, module, _revision) in enumerate(rows, 1):
        module.revision, module.position = draft_module.revision, position
        module.is_required, module.is_retired = draft_module.is_required, False
        kept.add(module.id)
    for module in db.session.scalars(select(Module).where(Module.course_id == course.id)):
        if module.id not in kept:
            module.is_retired = True
    db.session.flush()
    return rows


def publish(user, course):
    """Make the working copy what workers see, or send it for review when it needs one.

    Returns the publication number, or None when the course now waits for review.
    """
    if course.status == "archived":
        raise DomainError(_("This course is archived. Restore it to edit it."))
    if review.pending_review(course) is not None:
        raise DomainError(_("The course is already waiting for review."))
    found = problems(course)
    if found:
        raise DomainError(found[0])
    if review.needs_review(course):
        _submit(user, course)
        return None
    return _go_live(user, course)


def _submit(user, course):
    org = review.review_org(course)
    db.session.add(CourseReview(course_id=course.id, status="pending", org_id=org.id, submitted_by_id=user.id))
    log(course, user, "submitted", note=org.name)
    db.session.flush()


def withdraw(user, course):
    """Take the working copy back from review, to edit it."""
    pending = review.pending_review(course)
    if pending is None:
        raise DomainError(_("The course is not waiting for review."))
    pending.status, pending.decided_at = "withdrawn", utcnow()
    log(course, user, "withdrawn")
    db.session.flush()


def approve(admin, course, pending):
    """The reviewer lets the working copy go live; returns the publication number."""
    if not review.can_review(admin, course, pending):
        raise DomainError(_("You cannot review this course."))
    if course.status == "archived":
        raise DomainError(_("This course is archived. Restore it to edit it."))
    found = problems(course)
    if found:
        raise DomainError(found[0])
    pending.status, pending.decided_by_id, pending.decided_at = "approved", admin.id, utcnow()
    log(course, admin, "approved")
    return _go_live(admin, course)


def return_for_changes(admin, course, pending, reason):
    """The reviewer sends the working copy back to its authors, saying why."""
    if not review.can_review(admin, course, pending):
        raise DomainError(_("You cannot review this course."))
    reason = str(reason or "").replace("\r\n", "\n").strip()
    if not reason:
        raise DomainError(_("Say what the trainer should change."), "reason")
    if len(reason) > review.MAX_REASON:
        raise DomainError(
            _("At most %(max)d characters, please; this has %(count)d.", max=review.MAX_REASON, count=len(reason)),
            "reason",
        )
    if has_hidden_characters(reason.replace("\n", " ")):
        raise DomainError(
            _(
                "The text contains invisible or control characters (such as a "
                "right-to-left mark). Please type it again."
            ),
            "reason",
        )
    pending.status, pending.decided_by_id, pending.decided_at = "returned", admin.id, utcnow()
    pending.reason = reason
    log(course, admin, "returned", note=reason)
    db.session.flush()


def _go_live(user, course):
    rows = _apply(course)
    media = course_media(course)
    files = storage()
    for path in _used_media(rows):
        upload = media.get(path)
        if upload is None:
            continue
        # Published media live where the catalogue serves them; drafts stay in the studio.
        dest = media_key(course.slug, upload.name)
        if not files.exists(dest):
            files.copy(upload_key(upload), dest)
    course.status = "published"
    get_draft(course).has_changes = False
    number = publication_count(course) + 1
    log(course, user, "published", number=number)
    db.session.flush()
    return number


def unpublish(user, course):
    """Take the course out of the catalogue; enrolments and progress stay."""
    if course.status != "published":
        raise DomainError(_("The course is not published."))
    course.status = "draft"
    log(course, user, "unpublished")
    db.session.flush()


def archive(user, course):
    """Retire the course: out of the catalogue and read-only; learners' records stay."""
    if course.status == "archived":
        raise DomainError(_("The course is already archived."))
    pending = review.pending_review(course)
    if pending is not None:  # an archived course is not published by a late approval
        pending.status, pending.decided_at = "withdrawn", utcnow()
        log(course, user, "withdrawn")
    course.status = "archived"
    log(course, user, "archived")
    db.session.flush()


def restore(user, course):
    """Bring an archived course back as an unpublished draft."""
    if course.status != "archived":
        raise DomainError(_("The course is not archived."))
    course.status = "draft"
    log(course, user, "restored")
    db.session.flush()


def discard_changes(user, course):
    """Throw the working copy away and start again from what workers see."""
    if not publication_count(course):
        raise DomainError(_("The course has never been published: there is nothing to go back to."))
    draft = get_draft(course)
    for name in DETAIL_FIELDS:
        setattr(draft, name, getattr(course, name))
    for draft_module in db.session.scalars(select(DraftModule).where(DraftModule.course_id == course.id)):
        db.session.delete(draft_module)
    db.session.flush()
    live = db.session.scalars(
        select(Module)
        .where(Module.course_id == course.id, Module.is_retired.is_(False))
        .order_by(Module.position, Module.id)
    )
    for position, module in enumerate(live, 1):
        db.session.add(
            DraftModule(
                course_id=course.id,
                module_id=module.id,
                position=position,
                is_required=module.is_required,
                revision=module.revision,
            )
        )
    touch(course, user)
    draft.has_changes = False
    log(course, user, "discarded")
    db.session.flush()


def export_working_copy(course, folder):
    """Write the working copy as a course package in `folder` (catalog's export_course).

    The working copy is swapped in inside a savepoint that is rolled back afterwards, so
    that the package is exactly what publishing would give, and nothing is changed.
    """
    folder = Path(folder)
    savepoint = db.session.begin_nested()
    try:
        rows = _apply(course)
        used = _used_media(rows)
        names = export_course(course, folder)
    finally:
        savepoint.rollback()
    media = course_media(course)
    for path in sorted(used):
        upload = media.get(path)
        if upload is not None:
            storage().download(upload_key(upload), folder / path)
    return names
