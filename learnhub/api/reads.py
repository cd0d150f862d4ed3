"""What the API reads for a caller, a page at a time (cursor pagination), in a bounded number of queries.

A cursor is opaque to callers: the id of the last row of the page before, encoded. Rows come in
id order, so a page never repeats or skips a row however the table grows meanwhile.
"""

import base64
import binascii

from sqlalchemy import and_, func, select

from learnhub.catalog.models import Course, Module, ModuleRevision
from learnhub.catalog.services import catalogue_query
from learnhub.core.errors import DomainError
from learnhub.core.hours import Hours
from learnhub.core.i18n import gettext as _
from learnhub.credits.models import LedgerEntry
from learnhub.credits.services import get_account, shown_totals
from learnhub.extensions import db
from learnhub.learning.models import Enrolment, Progress
from learnhub.recognition.credentials import credentials_of


def encode_cursor(last_id):
    return base64.urlsafe_b64encode(f"v1:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor):
    """The id a cursor points after, or None for the first page; a cursor we did not make is refused."""
    if not cursor:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, ValueError):
        text = ""
    version, _sep, number = text.partition(":")
    if version != "v1" or not number.isascii() or not number.isdigit() or len(number) > 18:
        raise DomainError(_("This cursor is not valid: start again from the first page."), "cursor")
    return int(number)


def _page(stmt, id_column, cursor, limit, newest_first=False):
    after = decode_cursor(cursor)
    if after is not None:
        stmt = stmt.where(id_column < after if newest_first else id_column > after)
    stmt = stmt.order_by(None).order_by(id_column.desc() if newest_first else id_column).limit(limit + 1)
    rows = db.session.execute(stmt).all()
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (encode_cursor(rows[-1][0].id) if more else None)


def course_row(course):
    """A course as the API shows it (its hours as the site shows them)."""
    fields = ("slug", "title", "summary", "category", "occupation", "target_level", "language", "credits", "minutes")
    return dict({name: getattr(course, name) for name in fields}, hours=str(Hours.of(course.minutes).value))


def catalogue_page(user, args):
    """A page of the courses this caller may see (the catalogue's rule and filters)."""
    stmt = catalogue_query(
        user,
        text=args.get("q"),
        category=args.get("category"),
        occupation=args.get("occupation"),
        level=args.get("level"),
    )
    rows, cursor = _page(stmt, Course.id, args.get("cursor"), args["limit"])
    return {"items": [course_row(row[0]) for row in rows], "next_cursor": cursor}


def module_rows(course, modules):
    """A course's current modules as the API shows them."""
    return [
        dict(
            key=m.key,
            kind=m.kind,
            title=r.title,
            minutes=r.minutes,
            credits=r.credits,
            is_required=m.is_required,
        )
        for m, r in modules
    ]


def _module_counts(enrolments, user):
    """{course_id: (done, total)} of the current required modules, for these enrolments: one query."""
    course_ids = [e.course_id for e in enrolments]
    if not course_ids:
        return {}
    rows = db.session.execute(
        select(Module.course_id, func.count(Module.id), func.count(Progress.completed_at))
        .outerjoin(Progress, and_(Progress.module_id == Module.id, Progress.user_id == user.id))
        .where(Module.course_id.in_(course_ids), Module.is_retired.is_(False))
        .group_by(Module.course_id)
    ).all()
    return {course_id: (done, total) for course_id, total, done in rows}


def _enrolment_row(enrolment, course, counts):
    done, total = counts.get(enrolment.course_id, (0, 0))
    return dict(
        course=course.slug,
        title=course.title,
        enrolled_at=enrolment.enrolled_at,
        completed_at=enrolment.completed_at,
        modules_done=done,
        modules_total=total,
    )


def enrolments_page(user, args):
    """A page of this person's enrolments, oldest first, with how far each has got."""
    stmt = select(Enrolment, Course).join(Course, Course.id == Enrolment.course_id).where(Enrolment.user_id == user.id)
    rows, cursor = _page(stmt, Enrolment.id, args.get("cursor"), args["limit"])
    counts = _module_counts([e for e, _c in rows], user)
    return {"items": [_enrolment_row(e, c, counts) for e, c in rows], "next_cursor": cursor}


def enrolment_detail(user, enrolment, course):
    """One enrolment with the progress in each current module: two queries."""
    rows = db.session.execute(
        select(Module, ModuleRevision, Progress)
        .join(ModuleRevision, and_(ModuleRevision.module_id == Module.id, ModuleRevision.revision == Module.revision))
        .outerjoin(Progress, and_(Progress.module_id == Module.id, Progress.user_id == user.id))
        .where(Module.course_id == course.id, Module.is_retired.is_(False))
        .order_by(Module.position, Module.id)
    ).all()
    modules = [
        dict(
            key=m.key,
            kind=m.kind,
            title=r.title,
            started_at=p.started_at if p else None,
            completed_at=p.completed_at if p else None,
            best_score=p.best_score if p else None,
        )
        for m, r, p in rows
    ]
    done = sum(1 for row in modules if row["completed_at"] is not None)
    return dict(_enrolment_row(enrolment, course, {course.id: (done, len(modules))}), modules=modules)


def record_page(user, args):
    """The learning record: the account's totals and a page of its entries, newest first."""
    account = get_account(user)
    credits, hours = shown_totals(account)
    stmt = select(LedgerEntry).where(LedgerEntry.account_id == (account.id if account else -1))
    rows, cursor = _page(stmt, LedgerEntry.id, args.get("cursor"), args["limit"], newest_first=True)
    return {
        "account": account.number if account else None,
        "credits": credits,
        "hours": str(hours.value),
        "entries": [row[0] for row in rows],
        "next_cursor": cursor,
    }


def credentials(user, url_for_credential):
    """This person's credentials, newest first, each with its public address."""
    return {
        "items": [
            dict(
                uuid=c.uuid,
                kind=c.kind,
                title=c.title,
                credits=c.credits,
                hours=str(Hours.of(c.minutes).value),
                issued_at=c.issued_at,
                revoked_at=c.revoked_at,
                url=url_for_credential(c),
            )
            for c in credentials_of(user)
        ]
    }
