"""The month a layoff happened, typed as "03/2025" or "Maret 2025", or picked from buttons."""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime
from enum import StrEnum
from typing import ClassVar

from babel.dates import get_month_names

from bot.errors import N_, DomainError

MAX_YEARS_BACK = 10
_NUMERIC = re.compile(r"^\s*(\d{1,2})\s*[/.\-\s]\s*(\d{4})\s*$")
_NAMED = re.compile(r"^\s*([^\W\d_]+)\.?\s+(\d{4})\s*$")


def _month_names() -> dict[str, int]:
    """Full and three-letter month names in Indonesian and English ("Agu", "Aug", ...)."""
    names: dict[str, int] = {}
    for locale in ("id", "en"):
        for width in ("wide", "abbreviated"):
            for number, name in get_month_names(width, locale=locale).items():
                names[name.lower().rstrip(".")] = number
    names.update({"agt": 8, "ags": 8, "nop": 11, "peb": 2, "pebruari": 2, "nopember": 11})
    return names


_MONTHS = _month_names()


def month_number(name: str) -> int | None:
    """1-12 for a month name as people type it ("Januari", "jan", "Agt.", "Pebruari")."""
    return _MONTHS.get(name.lower().rstrip("."))


class MonthProblem(StrEnum):
    UNREADABLE = "unreadable"
    FUTURE = "future"
    TOO_OLD = "too_old"


class MonthError(DomainError, ValueError):
    """Not a month we can accept; `.problem` says why."""

    keys: ClassVar[dict[MonthProblem, str]] = {
        MonthProblem.UNREADABLE: N_("error-month-unreadable"),
        MonthProblem.FUTURE: N_("error-month-future"),
        MonthProblem.TOO_OLD: N_("error-month-too-old"),
    }

    def __init__(self, problem: MonthProblem) -> None:
        super().__init__(self.keys[problem])
        self.problem = problem


def parse_month(text: str, today: date) -> date:
    """Return the first day of the typed month, which must lie in the last ten years."""
    if match := _NUMERIC.match(text):
        month, year = int(match[1]), int(match[2])
    elif (match := _NAMED.match(text)) and (number := month_number(match[1])):
        month, year = number, int(match[2])
    else:
        raise MonthError(MonthProblem.UNREADABLE)
    if not 1 <= month <= 12:
        raise MonthError(MonthProblem.UNREADABLE)
    first = date(year, month, 1)
    if first > today.replace(day=1):
        raise MonthError(MonthProblem.FUTURE)
    if year < today.year - MAX_YEARS_BACK:
        raise MonthError(MonthProblem.TOO_OLD)
    return first


def recent_months(today: date, count: int = 12) -> list[date]:
    """The current month and the ones before it, newest first, for buttons."""
    months = []
    year, month = today.year, today.month
    for _ in range(count):
        months.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months earlier (31 March - 1 → 28/29 Feb)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)
