"""The period a dashboard covers: this month, the last 30 days, this year, or chosen dates."""

from dataclasses import dataclass
from datetime import date, timedelta

from learnhub.core.errors import DomainError
from learnhub.core.i18n import gettext as _
from learnhub.core.i18n import lazy_gettext as _l

PERIODS = {
    "month": _l("This month"),
    "30d": _l("Last 30 days"),
    "year": _l("This year"),
    "custom": _l("Chosen dates"),
}
DEFAULT = "month"
MAX_DAYS = 3 * 366  # a custom period of at most about three years
EARLIEST = date(2000, 1, 1)


@dataclass(frozen=True)
class Period:
    key: str
    start: date
    end: date  # inclusive

    @property
    def label(self):
        return PERIODS[self.key]

    @property
    def days(self):
        return (self.end - self.start).days + 1

    def args(self):
        """The query-string arguments that name this period again."""
        if self.key == "custom":
            return {"period": "custom", "start": self.start.isoformat(), "end": self.end.isoformat()}
        return {"period": self.key}


def make_period(key, today, start=None, end=None):
    """The period `key` as seen on `today` (a Beijing date)."""
    if key == "30d":
        return Period(key, today - timedelta(days=29), today)
    if key == "year":
        return Period(key, today.replace(month=1, day=1), today)
    if key == "custom":
        return Period(key, start, end)
    return Period("month", today.replace(day=1), today)


def _parse_date(text, field):
    try:
        return date.fromisoformat(str(text or "").strip()[:10])
    except ValueError:
        raise DomainError(_("Enter a date such as 2026-03-01."), field) from None


def parse_period(args, today):
    """The period asked for in the query string; a DomainError for dates that make no sense."""
    key = args.get("period") or DEFAULT
    if key not in PERIODS:
        key = DEFAULT
    if key != "custom":
        return make_period(key, today)
    start = _parse_date(args.get("start"), "start")
    end = _parse_date(args.get("end"), "end")
    if start < EARLIEST:
        raise DomainError(_("The start date is too early."), "start")
    if end > today:
        end = today  # nothing has happened yet after today
    if start > end:
        raise DomainError(_("The start date must not be after the end date."), "start")
    if (end - start).days + 1 > MAX_DAYS:
        raise DomainError(_("Choose a period of at most three years."), "start")
    return make_period("custom", today, start, end)


def month_start(day):
    return day.replace(day=1)


def add_months(day, months):
    """The first day of the month `months` after (or before) `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def trend_months(period):
    """The months a trend shows: the period's own months when it spans more than a year,
    otherwise the twelve months up to the period's end, so a short period still has a trend."""
    last = month_start(period.end)
    first = month_start(period.start)
    if (last.year - first.year) * 12 + last.month - first.month < 12:
        first = add_months(last, -11)
    months = []
    while first <= last:
        months.append(first)
        first = add_months(first, 1)
    return months
