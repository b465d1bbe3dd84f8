"""Typed birth dates for the eligibility check."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.registration.birth_dates import BirthDateError, parse_birth_date

TODAY = date(2026, 11, 24)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("17-08-1995", date(1995, 8, 17)),
        ("17/8/1995", date(1995, 8, 17)),
        (" 1.1.2000 ", date(2000, 1, 1)),
        ("3201014112900001", date(1990, 12, 1)),
    ],
)
def test_accepted(text: str, expected: date) -> None:
    assert parse_birth_date(text, TODAY) == expected


@pytest.mark.parametrize(
    "text", ["31-02-1990", "12-13-1990", "01-01-2030", "01-01-1900", "kemarin", ""]
)
def test_rejected(text: str) -> None:
    with pytest.raises(BirthDateError):
        parse_birth_date(text, TODAY)


@given(st.dates(min_value=date(1927, 1, 1), max_value=TODAY), st.sampled_from("-/."))
def test_round_trip(day: date, separator: str) -> None:
    typed = f"{day.day}{separator}{day.month:02d}{separator}{day.year}"
    assert parse_birth_date(typed, TODAY) == day


@given(st.text(max_size=30))
def test_any_text_is_a_date_or_a_birth_date_error(text: str) -> None:
    try:
        born = parse_birth_date(text, TODAY)
    except BirthDateError:
        return
    assert born <= TODAY
