from decimal import Decimal

from sqlalchemy import literal, select

from learnhub.core.hours import Hours, hours_text, minutes_of, minutes_per_xueshi, tenths, tenths_sql
from learnhub.core.templating import format_hours
from learnhub.extensions import db


def test_an_entry_rounds_once_half_away_from_zero():
    # One 学时 is 45 minutes: 50 minutes show 1.1, 45 show 1.0, 2 show nothing.
    assert [tenths(m) for m in (0, 2, 3, 45, 50, 57, 150, -3, -50)] == [0, 0, 1, 10, 11, 13, 33, -1, -11]


def test_one_xueshi_is_as_long_as_the_deployment_says(app):
    assert app.config["MINUTES_PER_XUESHI"] == 45 and minutes_per_xueshi() == 45
    assert minutes_of("2.5") == 113 and minutes_of(60) == 2700 and hours_text(2700) == "60"
    app.config["MINUTES_PER_XUESHI"] = 60
    try:
        assert tenths(50) == 8 and minutes_of("2.5") == 150 and hours_text(100) == "1.67"
        assert db.session.scalar(select(tenths_sql(literal(50)))) == 8
    finally:
        app.config["MINUTES_PER_XUESHI"] = 45


def test_sql_rounds_by_the_same_rule(app):
    for minutes in (0, 2, 3, 8, 9, 50, 57, 150, 1_000_003, -3, -50, -57):
        assert db.session.scalar(select(tenths_sql(literal(minutes)))) == tenths(minutes), minutes


def test_a_total_is_the_sum_of_its_rows_as_shown():
    rows = [7, 7, 7]  # 0.2 学时 each; their 21 minutes alone would round to 0.5
    total = Hours.total(rows)
    assert total == sum(Hours.of(m) for m in rows) and total.value == Decimal("0.6")
    assert Hours.of(50) - Hours.of(50) == 0 and not Hours()


def test_the_filter_shows_minutes_and_totals_by_the_rule(app):
    with app.test_request_context():
        assert format_hours(50) == "1.1"
        assert format_hours(Hours.total([7, 7, 7])) == "0.6"
        assert format_hours(None) == "0"
