from decimal import Decimal

from sqlalchemy import literal, select

from learnhub.core.hours import Hours, tenths, tenths_sql
from learnhub.core.templating import format_hours
from learnhub.extensions import db


def test_an_entry_rounds_once_half_away_from_zero():
    assert [tenths(m) for m in (0, 2, 3, 50, 57, 150, -3, -50)] == [0, 0, 1, 8, 10, 25, -1, -8]


def test_sql_rounds_by_the_same_rule(app):
    for minutes in (0, 2, 3, 8, 9, 50, 57, 150, 1_000_003, -3, -50, -57):
        assert db.session.scalar(select(tenths_sql(literal(minutes)))) == tenths(minutes), minutes


def test_a_total_is_the_sum_of_its_rows_as_shown():
    rows = [50, 50, 50]  # 0.8 h each; their 150 minutes alone would round to 2.5
    total = Hours.total(rows)
    assert total == sum(Hours.of(m) for m in rows) and total.value == Decimal("2.4")
    assert Hours.of(50) - Hours.of(50) == 0 and not Hours()


def test_the_filter_shows_minutes_and_totals_by_the_rule(app):
    with app.test_request_context():
        assert format_hours(50) == "0.8"
        assert format_hours(Hours.total([50, 50, 50])) == "2.4"
        assert format_hours(None) == "0"
