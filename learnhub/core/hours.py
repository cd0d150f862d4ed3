"""One rounding rule for learning hours, so that every total is the sum of its rows.

The ledger pays whole minutes; people read hours (学时) with one decimal. Rounding each
figure on its own breaks the sums: three entries of 50 minutes show 0.8 each and a total
of 2.5, not 2.4. So the rule is:

- **Round once, at the ledger entry.** An entry's minutes become tenths of an hour, half
  away from zero (50 min -> 0.8 h, 3 min -> 0.1 h, -50 min -> -0.8 h, so a reversal cancels
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

from decimal import Decimal
from functools import total_ordering

from sqlalchemy import case

MINUTES_PER_HOUR = 60


def tenths(minutes):
    """Whole minutes as tenths of an hour, half away from zero: 50 -> 8, 3 -> 1, -50 -> -8."""
    minutes = int(minutes or 0)
    shown = (abs(minutes) * 10 + MINUTES_PER_HOUR // 2) // MINUTES_PER_HOUR
    return shown if minutes >= 0 else -shown


def tenths_sql(minutes):
    """The same rounding as `tenths`, as a SQL expression over a column of whole minutes."""
    # Integer division of |m| (never negative, so floor and truncation agree on every database).
    half = MINUTES_PER_HOUR // 2
    return case(
        (minutes >= 0, (minutes * 10 + half) // MINUTES_PER_HOUR),
        else_=-((-minutes * 10 + half) // MINUTES_PER_HOUR),
    )


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
