"""What the API reads for a caller, a page at a time (cursor pagination), in a bounded number of queries.

A cursor is opaque to callers: the id of the last row of the page before, encoded. Rows come in
id order, so a page never repeats or skips a row however the table grows meanwhile.
"""

import base64
import binascii
from datetime import timedelta

from flask import current_app
from sqlalchemy import and_, select

from learnhub.accounts.models import User
from learnhub.api import unions
from learnhub.catalog.models import Course, Module, ModuleRevision
from learnhub.catalog.services import catalogue_query
from learnhub.core.db import read_session, utcnow
from learnhub.core.errors import DomainError
from learnhub.core.hours import Hours
from learnhub.core.i18n import gettext as _
from learnhub.credits.models import Account, LedgerEntry
from learnhub.credits.services import get_account, shown_totals
from learnhub.extensions import db
from learnhub.learning.models import Enrolment, Progress
from learnhub.learning.services import modules_done
from learnhub.orgs.models import Org
from learnhub.orgs.services import get_org_in_scope, subtree_filter
from learnhub.recognition.credentials import credentials_of
from learnhub.stats import required
from learnhub.stats.figures import dashboard
from learnhub.stats.periods import parse_period
from learnhub.stats.rollups import today


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
    counts = modules_done(user, [e.course_id for e, _c in rows])
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


# ---------------------------------------------------------------- for union systems, within their subtree


def _org_ref(org):
    return None if org is None else {"id": org.id, "name": org.name}


def roster_page(client, args):
    """A page of the people of the client's subtree (or of one union in it), by id, with their external ids."""
    scope = client.org
    if args.get("union"):
        scope = get_org_in_scope(args["union"], client.org)  # NotFound outside the subtree
    stmt = select(User).join(Org, Org.id == User.org_id).where(subtree_filter(scope))
    rows, cursor = _page(stmt, User.id, args.get("cursor"), args["limit"])
    people = [row[0] for row in rows]
    links = unions.links_of(client, [p.id for p in people])
    return {"items": [worker_row(p, links.get(p.id)) for p in people], "next_cursor": cursor}


def worker_row(person, external_id):
    """A person as a union system reads them: the phone masked, as on the admins' pages."""
    return dict(
        id=person.id,
        external_id=external_id,
        name=person.name,
        phone=person.masked_phone if person.phone else None,
        union=_org_ref(person.org),
        occupation=person.occupation,
        skill_level=person.skill_level,
        is_active=person.is_active,
    )


def requirements(client):
    """The required courses that apply to the client's union, with how many of its workers finished."""
    session = read_session()
    items = []
    for requirement in required.requirements_for(client.org):
        rows = required.progress_by_child(session, client.org, requirement)
        items.append(
            dict(
                id=requirement.id,
                course=requirement.course.slug,
                title=requirement.course.title,
                due_on=requirement.due_on,
                set_by=_org_ref(requirement.org),
                workers=sum(r[1] for r in rows),
                finished=sum(r[2] for r in rows),
            )
        )
    return {"items": items}


def _figures(figures):
    return dict(
        workers=figures.workers,
        active_7=figures.active_7,
        active_30=figures.active_30,
        enrolments=figures.enrolments,
        completions=figures.completions,
        credits=figures.credits,
        hours=str(figures.hours.value),
    )


def statistics(client, args):
    """The dashboard's figures for the client's union over a period: total, child unions, categories."""
    day = today()
    period = parse_period({k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in args.items()}, day)
    board = dashboard(read_session(), client.org, period, day)
    return dict(
        union=_org_ref(client.org),
        start=period.start,
        end=period.end,
        total=_figures(board.total),
        unions=[dict(_figures(f), union=_org_ref(org)) for org, f in board.children],
        categories=[dict(_figures(f), category=code) for code, _label, f in board.categories],
        as_of=board.as_of,
    )


def completions_feed(client, args):
    """Courses completed by people of the client's subtree, in the order the ledger recorded them.

    The cursor of the last page is kept and asked with again later: the feed then gives what
    came since (an empty page keeps the same cursor).

    Ids are drawn when a row is written, not when its transaction commits: while one request's
    completion (id 100) is still uncommitted, another's (id 101) may already be visible. So the
    feed stops at the first entry younger than API_FEED_SETTLE_SECONDS; by the time an entry is
    that old, every entry below it has committed or never will, and the cursor passes none by.
    """
    stmt = (
        select(LedgerEntry, User.id, Course.slug)
        .join(Account, Account.id == LedgerEntry.account_id)
        .join(User, User.id == Account.user_id)
        .join(Org, Org.id == User.org_id)
        .outerjoin(Course, Course.id == LedgerEntry.course_id)
        .where(LedgerEntry.kind == "course", subtree_filter(client.org))
    )
    rows, _more = _page(stmt, LedgerEntry.id, args.get("cursor"), args["limit"])
    settled = utcnow() - timedelta(seconds=current_app.config["API_FEED_SETTLE_SECONDS"])
    young = next((n for n, row in enumerate(rows) if row[0].created_at > settled), None)
    rows = rows[:young]
    links = unions.links_of(client, [user_id for _e, user_id, _s in rows])
    items = [
        dict(
            id=entry.id,
            worker=user_id,
            external_id=links.get(user_id),
            course=slug,
            title=entry.note,
            credits=entry.credits,
            hours=str(Hours.of(entry.minutes).value),
            completed_at=entry.created_at,
        )
        for entry, user_id, slug in rows
    ]
    cursor = encode_cursor(rows[-1][0].id) if rows else args.get("cursor")
    return {"items": items, "next_cursor": cursor}
