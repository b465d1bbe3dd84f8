"""What a coordinator typed to find a participant: a registration code, a phone or a name.

Pure rules, no database. A code is read however it was typed ("blk 7k3qx9", "BLK-7K3QX9",
or the six characters alone when one is a digit, since many names are six letters of the
code alphabet); text without letters is a phone number in any Indonesian form, compared
later through its keyed fingerprint; anything else is a name, matched fuzzily
(`NameMatches`) because people misspell names they heard on the phone.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar

from rapidfuzz import fuzz, process, utils

from bot.errors import N_, DomainError
from bot.registration.phone import PhoneError, normalise_phone
from bot.registration.service import CODE_ALPHABET, CODE_LENGTH

MAX_QUERY = 100
MIN_NAME_CHARACTERS = 2
# rapidfuzz WRatio (0..100): a one-letter typo in a two-word name scores about 90, a
# surname alone 90, "rizky" for "Muhammad Rizki" 72; unrelated names stay below 60.
NAME_CUTOFF = 70
_SEPARATORS = re.compile(r"[\s\-_.]+")
_CODE_CHARACTERS = frozenset(CODE_ALPHABET)


class QueryKind(StrEnum):
    CODE = "code"
    PHONE = "phone"
    NAME = "name"


@dataclass(frozen=True)
class ParticipantQuery:
    """`value` is the code as stored ("BLK-7K3QX9"), the E.164 phone, or the name typed
    with its spaces tidied."""

    kind: QueryKind
    value: str


class QueryProblem(StrEnum):
    TOO_SHORT = "short"
    BAD_PHONE = "phone"


class QueryRefused(DomainError):
    keys: ClassVar[dict[QueryProblem, str]] = {
        QueryProblem.TOO_SHORT: N_("search-too-short"),
        QueryProblem.BAD_PHONE: N_("search-bad-phone"),
    }

    def __init__(self, problem: QueryProblem) -> None:
        super().__init__(self.keys[problem])
        self.problem = problem


def _code(text: str, prefix: str) -> str | None:
    compact = _SEPARATORS.sub("", text).upper()
    suffix = compact.removeprefix(prefix.upper())
    if len(suffix) != CODE_LENGTH or not set(suffix) <= _CODE_CHARACTERS:
        return None
    if suffix == compact and not any(char.isdigit() for char in suffix):
        return None  # six letters without the prefix: more likely a name ("RAHMAT")
    return f"{prefix.upper()}-{suffix}"


def parse_query(text: str, prefix: str = "BLK") -> ParticipantQuery:
    """The kind of search and its normalised value; `QueryRefused` when there is nothing
    to search for (a phone that is not an Indonesian mobile, a single character)."""
    tidy = " ".join(text.split())[:MAX_QUERY]
    code = _code(tidy, prefix)
    if code is not None:
        return ParticipantQuery(QueryKind.CODE, code)
    if not any(char.isalpha() for char in tidy) and any(char.isdigit() for char in tidy):
        try:
            return ParticipantQuery(QueryKind.PHONE, normalise_phone(tidy))
        except PhoneError:
            raise QueryRefused(QueryProblem.BAD_PHONE) from None
    if sum(char.isalnum() for char in tidy) < MIN_NAME_CHARACTERS:
        raise QueryRefused(QueryProblem.TOO_SHORT)
    return ParticipantQuery(QueryKind.NAME, tidy)


class NameMatches:
    """The best `limit` names for a query, fed in chunks so that a province's ten
    thousand names never sit in memory at once; best score first, then by id."""

    def __init__(self, query: str, limit: int) -> None:
        self._query = query
        self._limit = limit
        self._best: list[tuple[float, int]] = []

    def add(self, candidates: Iterable[tuple[int, str]]) -> None:
        """(registration id, full name) pairs."""
        chunk = dict(candidates)
        found = process.extract(
            self._query,
            chunk,
            scorer=fuzz.WRatio,
            processor=utils.default_process,
            limit=self._limit,
            score_cutoff=NAME_CUTOFF,
        )
        best = self._best + [(score, -key) for _, score, key in found]
        self._best = heapq.nlargest(self._limit, best)

    def ids(self) -> list[int]:
        return [-negative for _, negative in self._best]
