"""Matching a typed question to FAQ entries: informal Indonesian in, ranked entry ids out.

People type "brp biayanya", "sertifkat dpt gak": abbreviations, slang, typos, no
punctuation. The text is normalised (lowercase, ASCII letters and digits only, slang from
``bot/data/faq_slang.csv`` rewritten, the "-nya"/"-kah" endings dropped), then each entry
is scored by how much of the question's *informative* words it covers (IDF weights: a
word found in every entry, such as "saya", counts little; a word found nowhere, such as
"bitcoin", counts a lot against every entry), with words compared by rapidfuzz so typos
and affixes still match, blended with rapidfuzz's WRatio against the entry's questions.
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib.resources import files

from rapidfuzz import fuzz, process

__all__ = ["Document", "Match", "Matcher", "Ranking", "Strength", "normalise"]

# Thresholds on the 0–100 score, tuned on tests/faq_dev.toml (never on the hold-out):
# at STRONG and above, with a clear lead over the runner-up, the answer is shown at once
# (a wrong one costs a "Tidak" tap); between WEAK and STRONG the top three are offered as
# buttons next to "Tanya petugas"; below WEAK only "Tanya petugas" and the menu. WEAK is
# set low because three useless buttons cost less than a missed answer (which becomes a
# question for a coordinator).
STRONG = 60.0
STRONG_LEAD = 12.0
WEAK = 40.0

# Share of the score from covering the typed words, from covering one of the entry's
# questions or keywords, and from rapidfuzz's WRatio of the whole texts (word order).
_QUERY_WEIGHT, _ENTRY_WEIGHT, _WRATIO_WEIGHT = 0.8, 0.1, 0.1
# Two words count as the same from this rapidfuzz ratio (a typo in a 7-letter word is ~86).
_SAME_WORD = 80.0
# One word inside the other ("minta" in "dimintain", "daftar" in "pendaftaran"): a shared
# stem with Indonesian affixes around it, a little less sure than a typo-free match.
_AFFIX_SIMILARITY = 0.85
_MIN_FUZZY_LENGTH = 4
# A word no entry has weighs this many times the rarest known word's weight ("bitcoin"
# says the question is about something else).
_UNKNOWN_WEIGHT = 1.2
_MAX_WORDS = 40
_SUFFIXES = ("nya", "kah")
_NON_WORD = re.compile(r"[^a-z0-9]+")


@cache
def _slang() -> Mapping[str, str]:
    text = (files("bot") / "data" / "faq_slang.csv").read_text(encoding="utf-8-sig")
    return {row["informal"]: row["standard"] for row in csv.DictReader(io.StringIO(text))}


def _standard_word(word: str, slang: Mapping[str, str]) -> str:
    """One word in its standard spelling; may become several words, or none (fillers)."""
    while word not in slang:
        for suffix in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_FUZZY_LENGTH:
                word = word[: -len(suffix)]
                break
        else:
            return word
    return slang[word]


def normalise(text: str) -> str:
    """Lowercase ASCII words in standard spelling, single-spaced; idempotent."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    ascii_text = decomposed.encode("ascii", "ignore").decode("ascii")
    slang = _slang()
    words = (_standard_word(word, slang) for word in _NON_WORD.split(ascii_text) if word)
    return " ".join(" ".join(words).split())


@dataclass(frozen=True)
class Document:
    """What an entry is matched on: its questions (every language) and its keywords."""

    id: str
    questions: tuple[str, ...]
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class Match:
    id: str
    score: float


class Strength(StrEnum):
    STRONG = "strong"
    WEAK = "weak"
    NONE = "none"


@dataclass(frozen=True)
class Ranking:
    """The best entries first (at most three), and how sure the best one is."""

    matches: tuple[Match, ...]
    strength: Strength


@dataclass(frozen=True)
class _Indexed:
    id: str
    words: frozenset[str]
    phrases: tuple[tuple[str, ...], ...]  # the words of each question and each keyword
    texts: tuple[str, ...]  # normalised questions and keywords, for WRatio


class Matcher:
    """Ranks documents for a typed question; built once at start-up, then read-only."""

    def __init__(self, documents: Iterable[Document]) -> None:
        self._docs = [_index(doc) for doc in documents]
        df: dict[str, int] = {}
        for doc in self._docs:
            for word in doc.words:
                df[word] = df.get(word, 0) + 1
        total = len(self._docs)
        self._idf = {word: math.log((total + 1) / count) for word, count in df.items()}
        self._unknown_idf = _UNKNOWN_WEIGHT * math.log(total + 1)
        self._number_idf = min(self._idf.values(), default=0.0)
        self._long_words = [word for word in self._idf if len(word) >= _MIN_FUZZY_LENGTH]

    def rank(self, text: str, limit: int = 3) -> Ranking:
        # A question is a sentence or two; a pasted page would only cost time (every word
        # is compared with every known word).
        words = normalise(text).split()[:_MAX_WORDS]
        if not words or not self._docs:
            return Ranking((), Strength.NONE)
        similar = {word: self._similar_words(word) for word in set(words)}
        weights = [self._weight(word, similar[word]) for word in words]
        # How well the typed words, together, cover each known word.
        covered: dict[str, float] = {}
        for found in similar.values():
            for known, similarity in found.items():
                covered[known] = max(covered.get(known, 0.0), similarity)
        scored = sorted(
            (
                Match(doc.id, self._score(doc, words, weights, similar, covered))
                for doc in self._docs
            ),
            key=lambda match: -match.score,
        )
        best = scored[0].score
        runner_up = scored[1].score if len(scored) > 1 else 0.0
        if best >= STRONG and best - runner_up >= STRONG_LEAD:
            strength = Strength.STRONG
        elif best >= WEAK:
            strength = Strength.WEAK
        else:
            strength = Strength.NONE
        return Ranking(tuple(m for m in scored[:limit] if m.score >= WEAK), strength)

    def _similar_words(self, word: str) -> dict[str, float]:
        """Every known word that counts as `word`, with how sure (1.0 = identical).

        The same word, else one inside the other, else a close spelling (rapidfuzz ratio).
        """
        found: dict[str, float] = {}
        if len(word) >= _MIN_FUZZY_LENGTH:
            close = process.extract(
                word, self._long_words, scorer=fuzz.ratio, score_cutoff=_SAME_WORD, limit=None
            )
            found = {known: score / 100 for known, score, _ in close}
            for known in self._long_words:
                if known in word or word in known:
                    found[known] = _AFFIX_SIMILARITY
        if word in self._idf:
            found[word] = 1.0
        return found

    def _weight(self, word: str, similar: Mapping[str, float]) -> float:
        """IDF of the closest known word; a word like no known one weighs the most.

        Except an unknown number ("umur 45", "antrian ke 3"): it says little about the topic.
        """
        if not similar:
            return self._number_idf if word.isdigit() else self._unknown_idf
        closest = max(similar, key=lambda known: (similar[known], self._idf[known]))
        return self._idf[closest]

    def _score(
        self,
        doc: _Indexed,
        words: Sequence[str],
        weights: Sequence[float],
        similar: Mapping[str, Mapping[str, float]],
        covered: Mapping[str, float],
    ) -> float:
        hits = [
            max((s for known, s in similar[word].items() if known in doc.words), default=0.0)
            for word in words
        ]
        total = sum(weights)
        query_cover = sum(w * h for w, h in zip(weights, hits, strict=True)) / total if total else 0
        entry_cover = max(
            (self._phrase_cover(phrase, covered) for phrase in doc.phrases), default=0.0
        )
        joined = " ".join(words)
        wratio = max(fuzz.WRatio(joined, text) for text in doc.texts) / 100
        return 100 * (
            _QUERY_WEIGHT * query_cover + _ENTRY_WEIGHT * entry_cover + _WRATIO_WEIGHT * wratio
        )

    def _phrase_cover(self, phrase: Sequence[str], covered: Mapping[str, float]) -> float:
        """Share of a question's or keyword's weight that the typed words cover."""
        total = sum(self._idf[word] for word in phrase)
        if not total:
            return 0.0
        return sum(self._idf[word] * covered.get(word, 0.0) for word in phrase) / total


def _index(doc: Document) -> _Indexed:
    questions = tuple(tuple(normalise(q).split()) for q in doc.questions)
    keywords = tuple(normalise(k) for k in doc.keywords)
    words = {word for q in questions for word in q} | {w for k in keywords for w in k.split()}
    texts = tuple(" ".join(q) for q in questions) + keywords
    phrases = tuple(p for p in (*questions, *(tuple(k.split()) for k in keywords)) if p)
    return _Indexed(doc.id, frozenset(words), phrases, texts)
