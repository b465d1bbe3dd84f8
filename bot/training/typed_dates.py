"""Dates and daily hours as coordinators type them in a chat; pure, no database.

Indonesians write the day first: `12 Januari 2027`, `12/01/2027`, `12-1-2027`,
`12 jan 27`, also `Selasa, 12 Januari 2027` as the bot itself prints dates, and the ISO
`2027-01-12` of spreadsheets. A two-digit year is in this century; a date typed without
a year is its next occurrence from today. Hours are a range: `08.00-16.00`, `8:00 s/d
16:00`, `08.00 sampai 16.00 WIB`. Anything else is None: the caller says why.
"""

from __future__ import annotations

import re
from datetime import date, time

from bot.registration.months import month_number
from bot.training.batch_csv import parse_clock

_WEEKDAY = re.compile(r"^[^\W\d_]+,\s*")  # "Selasa, " before the day
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_NUMERIC = re.compile(r"^(\d{1,2})\s*([/.-])\s*(\d{1,2})(?:\s*\2\s*(\d{4}|\d{2}))?$")
_NAMED = re.compile(r"^(\d{1,2})[\s/.-]*([^\W\d_]+)\.?(?:[\s/.,-]+(\d{4}|\d{2}))?$")
_HOURS = re.compile(
    r"^(\d{1,2}(?:[.:]\d{2})?)\s*(?:-|–|—|s/d|s\.d\.?|sd|sampai|hingga|to)\s*"
    r"(\d{1,2}(?:[.:]\d{2})?)(?:\s*(?:wib|wita|wit))?$",
    re.IGNORECASE,
)


def parse_day(text: str, today: date) -> date | None:
    """The calendar day typed, or None when it is not one (31 Februari is not)."""
    text = _WEEKDAY.sub("", " ".join(text.split()))
    if match := _ISO.match(text):
        return _day(int(match[1]), int(match[2]), int(match[3]))
    if match := _NUMERIC.match(text):
        day, month, year = int(match[1]), int(match[3]), match[4]
    elif (match := _NAMED.match(text)) and (number := month_number(match[2])):
        day, month, year = int(match[1]), number, match[3]
    else:
        return None
    if year is not None:
        return _day(_full_year(year), month, day)
    return _next(day, month, today)


def parse_hours(text: str) -> tuple[time, time] | None:
    """Start and end of the daily hours, as typed; whether the end is later is a rule."""
    match = _HOURS.match(" ".join(text.split()))
    if match is None:
        return None
    start, end = _clock(match[1]), _clock(match[2])
    return (start, end) if start is not None and end is not None else None


def _clock(text: str) -> time | None:
    """`8` alone is 08.00; otherwise hours and minutes as the CSV reads them."""
    return parse_clock(f"{text}.00" if text.isdigit() else text)


def _full_year(text: str) -> int:
    return 2000 + int(text) if len(text) == 2 else int(text)


def _day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _next(day: int, month: int, today: date) -> date | None:
    """`12 Jan` without a year: this year's if not past yet, else next year's (29 Feb:
    the next leap year within four)."""
    for year in range(today.year, today.year + 5):
        found = _day(year, month, day)
        if found is not None and found >= today:
            return found
    return None
