"""Normalisation of Indonesian mobile numbers to E.164.

We need a number that can receive SMS/WhatsApp, so only Indonesian mobiles are
accepted. Numbering rules come from ``phonenumbers`` (region "ID"); on top of
it we add our own checks that the library is too lenient for (it silently drops
trailing letters, turns vanity letters into digits and accepts extensions).

Errors carry a :class:`PhoneProblem`; texts for users are produced elsewhere.
Phone numbers are personal data: they never appear in exception messages.
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum, auto
from typing import ClassVar

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType

from bot.errors import N_, DomainError

__all__ = ["PhoneError", "PhoneProblem", "mask_phone", "normalise_phone"]

_REGION = "ID"
_COUNTRY_CODE = 62
#: National significant number without the trunk "0": 9..12 digits,
#: i.e. 10..13 digits as written domestically ("0812...").
_MIN_NSN, _MAX_NSN = 9, 12
_MOBILE_TYPES = frozenset({PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE})
_MAX_INPUT = 64  # a real number with generous formatting fits easily
_PUNCTUATION = frozenset(".()/")
_LENGTH_ERRORS = frozenset(
    {
        NumberParseException.TOO_LONG,
        NumberParseException.TOO_SHORT_NSN,
        NumberParseException.TOO_SHORT_AFTER_IDD,
    }
)
_E164_ID = re.compile(r"\+62([0-9]{9,12})")


class PhoneProblem(StrEnum):
    """Why a phone number was rejected; each has a translated hint (`PhoneError.keys`)."""

    EMPTY = auto()
    INVALID = auto()
    NOT_INDONESIAN = auto()
    NOT_MOBILE = auto()
    WRONG_LENGTH = auto()


class PhoneError(DomainError, ValueError):
    """A phone number failed validation; the message never contains the number."""

    keys: ClassVar[dict[PhoneProblem, str]] = {
        PhoneProblem.EMPTY: N_("error-phone-invalid"),
        PhoneProblem.INVALID: N_("error-phone-invalid"),
        PhoneProblem.NOT_INDONESIAN: N_("error-phone-not-indonesian"),
        PhoneProblem.NOT_MOBILE: N_("error-phone-not-mobile"),
        PhoneProblem.WRONG_LENGTH: N_("error-phone-wrong-length"),
    }

    def __init__(self, problem: PhoneProblem) -> None:
        super().__init__(self.keys[problem])
        self.problem = problem


def _clean(text: str) -> str:
    """Keep a leading "+" and the digits (as ASCII); reject anything unexpected.

    Rejecting letters and "#" here is what keeps phonenumbers from reading
    vanity letters, dropping trailing junk or splitting off an extension.

    Allowed besides digits: whitespace, dashes, ".", "(", ")", "/". Any Unicode
    decimal digit is converted to ASCII on purpose (same rule as the NIK);
    digit-like symbols such as "²" are not decimal digits and are rejected.
    """
    body = text.strip()
    plus = body.startswith("+")
    if plus:
        body = body[1:]
    digits: list[str] = []
    for char in body:
        if char.isdecimal():
            digits.append(str(unicodedata.decimal(char)))
        elif char.isspace() or char in _PUNCTUATION or unicodedata.category(char) == "Pd":
            continue
        else:
            raise PhoneError(PhoneProblem.INVALID)
    if not digits:
        raise PhoneError(PhoneProblem.INVALID)
    return ("+" if plus else "") + "".join(digits)


def normalise_phone(text: str) -> str:
    """Return the E.164 form ("+6281234567890") of an Indonesian mobile number.

    Accepts domestic ("0812-3456-7890", "(0812) 3456 7890") and international
    ("+62 812-3456-7890") forms, and a Telegram contact's ``phone_number``,
    which is international but usually without "+" ("6281234567890").
    Idempotent: an E.164 result normalises to itself.
    """
    if not text.strip():
        raise PhoneError(PhoneProblem.EMPTY)
    if len(text) > _MAX_INPUT:
        raise PhoneError(PhoneProblem.INVALID)
    cleaned = _clean(text)
    if cleaned.startswith("62"):
        # Domestic numbers are dialled with a leading 0, so bare digits starting
        # with 62 are the international form (as Telegram sends contacts).
        # Without this, phonenumbers reads "62812345678" as a landline in area 0628.
        cleaned = "+" + cleaned

    try:
        number = phonenumbers.parse(cleaned, _REGION)
    except NumberParseException as error:
        if error.error_type in _LENGTH_ERRORS:
            raise PhoneError(PhoneProblem.WRONG_LENGTH) from None
        raise PhoneError(PhoneProblem.INVALID) from None

    if number.country_code != _COUNTRY_CODE:
        raise PhoneError(PhoneProblem.NOT_INDONESIAN)
    nsn = phonenumbers.national_significant_number(number)
    length_ok = _MIN_NSN <= len(nsn) <= _MAX_NSN
    if phonenumbers.is_valid_number(number):
        if phonenumbers.number_type(number) not in _MOBILE_TYPES:
            raise PhoneError(PhoneProblem.NOT_MOBILE)
        if not length_ok:
            raise PhoneError(PhoneProblem.WRONG_LENGTH)
        return phonenumbers.format_number(number, PhoneNumberFormat.E164)
    if not length_ok:
        raise PhoneError(PhoneProblem.WRONG_LENGTH)
    raise PhoneError(PhoneProblem.INVALID)


def mask_phone(e164: str) -> str:
    """Show "+62", the first 3 and last 4 digits ("+62812****7890") for logs and UI.

    One "*" per hidden digit. Anything that is not an Indonesian E.164 number
    as produced by :func:`normalise_phone` is masked completely rather than
    risk leaking it.
    """
    match = _E164_ID.fullmatch(e164)
    if match is None:
        return "+62" + "*" * 8
    nsn = match.group(1)
    return f"+62{nsn[:3]}{'*' * (len(nsn) - 7)}{nsn[-4:]}"
