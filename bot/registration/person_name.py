"""Full names as people write them on their KTP, checked before they are stored."""

from __future__ import annotations

import unicodedata
from enum import StrEnum
from typing import ClassVar

from bot.errors import N_, DomainError

MIN_LETTERS = 2
MAX_LENGTH = 100
# Names on Indonesian IDs use letters plus these; digits and emoji are typos or spam.
_ALLOWED_PUNCTUATION = frozenset(" .,'-`’")


class NameProblem(StrEnum):
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    INVALID_CHARACTERS = "invalid_characters"


class NameError_(DomainError, ValueError):
    """The typed name cannot be a person's name; `.problem` says why."""

    keys: ClassVar[dict[NameProblem, str]] = {
        NameProblem.TOO_SHORT: N_("error-name-too-short"),
        NameProblem.TOO_LONG: N_("error-name-too-long"),
        NameProblem.INVALID_CHARACTERS: N_("error-name-invalid-characters"),
    }

    def __init__(self, problem: NameProblem) -> None:
        super().__init__(self.keys[problem])
        self.problem = problem


def clean_full_name(text: str) -> str:
    """Collapse spaces and check characters; the result is what we store and show."""
    name = " ".join(unicodedata.normalize("NFC", text).split())
    if len(name) > MAX_LENGTH:
        raise NameError_(NameProblem.TOO_LONG)
    if any(not (ch.isalpha() or ch in _ALLOWED_PUNCTUATION) for ch in name):
        raise NameError_(NameProblem.INVALID_CHARACTERS)
    if sum(ch.isalpha() for ch in name) < MIN_LETTERS:
        raise NameError_(NameProblem.TOO_SHORT)
    return name
