"""Report periods: inclusive local dates, comparisons, parsing, time zones and bucketing.

A :class:`Period` is a range of *local* calendar dates in the shop's time zone, both ends included
(``2025-03-01..2025-03-31`` is March). Timestamps in the store are UTC; a report turns the period
into the UTC instants of local midnight (:func:`utc_bounds`) to select rows, and buckets them by
their local date (``timezone(tz, created_at)::DATE`` in DuckDB). So an order placed at 23:30 UTC on
31 March belongs to 1 April in Europe/Berlin.

Weeks start on the shop's ``week_start`` (monday, sunday or saturday); a week bucket is labelled with
the date of its first day (which may fall before the period's start).
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..errors import ParameterError

__all__ = [
    "GRAINS",
    "RELATIVE_PERIODS",
    "WEEK_STARTS",
    "Period",
    "bucket_sql",
    "local_date_sql",
    "parse_period",
    "utc_bounds",
    "week_start_of",
]

GRAINS = ("day", "week", "month")
WEEK_STARTS = ("monday", "sunday", "saturday")
RELATIVE_PERIODS = ("today", "yesterday", "last_7_days", "last_30_days", "last_90_days", "this_week",
                    "last_week", "this_month", "last_month", "this_quarter", "last_quarter", "this_year",
                    "last_year")
# Python weekday() of the first day of the week.
_FIRST_WEEKDAY = {"monday": 0, "sunday": 6, "saturday": 5}


def _shift_year(d: date, years: int) -> date:
    """The same month and day ``years`` later/earlier; 29 February becomes 28 February."""
    y = d.year + years
    return d.replace(year=y, day=min(d.day, calendar.monthrange(y, d.month)[1]))


@dataclass(frozen=True, order=True)
class Period:
    """Local dates ``start..end``, both included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        for name in ("start", "end"):
            v = getattr(self, name)
            if isinstance(v, datetime):
                object.__setattr__(self, name, v.date())
            elif not isinstance(v, date):
                raise ParameterError(f"The period's {name} must be a date, not {v!r}.")
        if self.start > self.end:
            raise ParameterError(f"The period {self.start}..{self.end} is empty: its start is after its end.")

    @property
    def days(self) -> int:
        """Number of days, both ends included."""
        return (self.end - self.start).days + 1

    def previous(self) -> "Period":
        """The period of the same length immediately before."""
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def last_year(self) -> "Period":
        """The same dates one year earlier (29 February becomes 28 February)."""
        return Period(_shift_year(self.start, -1), _shift_year(self.end, -1))

    def contains(self, d: date) -> bool:
        return self.start <= d <= self.end

    def dates(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range(self.days)]

    @property
    def label(self) -> str:
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    def __str__(self) -> str:
        return self.label


def week_start_of(d: date, week_start: str = "monday") -> date:
    """The first day of the week holding ``d``."""
    first = _FIRST_WEEKDAY[_check_week_start(week_start)]
    return d - timedelta(days=(d.weekday() - first) % 7)


def _check_week_start(week_start: str) -> str:
    ws = (week_start or "monday").strip().lower()
    if ws not in _FIRST_WEEKDAY:
        raise ParameterError(f"Unknown week start {week_start!r}: use monday, sunday or saturday.")
    return ws


def _month(y: int, m: int) -> Period:
    return Period(date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1]))


def _quarter(y: int, q: int) -> Period:
    return Period(date(y, 3 * q - 2, 1), _month(y, 3 * q).end)


def _to_date(value, what: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ParameterError(f"{value!r} is not a date for the {what} of the period; write it as YYYY-MM-DD, "
                         f"e.g. 2025-03-01.")


_RANGE = re.compile(r"^\s*(\S+)\s*(?:\.\.|/|\s+to\s+)\s*(\S+)\s*$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-?[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")
_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)


def parse_period(text_or_start, end=None, *, today: date | None = None, week_start: str = "monday") -> Period:
    """A :class:`Period` from text, a pair of dates, or a Period.

    Accepted: ``Period``; ``(start, end)`` dates or ISO strings; ``"2025-03-01..2025-03-31"``;
    ``"2025-03-05"`` (one day); ``"2025-03"`` (a month); ``"2025-Q1"``; ``"2025"``; ``"2025-W10"``
    (ISO week); and relative names (complete days up to yesterday unless ``this_*``/``today``):
    ``today``, ``yesterday``, ``last_7_days``, ``last_30_days``, ``last_90_days`` (the N days ending
    yesterday), ``this_week``/``this_month``/``this_quarter``/``this_year`` (to date, today included),
    ``last_week`` (the last complete week, starting on ``week_start``), ``last_month``,
    ``last_quarter``, ``last_year``. ``today`` defaults to the computer's date; reports pass the
    shop's local date.

    Raises :class:`ParameterError` for anything else, and for an empty period (start after end).
    """
    if isinstance(text_or_start, Period) and end is None:
        return text_or_start
    if end is not None:
        return Period(_to_date(text_or_start, "start"), _to_date(end, "end"))
    if isinstance(text_or_start, (tuple, list)) and len(text_or_start) == 2:
        return parse_period(text_or_start[0], text_or_start[1])
    if isinstance(text_or_start, (date, datetime)):
        d = _to_date(text_or_start, "start")
        return Period(d, d)
    if not isinstance(text_or_start, str) or not text_or_start.strip():
        raise ParameterError(f"No period given ({text_or_start!r}); write e.g. 2025-03, 2025-Q1, "
                             f"2025-03-01..2025-03-31 or last_30_days.")
    text = text_or_start.strip()
    m = _RANGE.match(text)
    if m:
        return Period(_to_date(m.group(1), "start"), _to_date(m.group(2), "end"))
    try:
        if m := _MONTH.match(text):
            y, mo = int(m.group(1)), int(m.group(2))
            if not 1 <= mo <= 12:
                raise ValueError
            return _month(y, mo)
        if m := _QUARTER.match(text):
            return _quarter(int(m.group(1)), int(m.group(2)))
        if m := _YEAR.match(text):
            y = int(m.group(1))
            return Period(date(y, 1, 1), date(y, 12, 31))
        if m := _WEEK.match(text):
            monday = date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
            return Period(monday, monday + timedelta(days=6))
    except ValueError:
        raise ParameterError(f"{text!r} is not a valid period.") from None
    key = text.lower().replace("-", "_").replace(" ", "_")
    if key in RELATIVE_PERIODS:
        return _relative(key, today or date.today(), _check_week_start(week_start))
    try:
        d = date.fromisoformat(text)
        return Period(d, d)
    except ValueError:
        pass
    raise ParameterError(
        f"{text!r} is not a period I understand. Write a range (2025-03-01..2025-03-31), a month (2025-03), "
        f"a quarter (2025-Q1), a year (2025), a week (2025-W10) or one of: {', '.join(RELATIVE_PERIODS)}.")


def _relative(key: str, today: date, week_start: str) -> Period:
    yesterday = today - timedelta(days=1)
    if key == "today":
        return Period(today, today)
    if key == "yesterday":
        return Period(yesterday, yesterday)
    if key.startswith("last_") and key.endswith("_days"):
        n = int(key[5:-5])
        return Period(today - timedelta(days=n), yesterday)
    if key == "this_week":
        return Period(week_start_of(today, week_start), today)
    if key == "last_week":
        first = week_start_of(today, week_start) - timedelta(days=7)
        return Period(first, first + timedelta(days=6))
    if key == "this_month":
        return Period(today.replace(day=1), today)
    if key == "last_month":
        prev = today.replace(day=1) - timedelta(days=1)
        return _month(prev.year, prev.month)
    q = (today.month - 1) // 3 + 1
    if key == "this_quarter":
        return Period(_quarter(today.year, q).start, today)
    if key == "last_quarter":
        return _quarter(today.year, q - 1) if q > 1 else _quarter(today.year - 1, 4)
    if key == "this_year":
        return Period(date(today.year, 1, 1), today)
    if key == "last_year":
        return Period(date(today.year - 1, 1, 1), date(today.year - 1, 12, 31))
    raise AssertionError(key)  # pragma: no cover


def _zone(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ParameterError(f"Unknown time zone {tz!r}; use an IANA name such as Europe/Berlin.") from None


def utc_bounds(period: Period, tz: str) -> tuple[datetime, datetime]:
    """The UTC instants ``[lo, hi)`` of local midnight at the start and after the end of ``period``."""
    zone = _zone(tz)
    utc = ZoneInfo("UTC")
    lo = datetime.combine(period.start, time(0), tzinfo=zone).astimezone(utc)
    hi = datetime.combine(period.end + timedelta(days=1), time(0), tzinfo=zone).astimezone(utc)
    return lo, hi


def local_date_sql(column: str, tz_param: str = "$tz") -> str:
    """SQL for the local date of a TIMESTAMPTZ column in the shop's time zone (a bound parameter)."""
    return f"CAST(timezone({tz_param}, {column}) AS DATE)"


def bucket_sql(date_expr: str, grain: str = "day", week_start: str = "monday") -> str:
    """SQL that maps a DATE expression to the first date of its day/week/month bucket."""
    grain = (grain or "day").lower()
    if grain not in GRAINS:
        raise ParameterError(f"Unknown grain {grain!r}: use day, week or month.")
    if grain == "day":
        return f"CAST({date_expr} AS DATE)"
    if grain == "month":
        return f"CAST(date_trunc('month', {date_expr}) AS DATE)"
    # date_trunc('week') starts on Monday; shift so that week_start lands on a Monday, then back.
    shift = {"monday": 0, "sunday": 1, "saturday": 2}[_check_week_start(week_start)]
    if shift == 0:
        return f"CAST(date_trunc('week', {date_expr}) AS DATE)"
    return f"CAST(CAST(date_trunc('week', CAST({date_expr} AS DATE) + {shift}) AS DATE) - {shift} AS DATE)"
