"""A birth date typed as 17-08-1995, 17/8/1995 or 17.08.1995, or read from a NIK."""

from __future__ import annotations

import re
from datetime import date

from bot.errors import N_, DomainError
from bot.registration.nik import NikError, parse_nik

_DATE = re.compile(r"^\s*(\d{1,2})\s*[-/.\s]\s*(\d{1,2})\s*[-/.\s]\s*(\d{4})\s*$")
OLDEST_YEARS = 100


class BirthDateError(DomainError, ValueError):
    """Neither a date in the past 100 years nor a valid NIK."""

    key = N_("error-birth-date")


def parse_birth_date(text: str, today: date) -> date:
    """Day first, as Indonesians write dates; a 16-digit NIK also works."""
    if match := _DATE.match(text):
        try:
            born = date(int(match[3]), int(match[2]), int(match[1]))
        except ValueError:
            raise BirthDateError from None
        if not today.replace(year=today.year - OLDEST_YEARS) <= born <= today:
            raise BirthDateError
        return born
    try:
        return parse_nik(text, today).birth_date
    except NikError:
        raise BirthDateError from None
