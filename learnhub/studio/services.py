"""Studio courses: who may edit what, course details, draft -> publish, history, co-trainers.

Services flush, never commit. Everything a trainer edits lands in the working copy
(CourseDraft, DraftModule); `publish` copies it into the catalogue in one transaction.
"""

import re
import secrets
from decimal import Decimal, InvalidOperation

from sqlalchemy import func, or_, select

from learnhub.accounts.models import User
from learnhub.catalog.hours import COURSE_MAX_MINUTES, current_rule
from learnhub.catalog.models import CATEGORIES, LANGUAGES, Course, Module, ModuleRevision
from learnhub.core import audit
from learnhub.core.db import utcnow
from learnhub.core.errors import DomainError, NotFound
from learnhub.core.i18n import gettext as _
from learnhub.core.text import clean_line, has_hidden_characters
from learnhub.core.vocab import OCCUPATION_CODES, SKILL_LEVEL_CODES
from learnhub.extensions import db
from learnhub.orgs.models import Org
from learnhub.studio.models import CourseDraft, CourseEditor, CourseEvent, CourseReview, DraftModule

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,79}$")
_DECIMAL = re.compile(r"^\d{1,6}(\.\d{1,2})?$")
STUDIO_ROLES = ("trainer", "admin")
RESERVED_SLUGS = frozenset({"new", "static", "reviews"})  # studio addresses beside /studio/<slug>/
DETAIL_FIELDS = (
    "title",
    "summary",
    "category",
    "occupation",
    "target_level",
    "language",
    "credits",
    "minutes",
    "tags",
    "audience_org_id",
)


# ---------------------------------------------------------------- who may edit


def _in_admin_scope(user, course):
    if user.role != "admin" or course.org_id is None:
        return False
    org = db.session.get(Org, course.org_id)
    return user.org.contains(org)


def can_edit(user, course):
    """True if `user` owns the course, is a co-trainer, or administers its union's subtree."""
    if not getattr(user, "is_authenticated", False) or user.role not in STUDIO_ROLES:
        return False
    if course.owner_id == user.id or _in_admin_scope(user, course):
        return True
    return db.session.get(CourseEditor, (course.id, user.id)) is not None


def can_manage_editors(user, course):
    """Owners and admins in scope add and remove co-trainers; co-trainers do not."""
    return course.owner_id == user.id or _in_admin_scope(user, course)


def get_course_for_editing(user, slug):
    """The studio course with this slug if `user` may edit it; otherwise NotFound."""
    course = db.session.scalar(
        select(Course).join(CourseDraft, CourseDraft.course_id == Course.id).where(Course.slug == str(slug)[:80])
    )
    if course is None or not can_edit(user, course):
        raise NotFound(_("Course not found."))
    return course


def get_draft(course):
    """The course's working copy of its details."""
    return db.session.get(CourseDraft, course.id)


def my_courses(user):
    """(Course, CourseDraft) of the courses this person may edit, the latest edited first."""
    editor_of = select(CourseEditor.course_id).where(CourseEditor.user_id == user.id)
    mine = or_(Course.owner_id == user.id, Course.id.in_(editor_of))
    if user.role == "admin":
        in_scope = select(Org.id).where(Org.path.startswith(user.org.path))
        mine = or_(mine, Course.org_id.in_(in_scope))
    return db.session.execute(
        select(Course, CourseDraft)
        .join(CourseDraft, CourseDraft.course_id == Course.id)
        .where(mine)
        .order_by(CourseDraft.updated_at.desc(), Course.id.desc())
    ).all()


def check_editable(course):
    """An archived course is read-only until it is restored; one waiting for review until it is withdrawn."""
    if course.status == "archived":
        raise DomainError(_("This course is archived. Restore it to edit it."))
    check_not_in_review(course)


def check_not_in_review(course):
    """The working copy waiting for review stays as it was sent, so that the reviewer approves exactly that."""
    if db.session.scalar(
        select(CourseReview.id).where(CourseReview.course_id == course.id, CourseReview.status == "pending")
    ):
        raise DomainError(_("The course is waiting for review. Withdraw it from review to change it."))


# ---------------------------------------------------------------- course details


def _text(value, field, max_len, message, multiline=False):
    text = str(value or "").replace("\r\n", "\n").strip() if multiline else clean_line(value)
    if has_hidden_characters(text.replace("\n", " ").replace("\t", " ")):
        raise DomainError(
            _(
                "The text contains invisible or control characters (such as a "
                "right-to-left mark). Please type it again."
            ),
            field,
        )
    if not text:
        raise DomainError(message, field)
    if len(text) > max_len:
        raise DomainError(
            _("At most %(max)d characters, please; this has %(count)d.", max=max_len, count=len(text)), field
        )
    return text


def parse_decimal(value, field, message):
    """A number from 0 to 999999.99 with at most two decimal places, else a DomainError."""
    text = str(value if value is not None else "").strip()
    if not text:
        return Decimal("0.00")
    if not _DECIMAL.match(text):
        raise DomainError(message, field)
    try:
        return Decimal(text).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise DomainError(message, field) from None


def parse_tags(value):
    """Search words typed with commas or spaces, as the list the catalogue keeps."""
    words = [" ".join(w.split()) for w in re.split(r"[,，、;；\n]+", str(value or ""))]
    tags = list(dict.fromkeys(w for w in words if w))
    if any("|" in tag or has_hidden_characters(tag) for tag in tags):
        raise DomainError(_("Search words may not contain '|' or invisible characters."), "tags")
    if len("|".join(tags)) > 400:
        raise DomainError(_("The search words are too long: at most 400 characters together."), "tags")
    return tags


def audience_choices(course_org):
    """Who a course may be meant for: everyone, or the course's union or one just below it."""
    if course_org is None:
        return []
    children = db.session.scalars(select(Org).where(Org.parent_id == course_org.id).order_by(Org.name).limit(200)).all()
    return [course_org, *children]


def clean_details(values, course_org, module_minutes=None):
    """Check the course details a trainer typed; returns the values to store.

    `module_minutes`, the working copy's modules' minutes, bounds the course's hours (hours.py);
    a new course has none yet, and publishing checks again.
    """
    title = _text(values.get("title"), "title", 120, _("Give the course a title."))
    summary = _text(
        values.get("summary"), "summary", 2000, _("Say in a sentence or two what the course teaches."), multiline=True
    )
    if values.get("category") not in CATEGORIES:
        raise DomainError(_("Choose a category from the list."), "category")
    occupation = values.get("occupation") or "all"
    if occupation != "all" and occupation not in OCCUPATION_CODES:
        raise DomainError(_("Choose an occupation from the list."), "occupation")
    level = values.get("target_level") or "none"
    if level not in SKILL_LEVEL_CODES:
        raise DomainError(_("Choose a skill level from the list."), "target_level")
    language = values.get("language") or "zh_CN"
    if language not in LANGUAGES:
        raise DomainError(_("Choose a language from the list."), "language")
    credits = parse_decimal(
        values.get("credits"), "credits", _("Credits are a number such as 1 or 1.5 (two decimal places at most).")
    )
    hours = parse_decimal(
        values.get("hours"), "hours", _("Learning hours are a number such as 2 or 1.5 (two decimal places at most).")
    )
    minutes = check_course_hours(credits, hours, module_minutes)
    audience = values.get("audience") or ""
    allowed = {str(org.id): org for org in audience_choices(course_org)}
    if audience and audience not in allowed:
        raise DomainError(_("Choose who the course is for from the list."), "audience")
    return dict(
        title=title,
        summary=summary,
        category=values["category"],
        occupation=occupation,
        target_level=level,
        language=language,
        credits=credits,
        minutes=minutes,
        tags="|".join(parse_tags(values.get("tags"))),
        audience_org_id=allowed[audience].id if audience else None,
    )


def check_course_hours(credits, hours, module_minutes=None):
    """The course's minutes for `hours` (学时) if they and `credits` keep the hours rule; else a DomainError."""
    rule = current_rule()
    minutes = rule.xueshi_to_minutes(hours)
    most = (
        COURSE_MAX_MINUTES if module_minutes is None or not rule.is_checked else min(module_minutes, COURSE_MAX_MINUTES)
    )
    if minutes > most:
        raise DomainError(
            _(
                "At most %(most)s learning hours: the hours of a course are its modules' minutes "
                "(%(per)d minutes a learning hour).",
                most=rule.minutes_to_xueshi(most),
                per=rule.minutes_per_xueshi,
            ),
            "hours",
        )
    if rule.is_checked and credits > rule.max_credits(minutes):
        raise DomainError(credits_refusal(rule, minutes), "credits")
    return minutes


def credits_refusal(rule, minutes):
    """Why these credits are too many for `minutes` of learning, in words."""
    return _(
        "At most %(most)s credits for %(minutes)d minutes: one credit is %(per)d minutes of learning "
        "(%(xueshi)d learning hours of %(hour)d minutes).",
        most=rule.max_credits(minutes),
        minutes=minutes,
        per=rule.minutes_per_credit,
        xueshi=rule.xueshi_per_credit,
        hour=rule.minutes_per_xueshi,
    )


def _new_slug():
    while True:
        slug = "course-" + secrets.token_hex(3)
        if db.session.scalar(select(Course.id).where(Course.slug == slug)) is None:
            return slug


def create_course(user, values, slug=None):
    """A new draft course owned by `user`, in `user`'s union."""
    if user.role not in STUDIO_ROLES:
        raise NotFound(_("Course not found."))
    details = clean_details(values, user.org)
    slug = (slug or "").strip().lower()
    if not slug:
        slug = _new_slug()
    elif not SLUG.match(slug) or slug in RESERVED_SLUGS:
        raise DomainError(
            _(
                "The address has 2 to 80 lower-case letters, digits or '-', and starts "
                "with a letter or digit, such as fire-safety."
            ),
            "slug",
        )
    elif db.session.scalar(select(Course.id).where(Course.slug == slug)) is not None:
        raise DomainError(_("Another course already has this address. Choose another."), "slug")
    course = Course(
        slug=slug, status="draft", owner_id=user.id, org_id=user.org_id, search_text=_search_text(details), **details
    )
    db.session.add(course)
    db.session.flush()
    db.session.add(CourseDraft(course_id=course.id, updated_by_id=user.id, **details))
    log(course, user, "created")
    db.session.flush()
    return course


def _search_text(details):
    # As the importer writes it, so that an exported course imports back unchanged.
    tags = [tag for tag in details["tags"].split("|") if tag]
    return " ".join([details["title"], details["summary"], *tags]).lower()


def update_details(user, course, values):
    """Change the course details in the working copy."""
    check_editable(course)
    draft = get_draft(course)
    org = db.session.get(Org, course.org_id) if course.org_id else None
    modules = working_modules(course)
    details = clean_details(values, org, sum(revision.minutes for _d, _m, revision in modules) if modules else None)
    if all(getattr(draft, name) == value for name, value in details.items()):
        return draft
    for name, value in details.items():
        setattr(draft, name, value)
    touch(course, user)
    log(course, user, "details")
    db.session.flush()
    return draft


def touch(course, user):
    """Note that the working copy changed: it now differs from what workers see."""
    check_not_in_review(course)  # every change passes here
    draft = get_draft(course)
    draft.has_changes = True
    draft.updated_at = utcnow()
    draft.updated_by_id = user.id


# Course events that change what workers see also go to the audit log of the course's union.
_AUDITED = {"published", "unpublished", "archived", "restored", "submitted", "withdrawn", "approved", "returned"}


def log(course, user, kind, module=None, number=None, note=""):
    """Add a line to the course's history (and the audit log, for publications)."""
    db.session.add(
        CourseEvent(
            course_id=course.id,
            user_id=user.id if user else None,
            kind=kind,
            module_id=module.id if module else None,
            number=number,
            note=note[:200],
        )
    )
    if kind in _AUDITED:
        org = db.session.get(Org, course.org_id) if course.org_id else None
        audit.record(
            user,
            f"course.{kind}",
            "course",
            course.slug,
            org.path if org else "/",
            title=course.title,
            publication=number,
            **({"note": note[:200]} if note else {}),
        )


def history(course, limit=200):
    """The course's history, newest first."""
    return db.session.scalars(
        select(CourseEvent)
        .where(CourseEvent.course_id == course.id)
        .order_by(CourseEvent.created_at.desc(), CourseEvent.id.desc())
        .limit(limit)
    ).all()


def publication_count(course):
    """How many times the course has been published."""
    return db.session.scalar(
        select(func.count(CourseEvent.id)).where(CourseEvent.course_id == course.id, CourseEvent.kind == "published")
    )


# ---------------------------------------------------------------- co-trainers


def editors(course):
    """The course's co-trainers."""
    return db.session.scalars(
        select(User)
        .join(CourseEditor, CourseEditor.user_id == User.id)
        .where(CourseEditor.course_id == course.id)
        .order_by(User.name)
    ).all()


def add_editor(user, course, login):
    """Let another trainer edit the course, found by username."""
    if not can_manage_editors(user, course):
        raise DomainError(_("Only the course's owner or a union admin can add co-trainers."))
    name = clean_line(login).lower()[:32]
    other = db.session.scalar(select(User).where(User.username == name)) if name else None
    if other is None or other.role not in STUDIO_ROLES or not other.is_active:
        raise DomainError(_("No trainer has this username."), "username")
    if other.id == course.owner_id or db.session.get(CourseEditor, (course.id, other.id)):
        raise DomainError(_("%(name)s can already edit this course.", name=other.name), "username")
    db.session.add(CourseEditor(course_id=course.id, user_id=other.id))
    log(course, user, "editor_added", note=other.name)
    db.session.flush()
    return other


def remove_editor(user, course, user_id):
    """Take a co-trainer off the course."""
    if not can_manage_editors(user, course):
        raise DomainError(_("Only the course's owner or a union admin can remove co-trainers."))
    row = db.session.get(CourseEditor, (course.id, int(user_id))) if str(user_id).isdigit() else None
    if row is None:
        raise NotFound(_("Co-trainer not found."))
    log(course, user, "editor_removed", note=row.user.name)
    db.session.delete(row)
    db.session.flush()


# ---------------------------------------------------------------- the working copy's modules


def working_modules(course):
    """(DraftModule, Module, ModuleRevision) of the working copy, in order: one query."""
    return db.session.execute(
        select(DraftModule, Module, ModuleRevision)
        .join(Module, Module.id == DraftModule.module_id)
        .join(
            ModuleRevision, (ModuleRevision.module_id == Module.id) & (ModuleRevision.revision == DraftModule.revision)
        )
        .where(DraftModule.course_id == course.id)
        .order_by(DraftModule.position, DraftModule.id)
    ).all()
