"""The PHK month parser: typed months in Indonesian and English, never in the future."""

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.registration.months import (
    MonthError,
    MonthProblem,
    months_before,
    parse_month,
    recent_months,
)

TODAY = date(2026, 11, 24)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("03/2025", date(2025, 3, 1)),
        ("3-2025", date(2025, 3, 1)),
        (" 11.2026 ", date(2026, 11, 1)),
        ("Maret 2025", date(2025, 3, 1)),
        ("agustus 2024", date(2024, 8, 1)),
        ("Agt 2024", date(2024, 8, 1)),
        ("Des. 2023", date(2023, 12, 1)),
        ("march 2025", date(2025, 3, 1)),
    ],
)
def test_typed_months(text: str, expected: date) -> None:
    assert parse_month(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("12/2026", MonthProblem.FUTURE),
        ("Januari 2027", MonthProblem.FUTURE),
        ("01/2015", MonthProblem.TOO_OLD),
        ("13/2025", MonthProblem.UNREADABLE),
        ("00/2025", MonthProblem.UNREADABLE),
        ("kemarin", MonthProblem.UNREADABLE),
        ("Maret", MonthProblem.UNREADABLE),
        ("", MonthProblem.UNREADABLE),
    ],
)
def test_rejected_months(text: str, problem: MonthProblem) -> None:
    with pytest.raises(MonthError) as caught:
        parse_month(text, TODAY)
    assert caught.value.problem is problem


@given(st.text(max_size=40))
def test_any_text_gives_a_month_or_a_month_error(text: str) -> None:
    try:
        month = parse_month(text, TODAY)
    except MonthError:
        return
    assert month.day == 1
    assert date(TODAY.year - 10, 1, 1) <= month <= TODAY


@given(st.dates(min_value=date(2017, 1, 1), max_value=TODAY), st.sampled_from(["/", "-", "."]))
def test_numeric_round_trip(day: date, separator: str) -> None:
    assert parse_month(f"{day.month:02d}{separator}{day.year}", TODAY) == day.replace(day=1)


def test_recent_months_cross_the_year_boundary() -> None:
    months = recent_months(date(2026, 2, 10), count=4)
    assert months == [date(2026, 2, 1), date(2026, 1, 1), date(2025, 12, 1), date(2025, 11, 1)]


@pytest.mark.parametrize(
    ("moment", "months", "expected"),
    [
        (datetime(2026, 11, 24, 3, 0), 24, datetime(2024, 11, 24, 3, 0)),
        (datetime(2026, 3, 31), 1, datetime(2026, 2, 28)),
        (datetime(2028, 3, 31), 1, datetime(2028, 2, 29)),
        (datetime(2026, 1, 15), 1, datetime(2025, 12, 15)),
    ],
)
def test_months_before(moment: datetime, months: int, expected: datetime) -> None:
    assert months_before(moment, months) == expected


@given(st.datetimes(min_value=datetime(1900, 1, 1)), st.integers(0, 600))
def test_months_before_goes_back_whole_months(moment: datetime, months: int) -> None:
    earlier = months_before(moment, months)
    assert earlier <= moment and earlier.time() == moment.time()
    assert (moment.year * 12 + moment.month) - (earlier.year * 12 + earlier.month) == months
