"""The learning account: awards, corrections, balances. Append-only; services flush only."""

import re
import secrets
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import Integer, bindparam, func, select

from learnhub.core import audit
from learnhub.core.db import dialect_insert
from learnhub.core.errors import DomainError, NotFound
from learnhub.core.hours import Hours, minutes_per_xueshi, tenths_sql
from learnhub.core.i18n import gettext as _
from learnhub.core.text import clean_line, has_hidden_characters
from learnhub.credits.models import Account, LedgerEntry
from learnhub.credits.signals import entry_reversed
from learnhub.extensions import db

_CREDITS = re.compile(r"^[0-9]{1,6}(\.[0-9]{1,2})?$", re.ASCII)


def get_account(user):
    """The learning account of `user`, or None if they have never earned anything."""
    return db.session.scalar(select(Account).where(Account.user_id == user.id))


# The account and the id of its latest entry, in one statement (built once: see _TOTALS).
_ACCOUNT_AND_LATEST = select(
    Account, select(func.max(LedgerEntry.id)).where(LedgerEntry.account_id == Account.id).scalar_subquery()
).where(Account.user_id == bindparam("user_id"))


def account_and_latest_entry(user):
    """(the learning account of `user` or None, the id of its latest entry or None).

    Entries are never changed or deleted, so the latest id names the whole record as it
    stands: a page made of the ledger alone can be kept under it (credits/views.py).
    """
    row = db.session.execute(_ACCOUNT_AND_LATEST, {"user_id": user.id}).first()
    return (row[0], row[1]) if row else (None, None)


def ensure_account(user):
    """The learning account of `user`, opened on first use; safe when two requests race."""
    account = get_account(user)
    if account is not None:
        return account
    number = f"{datetime.now(UTC):%Y}{secrets.randbelow(10**10):010d}"
    db.session.execute(
        dialect_insert(Account)
        .values(user_id=user.id, number=number, created_at=datetime.now(UTC))
        .on_conflict_do_nothing(index_elements=["user_id"])
    )
    return db.session.scalars(select(Account).where(Account.user_id == user.id)).one()


def award(
    user,
    *,
    kind,
    source_type,
    source_id,
    credits,
    minutes,
    note="",
    created_by=None,
    module=None,
    course=None,
    declared_minutes=None,
    measured_minutes=None,
):
    """Pay credits and minutes into `user`'s account, once per (kind, source).

    `module` and `course` link the entry to what was learned; `declared_minutes` and
    `measured_minutes` keep the evidence behind `minutes`. Returns (entry, created). A second
    call for the same source returns the first entry and writes nothing, even when the two
    calls race on different servers.
    """
    credits = Decimal(credits).quantize(Decimal("0.01"))
    if credits < 0 or minutes < 0:
        raise DomainError(_("An award cannot be negative."))
    account = ensure_account(user)
    key = dict(account_id=account.id, kind=kind, source_type=source_type, source_id=str(source_id))
    # RETURNING the row tells whether this call wrote it, and saves reading it back.
    inserted = db.session.scalars(
        dialect_insert(LedgerEntry)
        .values(
            **key,
            credits=credits,
            minutes=int(minutes),
            note=note[:200],
            created_at=datetime.now(UTC),
            created_by_id=created_by.id if created_by else None,
            module_id=module.id if module else None,
            course_id=course.id if course else None,
            declared_minutes=declared_minutes,
            measured_minutes=measured_minutes,
        )
        .on_conflict_do_nothing(index_elements=list(key))
        .returning(LedgerEntry)
    ).first()
    if inserted is not None:
        return inserted, True
    return db.session.scalars(select(LedgerEntry).filter_by(**key)).one(), False


def parse_reason(text):
    """A correction's reason: required, one line, at most 200 characters."""
    reason = clean_line(text)
    if not reason or has_hidden_characters(reason):
        raise DomainError(_("Give the reason for the correction."), "reason")
    if len(reason) > 200:
        raise DomainError(_("The reason has at most 200 characters."), "reason")
    return reason


def reverse_entry(entry, *, reason, created_by):
    """Post a correction that cancels `entry`; an entry is reversed at most once."""
    if entry.kind == "reversal":
        raise DomainError(_("A correction cannot itself be reversed."))
    reason = parse_reason(reason)
    inserted = db.session.execute(
        dialect_insert(LedgerEntry)
        .values(
            account_id=entry.account_id,
            kind="reversal",
            source_type="ledger_entry",
            source_id=str(entry.id),
            credits=-entry.credits,
            minutes=-entry.minutes,
            note=reason,
            created_at=datetime.now(UTC),
            created_by_id=created_by.id,
            reverses_id=entry.id,
            module_id=entry.module_id,
            course_id=entry.course_id,
        )
        .on_conflict_do_nothing()
        .returning(LedgerEntry.id)
    ).first()
    if inserted is None:
        raise DomainError(_("This entry has already been corrected."))
    owner = db.session.get(Account, entry.account_id).user_id
    org_path, name = _path_and_name_of(owner)
    audit.record(
        created_by,
        "ledger.reverse",
        "ledger_entry",
        entry.id,
        org_path,
        person=name,
        entry=entry.note or "",
        credits=str(entry.credits),
        minutes=entry.minutes,
        reason=reason,
    )
    reversal = db.session.scalars(select(LedgerEntry).where(LedgerEntry.reverses_id == entry.id)).one()
    entry_reversed.send(entry, reversal=reversal, user_id=owner)
    return reversal


def _path_and_name_of(user_id):
    """(path of the person's union, the person's name): where a correction is audited, and for whom."""
    from learnhub.accounts.models import User
    from learnhub.orgs.models import Org

    return db.session.execute(
        select(Org.path, User.name).join(User, User.org_id == Org.id).where(User.id == user_id)
    ).one()


def balance(account):
    """(credits, minutes) on the account: the sum of its entries."""
    if account is None:
        return Decimal("0.00"), 0
    credits, minutes = db.session.execute(
        select(func.coalesce(func.sum(LedgerEntry.credits), 0), func.coalesce(func.sum(LedgerEntry.minutes), 0)).where(
            LedgerEntry.account_id == account.id
        )
    ).one()
    return Decimal(credits).quantize(Decimal("0.01")), int(minutes)


# On the home page and the record, so built once (building it cost a tenth of the home page).
_SUMS = select(
    func.coalesce(func.sum(LedgerEntry.credits), 0),
    func.coalesce(func.sum(tenths_sql(LedgerEntry.minutes, per=bindparam("per", type_=Integer))), 0),
)
_TOTALS = _SUMS.where(LedgerEntry.account_id == bindparam("account_id"))
_TOTALS_OF_YEAR = _TOTALS.where(
    LedgerEntry.created_at >= bindparam("start", type_=LedgerEntry.created_at.type),
    LedgerEntry.created_at < bindparam("end", type_=LedgerEntry.created_at.type),
)
_TOTALS_OF_USER = _SUMS.join(Account, Account.id == LedgerEntry.account_id).where(
    Account.user_id == bindparam("user_id")
)


def shown_totals(account, year=None):
    """(credits, Hours) as the record shows them: the sums of its rows, optionally of one year.

    Hours are each entry's hours as shown, added up (core.hours), so the total under the
    record's rows is their sum; `balance` keeps the exact minutes for rules that need them.
    """
    if account is None:
        return Decimal("0.00"), Hours()
    values = {"account_id": account.id, "per": minutes_per_xueshi()}
    if year is None:
        credits, shown = db.session.execute(_TOTALS, values).one()
    else:
        values["start"], values["end"] = _year_bounds(year)
        credits, shown = db.session.execute(_TOTALS_OF_YEAR, values).one()
    return Decimal(credits).quantize(Decimal("0.01")), Hours(shown)


def shown_totals_of(user):
    """(credits, Hours) of `user`'s whole record, as shown_totals gives them: one query, no account read."""
    credits, shown = db.session.execute(_TOTALS_OF_USER, {"user_id": user.id, "per": minutes_per_xueshi()}).one()
    return Decimal(credits).quantize(Decimal("0.01")), Hours(shown)


def course_totals(account, course_id):
    """(credits, Hours) the account's entries of one course come to, corrections included, as shown."""
    if account is None:
        return Decimal("0.00"), Hours()
    credits, shown = db.session.execute(
        select(
            func.coalesce(func.sum(LedgerEntry.credits), 0), func.coalesce(func.sum(tenths_sql(LedgerEntry.minutes)), 0)
        ).where(LedgerEntry.account_id == account.id, LedgerEntry.course_id == course_id)
    ).one()
    return Decimal(credits).quantize(Decimal("0.01")), Hours(shown)


def _year_bounds(year):
    """The first moment of a calendar year (UTC) and of the next."""
    start = datetime(year, 1, 1, tzinfo=UTC)
    return start, start.replace(year=year + 1)


def entries_query(account, year=None):
    """A SELECT of the account's entries, newest first, optionally of one calendar year (UTC)."""
    stmt = select(LedgerEntry).where(LedgerEntry.account_id == (account.id if account else -1))
    if year is not None:
        start, end = _year_bounds(year)
        stmt = stmt.where(LedgerEntry.created_at >= start, LedgerEntry.created_at < end)
    return stmt.order_by(LedgerEntry.created_at.desc(), LedgerEntry.id.desc())


def entry_years(account):
    """The years in which the account has entries, newest first."""
    if account is None:
        return []
    dates = db.session.scalars(select(LedgerEntry.created_at).where(LedgerEntry.account_id == account.id))
    return sorted({d.year for d in dates}, reverse=True)


def get_entry(entry_id):
    """The ledger entry with this id, or NotFound."""
    try:
        entry = db.session.get(LedgerEntry, int(entry_id))
    except (TypeError, ValueError, OverflowError):
        entry = None
    if entry is None:
        raise NotFound(_("Entry not found."))
    return entry


def parse_credits(text, field="credits"):
    """Credits typed by a person: a plain decimal, 0 to 999999.99, two places at most."""
    # ASCII digits only: Decimal() would also take '1_000', 'NaN', 'Infinity' and '１'.
    text = str(text if text is not None else "").strip()
    if not _CREDITS.match(text):
        raise DomainError(_("Enter credits between 0 and 999999.99, with at most two decimal places."), field)
    return Decimal(text)


def entry_links(entries):
    """{entry id: (course slug, module key or None)} for entries that came from a course.

    Two queries for the whole page, however many entries it shows.
    """
    from learnhub.catalog.models import Course, Module

    module_ids = {e.module_id for e in entries if e.module_id is not None}
    course_ids = {e.course_id for e in entries if e.course_id is not None}
    keys = (
        dict(db.session.execute(select(Module.id, Module.key).where(Module.id.in_(module_ids))).all())
        if module_ids
        else {}
    )
    slugs = (
        dict(db.session.execute(select(Course.id, Course.slug).where(Course.id.in_(course_ids))).all())
        if course_ids
        else {}
    )
    return {e.id: (slugs[e.course_id], keys.get(e.module_id)) for e in entries if e.course_id in slugs}
