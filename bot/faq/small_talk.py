"""Messages that are not questions: greetings, thanks, "ok", and reports of someone asking
for money.

A greeting or a thank-you must never be answered with an FAQ entry ("makasih" once found
"Sampai kapan pendaftaran dibuka?"), and a report that someone asks for money to get a
seat must always get the free-of-charge warning, however it is worded. The phrases live in
``bot/data/faq_small_talk.csv`` (kind, phrase); the replies are in the catalogs.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from enum import StrEnum
from functools import cache
from importlib.resources import files

from bot.faq.words import terms

__all__ = ["Chat", "classify"]


class Chat(StrEnum):
    GREETING = "greeting"
    THANKS = "thanks"
    OK = "ok"
    SCAM = "scam"


# Words such as "min" or "kak" that go with small talk but say nothing by themselves.
_FILLER = "filler"
# When a message holds several kinds ("halo, makasih"), the one answered.
_PRIORITY = (Chat.THANKS, Chat.GREETING, Chat.OK)
_WORD = re.compile(r"[a-z0-9]+")
# What a participant may ask to be given ("minta uang transport/saku/makan"), as stems.
_ALLOWANCES = frozenset({"transport", "transportasi", "saku", "makan", "insentif", "akomodasi"})
# Typed words that turn such a request into a report: someone asked it of the writer
# (passive forms, a third person) or in exchange for a place.
_REPORTED = frozenset(
    {"dimintai", "diminta", "dimintain", "disuruh", "ada", "oknum", "orang", "dia", "mereka"}
    | {"biar", "supaya", "agar", "lolos", "diterima", "kursi"}
)


def _tokens(text: str) -> list[str]:
    """ASCII words and single pictographs (🙏, 👍), in order."""
    tokens: list[str] = []
    for char_run in re.split(r"(\s+)", text.casefold()):
        ascii_part = unicodedata.normalize("NFKD", char_run).encode("ascii", "ignore").decode()
        tokens.extend(_WORD.findall(ascii_part))
        tokens.extend(c for c in char_run if unicodedata.category(c) == "So")
    return tokens


@cache
def _phrases() -> tuple[dict[tuple[str, ...], str], list[tuple[str, ...]]]:
    """Small-talk phrases as token tuples with their kind, and scam cues as stem tuples."""
    text = (files("bot") / "data" / "faq_small_talk.csv").read_text(encoding="utf-8-sig")
    chat: dict[tuple[str, ...], str] = {}
    scam: list[tuple[str, ...]] = []
    for row in csv.DictReader(io.StringIO(text)):
        if row["kind"] == Chat.SCAM:
            scam.append(terms(row["phrase"]))
        else:
            chat[tuple(_tokens(row["phrase"]))] = row["kind"]
    return chat, scam


def classify(text: str) -> Chat | None:
    """The kind of small talk, a scam report, or None for a question to look up."""
    chat, scam = _phrases()
    if _reports_money_demand(text, terms(text), scam):
        return Chat.SCAM
    kinds = _cover(_tokens(text), chat)
    if kinds is None:
        return None
    return next((kind for kind in _PRIORITY if kind in kinds), None)


def _cover(tokens: Sequence[str], phrases: dict[tuple[str, ...], str]) -> set[str] | None:
    """The kinds of the phrases that make up the whole message, longest first; None if a
    word is not small talk."""
    longest = max((len(phrase) for phrase in phrases), default=0)
    kinds: set[str] = set()
    at = 0
    while at < len(tokens):
        for size in range(min(longest, len(tokens) - at), 0, -1):
            kind = phrases.get(tuple(tokens[at : at + size]))
            if kind is not None:
                kinds.add(kind)
                at += size
                break
        else:
            return None
    return kinds


def _reports_money_demand(text: str, stems: Sequence[str], cues: Iterable[tuple[str, ...]]) -> bool:
    """A scam cue, except where every one asks for an allowance ("minta uang transport"
    is a question about transport money) and no word says someone else demands it."""
    ends = [at + len(cue) for cue in cues for at in _matches(stems, cue)]
    if not ends:
        return False
    if all(end < len(stems) and stems[end] in _ALLOWANCES for end in ends):
        return not _REPORTED.isdisjoint(_tokens(text))
    return True


def _matches(words: Sequence[str], cue: tuple[str, ...]) -> list[int]:
    """Where `cue` starts in `words`."""
    if not cue:
        return []
    return [i for i in range(len(words) - len(cue) + 1) if tuple(words[i : i + len(cue)]) == cue]
