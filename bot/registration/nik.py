"""Parsing and validation of the Indonesian NIK (Nomor Induk Kependudukan).

A NIK is 16 digits: province (2) + regency/city (2) + district (2) + birth date
DDMMYY (day + 40 for women) + serial (4). We check the structure so that typos
are caught at registration time, and we derive birth date and sex from it so the
user does not have to type them twice.

Errors carry a :class:`NikProblem` and the catalog key of its hint.
A NIK is personal data (UU PDP): nothing in this module puts a full NIK into an
exception message or a ``repr``.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import StrEnum, auto
from typing import ClassVar

from bot.errors import N_, DomainError

__all__ = [
    "NIK_LENGTH",
    "PROVINCE_CODES",
    "Nik",
    "NikError",
    "NikProblem",
    "Sex",
    "mask_nik",
    "parse_nik",
]

NIK_LENGTH = 16

#: Codes of every province that has existed since NIKs were introduced. NIKs
#: keep the code they were issued with, so provinces split off later (e.g. the
#: Papua provinces of 2022) must not invalidate older NIKs.
PROVINCE_CODES: frozenset[str] = frozenset(
    [str(code) for code in range(11, 20)]
    + ["21"]
    + [str(code) for code in range(31, 37)]
    + ["51", "52", "53"]
    + [str(code) for code in range(61, 66)]
    + [str(code) for code in range(71, 77)]
    + ["81", "82"]
    + [str(code) for code in range(91, 97)]
)

_FEMALE_DAY_OFFSET = 40
_MAX_AGE = 100


class NikProblem(StrEnum):
    """Why a NIK was rejected; each has a translated hint (`NikError.keys`)."""

    EMPTY = auto()
    NOT_DIGITS = auto()
    WRONG_LENGTH = auto()
    UNKNOWN_PROVINCE = auto()
    BAD_REGENCY = auto()
    BAD_DISTRICT = auto()
    BAD_BIRTH_DATE = auto()
    #: Only when the sole calendar reading of DDMMYY is after ``today``
    #: (29 Feb 00 read before 29 Feb 2000, since 1900 was no leap year):
    #: otherwise the century choice always finds a past date.
    FUTURE_BIRTH_DATE = auto()
    SERIAL_ZERO = auto()


class NikError(DomainError, ValueError):
    """A NIK failed validation.

    ``digits`` is how many digits the user gave, so the message can say
    "you typed 15 digits". The message never contains the NIK itself.
    """

    keys: ClassVar[dict[NikProblem, str]] = {
        NikProblem.EMPTY: N_("error-nik-not-digits"),
        NikProblem.NOT_DIGITS: N_("error-nik-not-digits"),
        NikProblem.WRONG_LENGTH: N_("error-nik-wrong-length"),
        NikProblem.UNKNOWN_PROVINCE: N_("error-nik-unknown-province"),
        NikProblem.BAD_REGENCY: N_("error-nik-bad-region"),
        NikProblem.BAD_DISTRICT: N_("error-nik-bad-region"),
        NikProblem.BAD_BIRTH_DATE: N_("error-nik-bad-birth-date"),
        NikProblem.FUTURE_BIRTH_DATE: N_("error-nik-bad-birth-date"),
        NikProblem.SERIAL_ZERO: N_("error-nik-serial-zero"),
    }

    def __init__(self, problem: NikProblem, digits: int) -> None:
        super().__init__(self.keys[problem], digits=digits)
        self.problem = problem
        self.digits = digits


class Sex(StrEnum):
    """Sex as encoded in the NIK, with the letters printed on the KTP."""

    MALE = "L"  # laki-laki
    FEMALE = "P"  # perempuan


@dataclass(frozen=True, repr=False)
class Nik:
    """A structurally valid NIK and the facts encoded in it.

    Build it with :func:`parse_nik`. ``repr`` is masked so a NIK that ends up
    in a log line or a traceback does not leak.
    """

    value: str
    province_code: str
    regency_code: str
    district_code: str
    birth_date: date
    sex: Sex
    serial: str

    def __post_init__(self) -> None:
        """Reject inconsistent hand-built instances; parse_nik always passes."""
        if not (len(self.value) == NIK_LENGTH and self.value.isascii() and self.value.isdigit()):
            raise ValueError("Nik.value must be 16 ASCII digits")
        if (
            self.province_code != self.value[:2]
            or self.regency_code != self.value[:4]
            or self.district_code != self.value[:6]
            or self.serial != self.value[12:]
        ):
            raise ValueError("Nik fields do not match Nik.value")

    def __repr__(self) -> str:
        return f"Nik({mask_nik(self.value)!r})"

    @property
    def regency_dotted(self) -> str:
        """Regency/city code as Kemendagri writes it ("32.01"), to join regions data."""
        return f"{self.value[:2]}.{self.value[2:4]}"

    @property
    def district_dotted(self) -> str:
        """District (kecamatan) code as Kemendagri writes it ("32.01.01")."""
        return f"{self.value[:2]}.{self.value[2:4]}.{self.value[4:6]}"

    def age_on(self, day: date) -> int:
        """Completed years on ``day``; a 29 Feb birthday counts from 1 Mar in common years."""
        if day < self.birth_date:
            raise ValueError("day is before the birth date")
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - int(before_birthday)


def _is_separator(char: str) -> bool:
    """Characters people put between digit groups: spaces, dots and any dash."""
    return char.isspace() or char == "." or unicodedata.category(char) == "Pd"


def _to_ascii_digits(text: str) -> str:
    """Drop separators and convert digits to ASCII.

    Any Unicode *decimal* digit (category Nd: full-width, Arabic-Indic, ...) is
    deliberately accepted and converted, because phone keyboards set to other
    scripts produce them. Characters that are merely "digit-like" (superscripts
    such as "²", circled numbers) are not decimal digits and are rejected.
    """
    digits: list[str] = []
    others = False
    for char in text:
        if _is_separator(char):
            continue
        if char.isdecimal():
            digits.append(str(unicodedata.decimal(char)))
        else:
            others = True
    result = "".join(digits)
    if others:
        raise NikError(NikProblem.NOT_DIGITS, len(result))
    return result


def age(born: date, today: date) -> int:
    """Full years on `today`."""
    return today.year - born.year - int((today.month, today.day) < (born.month, born.day))


def _birth_date(day: int, month: int, yy: int, today: date) -> date:
    """Pick the century that makes the holder 0..100 years old on ``today``.

    The current and the previous century are tried, most recent first; a date
    that does not exist in a candidate year (31 April, 29 Feb 1900) is skipped.
    """
    century = today.year - today.year % 100
    only_in_future = False
    for year in (century + yy, century - 100 + yy):
        try:
            born = date(year, month, day)
        except ValueError:
            continue
        if born > today:
            only_in_future = True
        elif age(born, today) <= _MAX_AGE:
            return born
    problem = NikProblem.FUTURE_BIRTH_DATE if only_in_future else NikProblem.BAD_BIRTH_DATE
    raise NikError(problem, NIK_LENGTH)


def parse_nik(text: str, today: date) -> Nik:
    """Parse what a user typed into a :class:`Nik`, or raise :class:`NikError`.

    Surrounding/inner whitespace, dots and dashes are ignored
    ("3201 0112 0190 0001", "3201.0112.0190.0001"). ``today`` resolves the
    two-digit birth year and is passed in so results are reproducible.
    """
    if not text.strip():
        raise NikError(NikProblem.EMPTY, 0)
    digits = _to_ascii_digits(text)
    if not digits:
        raise NikError(NikProblem.EMPTY, 0)
    if len(digits) != NIK_LENGTH:
        raise NikError(NikProblem.WRONG_LENGTH, len(digits))

    province, regency, district = digits[:2], digits[2:4], digits[4:6]
    dd, mm, yy = int(digits[6:8]), int(digits[8:10]), int(digits[10:12])
    serial = digits[12:]

    if province not in PROVINCE_CODES:
        raise NikError(NikProblem.UNKNOWN_PROVINCE, NIK_LENGTH)
    if regency in ("00", "70"):
        raise NikError(NikProblem.BAD_REGENCY, NIK_LENGTH)
    if district == "00":
        raise NikError(NikProblem.BAD_DISTRICT, NIK_LENGTH)

    sex = Sex.FEMALE if dd > _FEMALE_DAY_OFFSET else Sex.MALE
    day = dd - _FEMALE_DAY_OFFSET if sex is Sex.FEMALE else dd
    # Day 00, 32..40, >71 and month 00/13 fail the calendar check in _birth_date.
    birth_date = _birth_date(day, mm, yy, today)

    if serial == "0000":
        raise NikError(NikProblem.SERIAL_ZERO, NIK_LENGTH)

    return Nik(
        value=digits,
        province_code=province,
        regency_code=digits[:4],
        district_code=digits[:6],
        birth_date=birth_date,
        sex=sex,
        serial=serial,
    )


def mask_nik(value: str) -> str:
    """Show only the first 4 and last 4 digits ("3201********0001") for logs and UI.

    Anything that is not a 16-digit NIK is masked completely: a malformed value
    may still be mostly a real NIK and must not leak.
    """
    if len(value) != NIK_LENGTH or not (value.isascii() and value.isdigit()):
        return "*" * NIK_LENGTH
    return f"{value[:4]}{'*' * 8}{value[-4:]}"
