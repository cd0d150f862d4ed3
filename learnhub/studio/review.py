"""Publication review (审核): which courses need it, who reviews them, and what changed.

A course goes live only after review when it pays credits or reaches beyond its owner's own
union: no audience (everyone), or an audience outside the owner's union's subtree. Who reviews:

- a course for an audience: an admin of that union or of a union above it;
- a course for everyone: an admin of the top of the union tree the course belongs to (the
  national federation in a national deployment). A course for everyone reaches every union, so
  only those who answer for every union may let it through; a city's admin may not.

The reviewer is never one of its authors: not the owner, a co-trainer, whoever sent it for
review or whoever last changed the working copy. The actions (send, withdraw, approve, return)
are in publishing.py; this module only reads.
"""

import difflib
from dataclasses import dataclass, field

from sqlalchemy import and_, exists, or_, select

from learnhub.accounts.models import User
from learnhub.catalog.models import ALL_OCCUPATIONS, CATEGORIES, LANGUAGES, Course
from learnhub.catalog.services import course_modules
from learnhub.core.errors import NotFound
from learnhub.core.i18n import gettext as _
from learnhub.core.i18n import lazy_gettext as _l
from learnhub.core.vocab import occupation_label, skill_level_label
from learnhub.extensions import db
from learnhub.orgs.models import Org
from learnhub.studio.models import CourseDraft, CourseEditor, CourseReview
from learnhub.studio.services import get_draft, working_modules

MAX_REASON = 2000
DETAIL_LABELS = {
    "title": _l("Title"),
    "summary": _l("Summary"),
    "category": _l("Category"),
    "occupation": _l("Occupation"),
    "target_level": _l("Skill level"),
    "language": _l("Language"),
    "credits": _l("Credits"),
    "minutes": _l("Minutes"),
    "tags": _l("Search words"),
    "audience_org_id": _l("Who it is for"),
}


def _owner_org(course):
    owner = db.session.get(User, course.owner_id) if course.owner_id else None
    org_id = owner.org_id if owner is not None else course.org_id
    return db.session.get(Org, org_id) if org_id else None


def _top_of(org):
    """The union at the top of `org`'s tree (itself if it has none above)."""
    top_id = int(org.path.strip("/").split("/")[0])
    return db.session.get(Org, top_id)


def needs_review(course, draft=None):
    """True if publishing the working copy must wait for an admin's review."""
    draft = draft or get_draft(course)
    if draft.credits > 0 or draft.audience_org_id is None:
        return True
    owner_org, audience = _owner_org(course), db.session.get(Org, draft.audience_org_id)
    return owner_org is None or audience is None or not owner_org.contains(audience)


def review_org(course, draft=None):
    """The union whose admins (and those above) review the working copy."""
    draft = draft or get_draft(course)
    if draft.audience_org_id is not None:
        return db.session.get(Org, draft.audience_org_id)
    org = db.session.get(Org, course.org_id) if course.org_id else _owner_org(course)
    if org is None:  # a course of no union at all: the first top-level union
        return db.session.scalar(select(Org).where(Org.parent_id.is_(None)).order_by(Org.id).limit(1))
    return _top_of(org)


def pending_review(course):
    """The course's review waiting for a decision, or None."""
    return db.session.scalar(
        select(CourseReview).where(CourseReview.course_id == course.id, CourseReview.status == "pending")
    )


def latest_review(course):
    """The course's most recent review, whatever its outcome, or None."""
    return db.session.scalar(
        select(CourseReview)
        .where(CourseReview.course_id == course.id)
        .order_by(CourseReview.submitted_at.desc(), CourseReview.id.desc())
        .limit(1)
    )


def is_author(user, course, review=None):
    """True if `user` wrote or sent this course: they may not review it."""
    draft = get_draft(course)
    return (
        user.id in (course.owner_id, draft.updated_by_id if draft else None)
        or (review is not None and user.id == review.submitted_by_id)
        or db.session.get(CourseEditor, (course.id, user.id)) is not None
    )


def can_review(user, course, review):
    """True if `user` may approve or return this pending review."""
    if not getattr(user, "is_authenticated", False) or user.role != "admin" or review is None:
        return False
    org = db.session.get(Org, review.org_id)
    return org is not None and user.org.contains(org) and not is_author(user, course, review)


def get_review(user, slug):
    """(Course, pending CourseReview) that `user` may decide; NotFound for anyone else."""
    course = db.session.scalar(select(Course).where(Course.slug == str(slug)[:80]))
    review = pending_review(course) if course is not None else None
    if review is None or not can_review(user, course, review):
        raise NotFound(_("Course not found."))
    return course, review


def review_queue(user, limit=200):
    """(CourseReview, Course, Org) waiting for `user`'s decision, the oldest first: one query."""
    if user.role != "admin":
        return []
    draft_by_user = exists().where(CourseDraft.course_id == Course.id, CourseDraft.updated_by_id == user.id)
    editor = exists().where(CourseEditor.course_id == Course.id, CourseEditor.user_id == user.id)
    return db.session.execute(
        select(CourseReview, Course, Org)
        .join(Course, Course.id == CourseReview.course_id)
        .join(Org, Org.id == CourseReview.org_id)
        .where(
            CourseReview.status == "pending",
            Org.path.startswith(user.org.path),
            ~or_(
                Course.owner_id == user.id,
                and_(CourseReview.submitted_by_id.is_not(None), CourseReview.submitted_by_id == user.id),
                draft_by_user,
                editor,
            ),
        )
        .order_by(CourseReview.submitted_at, CourseReview.id)
        .limit(limit)
    ).all()


# ---------------------------------------------------------------- what changed


@dataclass
class ModuleChange:
    """One module of the working copy against the published course."""

    title: str
    kind: str  # added | removed | changed
    fields: list = field(default_factory=list)  # (label, before, after)
    lines: list = field(default_factory=list)  # (" " | "+" | "-" | "@", text) of the text's diff


@dataclass
class Changes:
    """What publishing the working copy would change for learners."""

    is_first: bool
    details: list = field(default_factory=list)  # (label, before, after)
    modules: list = field(default_factory=list)  # ModuleChange
    is_reordered: bool = False

    @property
    def is_empty(self):
        return not (self.details or self.modules or self.is_reordered)


def _show(name, value):
    """A detail's value as the trainer chose it, in words."""
    if name == "category":
        return str(CATEGORIES.get(value, value))
    if name == "occupation":
        return _("All occupations") if value == ALL_OCCUPATIONS else str(occupation_label(value))
    if name == "target_level":
        return str(skill_level_label(value))
    if name == "language":
        return LANGUAGES.get(value, value)
    if name == "audience_org_id":
        org = db.session.get(Org, value) if value else None
        return org.name if org else _("Everyone")
    if name == "tags":
        return "、".join(tag for tag in (value or "").split("|") if tag)
    return "" if value is None else str(value)


def _text_lines(module, revision):
    """A module's content as lines to compare: a lesson's Markdown, a quiz's questions."""
    if module.kind != "quiz":
        lines = (revision.body_source or "").split("\n")
        return lines + ([f"[{revision.video}]"] if revision.video else [])
    attempts = revision.max_attempts or _("no limit")
    lines = [_("Pass mark %(mark)s%%, attempts %(attempts)s", mark=revision.pass_mark, attempts=attempts)]
    for number, question in enumerate(revision.questions, 1):
        lines.append(f"{number}. {question.text}")
        lines.extend(f"   {'✓' if c.is_correct else '·'} {c.text}" for c in question.choices)
        lines.append(f"   → {question.explanation}")
    return lines


def _diff(before, after):
    out = []
    for line in difflib.unified_diff(before, after, lineterm="", n=2):
        if line.startswith(("---", "+++")):
            continue
        out.append(("@", "…") if line.startswith("@@") else (line[:1], line[1:]))
    return out


def _module_change(module, before, after):
    fields = [
        (label, getattr(before, name), getattr(after, name))
        for name, label in (("title", _("Title")), ("minutes", _("Minutes")), ("credits", _("Credits")))
        if getattr(before, name) != getattr(after, name)
    ]
    return ModuleChange(after.title, "changed", fields, _diff(_text_lines(module, before), _text_lines(module, after)))


def changes(course):
    """What changed in the working copy since the last published revision (everything, if never published)."""
    draft = get_draft(course)
    live = {module.id: (module, revision) for module, revision in course_modules(course)}
    is_first = course.status != "published" and not live
    result = Changes(is_first=is_first)
    for name, label in DETAIL_LABELS.items():
        before, after = getattr(course, name), getattr(draft, name)
        if is_first or before != after:
            result.details.append((label, "" if is_first else _show(name, before), _show(name, after)))
    rows = working_modules(course)
    for _draft_module, module, revision in rows:
        if module.id not in live:
            lines = [("+", line) for line in _text_lines(module, revision)]
            result.modules.append(ModuleChange(revision.title, "added", [], lines))
        elif live[module.id][1].revision != revision.revision:
            result.modules.append(_module_change(module, live[module.id][1], revision))
    kept = {module.id for _d, module, _r in rows}
    for module_id, (_module, revision) in live.items():
        if module_id not in kept:
            result.modules.append(ModuleChange(revision.title, "removed"))
    live_order = [module_id for module_id in live if module_id in kept]
    result.is_reordered = live_order != [module.id for _d, module, _r in rows if module.id in live]
    return result
