from decimal import Decimal

import pytest

from learnhub.core.errors import DomainError
from learnhub.credits import services as credits
from learnhub.credits.models import LedgerEntry
from learnhub.extensions import db


def test_award_is_idempotent_per_source(make_user):
    worker = make_user("worker1")
    entry, created = credits.award(
        worker, kind="module", source_type="module", source_id=7, credits=Decimal("0.25"), minutes=20
    )
    again, created_again = credits.award(
        worker, kind="module", source_type="module", source_id=7, credits=Decimal("0.25"), minutes=20
    )
    assert created and not created_again and again.id == entry.id
    assert credits.balance(credits.get_account(worker)) == (Decimal("0.25"), 20)


def test_the_database_refuses_to_edit_or_delete_a_ledger_entry(make_user):
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    worker = make_user("worker1")
    entry, _ = credits.award(
        worker, kind="module", source_type="module", source_id=1, credits=Decimal("1.5"), minutes=30
    )
    for statement in (
        "UPDATE ledger_entry SET credits = 99 WHERE id = :id",
        "UPDATE ledger_entry SET note = 'x' WHERE id = :id",
        "DELETE FROM ledger_entry WHERE id = :id",
    ):
        with pytest.raises(DBAPIError, match="append-only"), db.session.begin_nested():
            db.session.execute(text(statement), {"id": entry.id})
    db.session.expire_all()
    assert db.session.get(type(entry), entry.id).credits == Decimal("1.5")


def test_one_account_per_worker(make_user):
    worker = make_user("worker1")
    assert credits.ensure_account(worker).id == credits.ensure_account(worker).id


def test_reversal_cancels_once_and_never_edits(make_user, tree):
    worker = make_user("worker1")
    admin = make_user("admin1", role="admin", org=tree.city_a)
    entry, _ = credits.award(
        worker, kind="module", source_type="module", source_id=1, credits=Decimal("1.5"), minutes=30
    )
    reversal = credits.reverse_entry(entry, reason="重复记录", created_by=admin)
    assert (reversal.credits, reversal.minutes, reversal.reverses_id) == (Decimal("-1.5"), -30, entry.id)
    assert (entry.credits, entry.minutes) == (Decimal("1.5"), 30)  # the original stays as it was
    assert credits.balance(credits.get_account(worker)) == (Decimal("0.00"), 0)
    with pytest.raises(DomainError):
        credits.reverse_entry(entry, reason="再来一次", created_by=admin)
    with pytest.raises(DomainError):
        credits.reverse_entry(reversal, reason="冲正的冲正", created_by=admin)
    with pytest.raises(DomainError):
        credits.reverse_entry(entry, reason="   ", created_by=admin)
    assert db.session.scalar(db.select(db.func.count()).select_from(LedgerEntry)) == 2


@pytest.mark.parametrize("text", ["NaN", "inf", "-1", "1e309", "1_000", "１", "1.234", "abc", "", "1000000"])
def test_credit_amounts_typed_by_people_are_checked(text):
    with pytest.raises(DomainError):
        credits.parse_credits(text)


def test_credit_amounts_that_make_sense():
    assert credits.parse_credits("0") == Decimal("0")
    assert credits.parse_credits(" 2.5 ") == Decimal("2.5")
    assert credits.parse_credits("999999.99") == Decimal("999999.99")
