"""Dates and daily hours as coordinators type them: examples, and round trips for any day."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from babel.dates import format_date, get_month_names
from hypothesis import given
from hypothesis import strategies as st

from bot.training.typed_dates import parse_day, parse_hours

TODAY = date(2026, 11, 24)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12 Januari 2027", date(2027, 1, 12)),
        ("12/01/2027", date(2027, 1, 12)),
        ("12-1-2027", date(2027, 1, 12)),
        ("12 jan 27", date(2027, 1, 12)),
        ("12.01.2027", date(2027, 1, 12)),
        ("2027-01-12", date(2027, 1, 12)),
        ("Selasa, 12 Januari 2027", date(2027, 1, 12)),
        ("12 Jan. 2027", date(2027, 1, 12)),
        ("12-jan-2027", date(2027, 1, 12)),
        ("3 Pebruari 2027", date(2027, 2, 3)),
        ("17 Agt 2027", date(2027, 8, 17)),
        ("  1   Desember   2026 ", date(2026, 12, 1)),
        ("12 Januari", date(2027, 1, 12)),  # no year: the next 12 January
        ("30 Desember", date(2026, 12, 30)),
        ("24/11", TODAY),
        ("29 Februari", date(2028, 2, 29)),
    ],
)
def test_indonesian_ways_of_writing_a_day(text: str, expected: date) -> None:
    assert parse_day(text, TODAY) == expected


@pytest.mark.parametrize(
    "text",
    ["", "besok", "31 Februari 2027", "12/13/2027", "12 Jnuari 2027", "12/01-2027", "2027",
     "32 Januari 2027", "12 Januari 20277", "0/1/2027"],
)  # fmt: skip
def test_what_is_not_a_day(text: str) -> None:
    assert parse_day(text, TODAY) is None


days = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))


def _named(day: date, locale: str, width: str, short_year: bool) -> str:
    month = get_month_names(width, locale=locale)[day.month]
    year = f"{day.year % 100:02d}" if short_year else str(day.year)
    return f"{day.day} {month} {year}"


@given(
    days,
    st.sampled_from(["id", "en"]),
    st.sampled_from(["wide", "abbreviated"]),
    st.booleans(),
    st.sampled_from([str.lower, str.upper, str.title]),
)
def test_named_months_round_trip(
    day: date, locale: str, width: str, short_year: bool, case: object
) -> None:
    assert callable(case)
    assert parse_day(case(_named(day, locale, width, short_year)), TODAY) == day


@given(days, st.sampled_from("/-."), st.booleans(), st.booleans())
def test_numeric_days_round_trip(day: date, separator: str, padded: bool, short_year: bool) -> None:
    text = separator.join(
        [
            f"{day.day:02d}" if padded else str(day.day),
            f"{day.month:02d}" if padded else str(day.month),
            f"{day.year % 100:02d}" if short_year else str(day.year),
        ]
    )
    assert parse_day(text, TODAY) == day


@given(days, st.sampled_from(["id", "en"]))
def test_the_bots_own_long_dates_read_back(day: date, locale: str) -> None:
    assert parse_day(format_date(day, "EEEE, d MMMM y", locale=locale), TODAY) == day


@given(days, days)
def test_a_day_without_a_year_is_the_next_one(day: date, today: date) -> None:
    found = parse_day(f"{day.day} {get_month_names(locale='id')[day.month]}", today)
    assert found is not None
    assert (found.day, found.month) == (day.day, day.month)
    assert today <= found < today + timedelta(days=4 * 366 + 1)


@given(st.text(max_size=40))
def test_any_text_is_a_day_or_none(text: str) -> None:
    found = parse_day(text, TODAY)
    assert found is None or isinstance(found, date)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("08.00-16.00", (time(8), time(16))),
        ("8:00 - 16:30", (time(8), time(16, 30))),
        ("08.00 s/d 16.00", (time(8), time(16))),
        ("08.00 sampai 15.00 WIB", (time(8), time(15))),
        ("8-16", (time(8), time(16))),
        ("13.00 – 17.00 wita", (time(13), time(17))),
    ],
)
def test_daily_hours(text: str, expected: tuple[time, time]) -> None:
    assert parse_hours(text) == expected


@pytest.mark.parametrize("text", ["", "pagi", "8", "25.00-26.00", "08.61-10.00", "08.00 16.00"])
def test_what_are_not_hours(text: str) -> None:
    assert parse_hours(text) is None


clock_times = st.times().map(lambda t: t.replace(second=0, microsecond=0))


@given(clock_times, clock_times, st.sampled_from(["-", " - ", " s/d ", " sampai ", "–"]),
       st.sampled_from([".", ":"]))  # fmt: skip
def test_hours_round_trip(start: time, end: time, dash: str, mark: str) -> None:
    text = f"{start:%H}{mark}{start:%M}{dash}{end:%H}{mark}{end:%M}"
    assert parse_hours(text) == (start, end)
