"""The catalogue: which courses a person may see, search and filters, a course's modules."""

from sqlalchemy import and_, bindparam, func, or_, select
from sqlalchemy.orm import defer, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from learnhub.catalog.models import (
    ALL_OCCUPATIONS,
    CATEGORIES,
    BankQuestion,
    Course,
    Module,
    ModuleRevision,
    Question,
)
from learnhub.core.errors import NotFound
from learnhub.core.i18n import gettext as _
from learnhub.core.text import clean_line
from learnhub.core.vocab import OCCUPATION_CODES, SKILL_LEVEL_CODES, SKILL_LEVELS, find_occupation
from learnhub.extensions import db
from learnhub.orgs.models import Org
from learnhub.orgs.services import subtree_filter

_LEVEL_ORDER = [code for code, _label in SKILL_LEVELS]


def _audience_ids(user):
    """The unions whose members-only courses this person may see: theirs and every one above."""
    return user.org.ancestor_ids if user is not None and getattr(user, "is_authenticated", False) else []


def _visible(orgs):
    return and_(Course.status == "published", or_(Course.audience_org_id.is_(None), Course.audience_org_id.in_(orgs)))


def visible_filter(user):
    """A WHERE clause: published courses for everyone, or for a union this person is under."""
    return _visible(_audience_ids(user))


def reachable_filter(org):
    """A WHERE clause: the courses an admin of `org` may pick for the people of its subtree.

    Published courses for everyone or for a union above, at or below `org`; unpublished ones
    only if a union of the subtree made them. Another union's drafts and courses meant for
    another union's members stay out of sight, as they do in the catalogue.
    """
    subtree = select(Org.id).where(subtree_filter(org))
    audience_ok = or_(
        Course.audience_org_id.is_(None),
        Course.audience_org_id.in_(org.ancestor_ids),
        Course.audience_org_id.in_(subtree),
    )
    return or_(
        and_(Course.status == "published", audience_ok), and_(Course.status != "published", Course.org_id.in_(subtree))
    )


def catalogue_version():
    """What changes whenever a course is added, changed or removed: part of the key of the
    catalogue's cached results (core/cache.py)."""
    count, last = db.session.execute(select(func.count(Course.id), func.max(Course.updated_at))).one()
    return count, last.isoformat() if last else None


def catalogue_audience(user, for_you=False):
    """Whom the catalogue's results depend on: the person's unions (members-only courses) and,
    for "for you", their trade and level."""
    if not getattr(user, "is_authenticated", False):
        return ()
    unions = tuple(_audience_ids(user))
    return (unions, user.occupation, user.skill_level) if for_you else (unions,)


def levels_for(level):
    """The levels of the courses "for you": any level up to the next one above a person's own,
    and courses for every level (a senior electrician still takes the basic safety course)."""
    if level not in _LEVEL_ORDER:
        return ["none"]
    index = _LEVEL_ORDER.index(level)
    return sorted({"none", *_LEVEL_ORDER[: index + 2]})


def catalogue_query(
    user, *, text=None, category=None, occupation=None, level=None, for_you=False, only=None, language=None
):
    """A SELECT of the courses this person may see that match the search and filters (`only`: of these ids).

    A word of the search matches a course's title, summary or tags, or names its occupation
    (电焊工 finds the welders' courses); courses in `language` come first.
    """
    stmt = select(Course).where(visible_filter(user))
    for word in clean_line(text).casefold().split()[:8]:
        named = find_occupation(word)
        matches = Course.search_text.contains(word, autoescape=True)
        stmt = stmt.where(or_(matches, Course.occupation == named) if named else matches)
    if only is not None:
        stmt = stmt.where(Course.id.in_(only))
    if category in CATEGORIES:
        stmt = stmt.where(Course.category == category)
    if occupation in OCCUPATION_CODES:
        stmt = stmt.where(Course.occupation.in_([occupation, ALL_OCCUPATIONS]))
    if level in SKILL_LEVEL_CODES:
        stmt = stmt.where(Course.target_level.in_(levels_for(level)))
    if language:  # first of all: a copy in another language comes after every course in mine
        stmt = stmt.order_by((Course.language == language).desc())
    if for_you and user is not None and getattr(user, "is_authenticated", False):
        stmt = stmt.where(
            Course.occupation.in_([user.occupation or ALL_OCCUPATIONS, ALL_OCCUPATIONS]),
            Course.target_level.in_(levels_for(user.skill_level)),
        )
        # The courses of my own trade first, then those for everyone.
        stmt = stmt.order_by((Course.occupation == ALL_OCCUPATIONS).asc())
    return stmt.order_by(Course.title, Course.id)


# The three statements behind every course and module page are built once, their values given
# as parameters: building and keying them anew on every request cost a fifth of those pages'
# server time (bench/instructions.py: course page 13.5 M instructions as here, 17.0 M built
# each time; module page 11.7 M and 15.0 M).
_VISIBLE_COURSE = select(Course).where(Course.slug == bindparam("slug"), _visible(bindparam("orgs", expanding=True)))
_CURRENT_MODULES = (
    select(Module, ModuleRevision)
    .join(ModuleRevision, and_(ModuleRevision.module_id == Module.id, ModuleRevision.revision == Module.revision))
    .where(Module.course_id == bindparam("course_id"), Module.is_retired.is_(False))
)
_COURSE_MODULES = _CURRENT_MODULES.options(defer(ModuleRevision.body_html), defer(ModuleRevision.body_source)).order_by(
    Module.position, Module.id
)
_MODULE = _CURRENT_MODULES.where(Module.key == bindparam("key"))


def get_visible_course(user, slug):
    """The published course with this slug if this person may see it (`visible_filter`); otherwise NotFound."""
    course = db.session.scalar(_VISIBLE_COURSE, {"slug": str(slug)[:80], "orgs": _audience_ids(user)})
    if course is None:
        raise NotFound(_("Course not found."))
    return course


def course_modules(course):
    """The course's current modules in order, each with its current revision: one query.

    The revisions' bodies stay in the database (they load if asked for): a list of modules
    shows titles, and a course's bodies weigh tens of kilobytes.
    """
    rows = db.session.execute(_COURSE_MODULES, {"course_id": course.id}).all()
    return [(module, revision) for module, revision in rows]


def get_module(course, key):
    """The current module `key` of `course` with its current revision; otherwise NotFound.

    A quiz's questions and choices come along in two more queries, however many there are;
    a lesson or video costs one query.
    """
    row = db.session.execute(_MODULE, {"course_id": course.id, "key": str(key)[:80]}).first()
    if row is None:
        raise NotFound(_("Module not found."))
    module, revision = row
    if module.kind == "quiz":
        questions = db.session.scalars(
            select(Question)
            .where(Question.revision_id == revision.id)
            .options(selectinload(Question.choices))
            .order_by(Question.position, Question.id)
        ).all()
        set_committed_value(revision, "questions", questions)
    return row


# ---------------------------------------------------------------- question banks


def bank_questions(course_id, live=True):
    """The questions of a course's bank with their choices (only the live ones unless told): two queries."""
    stmt = (
        select(BankQuestion)
        .where(BankQuestion.course_id == course_id)
        .options(selectinload(BankQuestion.choices))
        .order_by(BankQuestion.topic, BankQuestion.id)
    )
    if live:
        stmt = stmt.where(BankQuestion.is_retired.is_(False))
    return list(db.session.scalars(stmt))


def bank_questions_by_id(ids):
    """{id: BankQuestion} of these ids, retired ones too (an old paper shows what it asked)."""
    if not ids:
        return {}
    rows = db.session.scalars(
        select(BankQuestion).where(BankQuestion.id.in_(set(ids))).options(selectinload(BankQuestion.choices))
    )
    return {row.id: row for row in rows}
