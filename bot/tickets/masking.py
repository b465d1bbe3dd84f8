"""Personal numbers typed inside a question, masked before a coordinator sees them.

People write "NIK saya 3201 0112 0190 0001, HP 0812-3456-7890" despite being asked not
to. The question is stored as typed (encrypted, and shown as typed to its author); every
view a coordinator gets goes through `mask_numbers`. A NIK shows as `mask_nik` shows it,
a mobile number as `mask_phone`; any other run of nine or more digits (a KK or account
number) is hidden completely, since a number that long identifies someone more often
than it counts something.
"""

from __future__ import annotations

import re
import unicodedata

from bot.registration.nik import NIK_LENGTH, mask_nik
from bot.registration.phone import PhoneError, mask_phone, normalise_phone

MIN_DIGITS = 9
# Digits with at most two separators between them (spaces, dots, dashes, slashes,
# brackets), as in "3201.0112.0190.0001" or "(0812) 3456-7890"; a leading "+" for "+62".
_NUMBER = re.compile(r"\+?\(?\d(?:[ .\-\u2010-\u2015/()]{0,2}\d){" + str(MIN_DIGITS - 1) + ",}")


def _digits(run: str) -> str:
    return "".join(str(unicodedata.decimal(char)) for char in run if char.isdecimal())


def _masked(found: re.Match[str]) -> str:
    run = found.group(0)
    digits = _digits(run)
    if len(digits) == NIK_LENGTH:
        return mask_nik(digits)
    try:
        return mask_phone(normalise_phone(run))
    except PhoneError:
        return "*" * len(digits)


def mask_numbers(text: str) -> str:
    """`text` with every NIK, phone number and other long number masked."""
    return _NUMBER.sub(_masked, text)
