"""Periods: parsing, comparisons, week starts, time-zone bounds and SQL bucketing."""
from datetime import date, datetime, timezone

import duckdb
import pytest

from workbench.errors import ParameterError
from workbench.reports.period import Period, bucket_sql, parse_period, utc_bounds, week_start_of

TODAY = date(2025, 3, 12)  # a Wednesday


def P(a, b):
    return Period(date.fromisoformat(a), date.fromisoformat(b))


@pytest.mark.parametrize("text, expected", [
    ("2025-03-01..2025-03-31", P("2025-03-01", "2025-03-31")),
    (" 2025-03-05 .. 2025-03-05 ", P("2025-03-05", "2025-03-05")),
    ("2025-03-01/2025-03-02", P("2025-03-01", "2025-03-02")),
    ("2025-03-07", P("2025-03-07", "2025-03-07")),
    ("2025-03", P("2025-03-01", "2025-03-31")),
    ("2024-02", P("2024-02-01", "2024-02-29")),           # leap year
    ("2025-02", P("2025-02-01", "2025-02-28")),
    ("2025-Q1", P("2025-01-01", "2025-03-31")),
    ("2025q4", P("2025-10-01", "2025-12-31")),
    ("2025", P("2025-01-01", "2025-12-31")),
    ("2025-W10", P("2025-03-03", "2025-03-09")),          # ISO week: Monday 3 March
])
def test_parse_absolute(text, expected):
    assert parse_period(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("today", P("2025-03-12", "2025-03-12")),
    ("yesterday", P("2025-03-11", "2025-03-11")),
    ("last_7_days", P("2025-03-05", "2025-03-11")),       # 7 complete days ending yesterday
    ("last_30_days", P("2025-02-10", "2025-03-11")),
    ("this_month", P("2025-03-01", "2025-03-12")),        # month to date, today included
    ("last_month", P("2025-02-01", "2025-02-28")),
    ("last_week", P("2025-03-03", "2025-03-09")),         # Monday weeks: this week started Mon 10 March
    ("this_week", P("2025-03-10", "2025-03-12")),
    ("this_year", P("2025-01-01", "2025-03-12")),
    ("last_year", P("2024-01-01", "2024-12-31")),
    ("last_quarter", P("2024-10-01", "2024-12-31")),
    ("Last-Month", P("2025-02-01", "2025-02-28")),
])
def test_parse_relative(text, expected):
    assert parse_period(text, today=TODAY) == expected


def test_last_week_depends_on_week_start():
    # Wednesday 12 March 2025: Sunday weeks -> this week began Sun 9 March, last week 2..8 March;
    # Saturday weeks -> this week began Sat 8 March, last week 1..7 March.
    assert parse_period("last_week", today=TODAY, week_start="sunday") == P("2025-03-02", "2025-03-08")
    assert parse_period("last_week", today=TODAY, week_start="saturday") == P("2025-03-01", "2025-03-07")
    assert week_start_of(date(2025, 3, 1), "monday") == date(2025, 2, 24)   # Sat -> Mon before
    assert week_start_of(date(2025, 3, 1), "sunday") == date(2025, 2, 23)
    assert week_start_of(date(2025, 3, 1), "saturday") == date(2025, 3, 1)
    assert week_start_of(date(2025, 3, 2), "sunday") == date(2025, 3, 2)


def test_last_month_in_january_and_today_default():
    assert parse_period("last_month", today=date(2025, 1, 15)) == P("2024-12-01", "2024-12-31")
    assert parse_period("today").start == date.today()


def test_start_end_pairs_and_period_passthrough():
    p = P("2025-03-01", "2025-03-31")
    assert parse_period(p) is p
    assert parse_period("2025-03-01", "2025-03-31") == p
    assert parse_period(date(2025, 3, 1), date(2025, 3, 31)) == p
    assert parse_period(("2025-03-01", "2025-03-31")) == p
    assert parse_period(datetime(2025, 3, 1, 15, 0)) == P("2025-03-01", "2025-03-01")


def test_days_previous_last_year():
    p = P("2025-03-01", "2025-03-31")
    assert p.days == 31
    assert p.previous() == P("2025-01-29", "2025-02-28")      # 31 days immediately before
    assert p.last_year() == P("2024-03-01", "2024-03-31")
    assert P("2024-02-01", "2024-02-29").last_year() == P("2023-02-01", "2023-02-28")  # 29 Feb -> 28 Feb
    assert P("2025-03-05", "2025-03-05").previous() == P("2025-03-04", "2025-03-04")
    assert str(p) == "2025-03-01..2025-03-31"
    assert len(p.dates()) == 31 and p.contains(date(2025, 3, 31)) and not p.contains(date(2025, 4, 1))


@pytest.mark.parametrize("text", ["2025-03-05..2025-03-01"])
def test_empty_period_message(text):
    with pytest.raises(ParameterError) as exc:
        parse_period(text)
    assert str(exc.value) == "The period 2025-03-05..2025-03-01 is empty: its start is after its end."


@pytest.mark.parametrize("bad", ["", "   ", None, "March", "2025-13", "2025-02-30", "2025-Q5", "next_week",
                                 "2025-03-01..", "2025-W60", 42])
def test_invalid_periods(bad):
    with pytest.raises(ParameterError):
        parse_period(bad)


def test_bad_week_start_and_grain():
    with pytest.raises(ParameterError, match="week start"):
        parse_period("last_week", today=TODAY, week_start="friday")
    with pytest.raises(ParameterError, match="grain"):
        bucket_sql("d", "hour")


def test_utc_bounds_follow_the_time_zone():
    # March 2025 in Berlin: starts at 00:00 CET (UTC+1) = 28 Feb 23:00 UTC, ends before
    # 1 April 00:00 CEST (UTC+2, DST from 30 March) = 31 March 22:00 UTC.
    lo, hi = utc_bounds(P("2025-03-01", "2025-03-31"), "Europe/Berlin")
    assert lo == datetime(2025, 2, 28, 23, 0, tzinfo=timezone.utc)
    assert hi == datetime(2025, 3, 31, 22, 0, tzinfo=timezone.utc)
    lo, hi = utc_bounds(P("2025-03-01", "2025-03-01"), "America/New_York")   # UTC-5
    assert (lo, hi) == (datetime(2025, 3, 1, 5, tzinfo=timezone.utc), datetime(2025, 3, 2, 5, tzinfo=timezone.utc))
    with pytest.raises(ParameterError, match="time zone"):
        utc_bounds(P("2025-03-01", "2025-03-01"), "Mars/Olympus")


@pytest.mark.parametrize("grain, week_start, day, bucket", [
    ("day", "monday", "2025-03-01", "2025-03-01"),
    ("week", "monday", "2025-03-01", "2025-02-24"),    # Saturday 1 March -> week of Monday 24 Feb
    ("week", "monday", "2025-03-03", "2025-03-03"),
    ("week", "sunday", "2025-03-01", "2025-02-23"),
    ("week", "sunday", "2025-03-02", "2025-03-02"),
    ("week", "saturday", "2025-03-01", "2025-03-01"),
    ("week", "saturday", "2025-03-07", "2025-03-01"),  # Friday
    ("week", "saturday", "2025-03-08", "2025-03-08"),
    ("month", "monday", "2025-03-31", "2025-03-01"),
])
def test_bucket_sql(grain, week_start, day, bucket):
    con = duckdb.connect()
    got = con.sql(f"SELECT {bucket_sql('d', grain, week_start)} FROM (SELECT DATE '{day}' AS d)").fetchall()[0][0]
    assert got == date.fromisoformat(bucket)


def test_local_date_in_sql_crosses_midnight():
    from workbench.reports.period import local_date_sql
    con = duckdb.connect()
    sql = f"SELECT {local_date_sql('ts')} FROM (SELECT TIMESTAMPTZ '2025-03-31 23:30:00+00' AS ts)"
    assert con.sql(sql, params={"tz": "Europe/Berlin"}).fetchall()[0][0] == date(2025, 4, 1)
    assert con.sql(sql, params={"tz": "UTC"}).fetchall()[0][0] == date(2025, 3, 31)
