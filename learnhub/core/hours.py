"""What a 学时 is, and one rounding rule for hours, so that every total is the sum of its rows.

**One 学时 is MINUTES_PER_XUESHI minutes** (config, 45 by default: a class period, as
continuing education counts it). Every page, export and credential shows hours in 学时 of
that length, and every hour a person types (a pathway's requirement, prior learning) is read
in them: `minutes_per_xueshi()` is the one place that says how long one is. The rollups
store hours as shown (below), so a deployment that changes the length runs `flask stats
rebuild` after the change.

The ledger pays whole minutes; people read hours (学时) with one decimal. Rounding each
figure on its own breaks the sums: three entries of 50 minutes show 0.8 each and a total
of 2.5, not 2.4. So the rule is:

- **Round once, at the ledger entry.** An entry's minutes become tenths of a 学时, half
  away from zero (of 45 minutes: 50 min -> 1.1, 2 min -> 0.0, 3 min -> 0.1, -50 min -> -1.1, so a reversal cancels
  the entry it reverses exactly). `tenths(minutes)` in Python, `tenths_sql(column)` in a
  query: the same rule.
- **Never round a total.** A total of hours (an account, a union, a month, a course, a
  pathway) is the sum of its entries' tenths, held as an `Hours`; adding `Hours` adds
  tenths, and nothing rounds an `Hours` again. A breakdown of a total (by union, month,
  category, person) then adds up to it at every level, on the page and in its exports.
- **Credits need no rounding**: they are paid in hundredths (Numeric(8, 2)) and shown to the
  hundredth, so their totals are plain sums.

Figures that are not sums (a course's declared length, a pathway's requirement, the
declared and measured time of one entry) are single values: `Hours.of(minutes)` rounds them
by the same rule. Averages and percentages are not totals; they say what they average.
The `hours` template filter and the spreadsheet exports (`stats.report`) take an `Hours` or
whole minutes and show the same tenths.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import total_ordering

from flask import current_app, has_app_context
from sqlalchemy import case

DEFAULT_MINUTES_PER_XUESHI = 45


def minutes_per_xueshi():
    """How many minutes one 学时 is in this deployment (config MINUTES_PER_XUESHI, 45)."""
    if has_app_context():
        return int(current_app.config.get("MINUTES_PER_XUESHI", DEFAULT_MINUTES_PER_XUESHI))
    return DEFAULT_MINUTES_PER_XUESHI


def tenths(minutes):
    """Whole minutes as tenths of a 学时, half away from zero (of 45: 50 -> 11, -50 -> -11)."""
    per = minutes_per_xueshi()
    minutes = int(minutes or 0)
    shown = (abs(minutes) * 10 * 2 + per) // (2 * per)
    return shown if minutes >= 0 else -shown


def tenths_sql(minutes, per=None):
    """The same rounding as `tenths`, as a SQL expression over a column of whole minutes.

    `per`: the minutes of a 学时 (the deployment's, by default), or a bound parameter of a
    statement built once.
    """
    # Integer division of 2|m|·10 + per by 2·per is |m|·10/per rounded half up (an odd `per`
    # has no whole half); |m| is never negative, so floor and truncation agree on every database.
    per = minutes_per_xueshi() if per is None else per
    return case(
        (minutes >= 0, (minutes * 20 + per) // (2 * per)),
        else_=-((-minutes * 20 + per) // (2 * per)),
    )


def minutes_of(hours):
    """学时 a person typed (a Decimal or its text: '2.5') as whole minutes, half up."""
    try:
        value = Decimal(hours)
    except (InvalidOperation, TypeError, ValueError):
        raise ValueError(f"not a number of hours: {hours!r}") from None
    return int((value * minutes_per_xueshi()).to_integral_value(rounding=ROUND_HALF_UP))


def hours_text(minutes):
    """Whole minutes as 学时 to put back in a form: '2.5', '60', or to the hundredth ('2.22')."""
    value = (Decimal(int(minutes or 0)) / minutes_per_xueshi()).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return f"{value.normalize():f}"


@total_ordering
class Hours:
    """Hours as shown: a whole number of tenths. Sums add tenths and never round again."""

    __slots__ = ("tenths",)

    def __init__(self, tenths=0):
        self.tenths = int(tenths or 0)

    @classmethod
    def of(cls, minutes):
        """The hours one entry (or one single figure) of whole minutes shows."""
        return cls(tenths(minutes))

    @classmethod
    def total(cls, minutes_of_rows):
        """The sum of the rows' hours as shown (not the rounded sum of their minutes)."""
        return cls(sum(tenths(m) for m in minutes_of_rows))

    @property
    def value(self):
        """A Decimal with one decimal, for formatting and spreadsheets: 2.5."""
        return Decimal(self.tenths).scaleb(-1)

    def __add__(self, other):
        if isinstance(other, Hours):
            return Hours(self.tenths + other.tenths)
        if other == 0 or other is None:  # sum() starts from 0
            return self
        return NotImplemented

    __radd__ = __add__

    def __sub__(self, other):
        if isinstance(other, Hours):
            return Hours(self.tenths - other.tenths)
        if other == 0 or other is None:
            return self
        return NotImplemented

    def __neg__(self):
        return Hours(-self.tenths)

    def __eq__(self, other):
        if isinstance(other, Hours):
            return self.tenths == other.tenths
        if other == 0:
            return self.tenths == 0
        return NotImplemented

    def __lt__(self, other):
        if isinstance(other, Hours):
            return self.tenths < other.tenths
        return NotImplemented

    def __hash__(self):
        return hash(self.tenths)

    def __bool__(self):
        return bool(self.tenths)

    def __repr__(self):
        return f"Hours({self.value})"


def as_hours(value):
    """An `Hours` as is; whole minutes (one entry, one figure) rounded by the rule."""
    if isinstance(value, Hours):
        return value
    return Hours.of(value)
