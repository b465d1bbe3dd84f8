"""Normalisation and fuzzy ranking of typed Indonesian place names.

Word rewrites (``kab`` -> ``kabupaten``, ``kep`` -> ``kepulauan``, ...) live in
``bot/data/place_words.csv`` so they can be extended without code changes.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections import defaultdict
from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from rapidfuzz import fuzz, process

# --- Matching thresholds (scores 0..100: best of rapidfuzz ratio and token_set_ratio) ---
# One wrong letter costs ~8-17 points in a 6-12 letter name (5-letter: 80), so >= 80 accepts a
# single typo. The winner must also lead the runner-up by 6: on a benchmark of 1,542 random
# one-edit typos this resolved 96% (with kab/kota prefix) and picked the wrong place in
# 0.1-0.3%; a margin of 3 doubled the wrong picks. Ties (Kab./Kota Bekasi) stay ambiguous.
BEST_MIN_SCORE = 80.0
BEST_MARGIN = 6.0
# Below 75 matches mostly share letters by chance (4-letter name with 1 wrong letter = 75).
CANDIDATE_MIN_SCORE = 75.0
# Only offer alternatives nearly as good as the top one, so a clear hit is not buried.
CANDIDATE_WINDOW = 12.0
# Five buttons fit a chat screen; more becomes a list nobody reads.
MAX_CANDIDATES = 5
# Text = a whole name plus extra words ("bekasi jawa barat") is likely that place, but the
# extra words are often a mistyped part of a longer name ("luwu timu" -> Luwu Timur, not
# Luwu), so it scores below such a typo (~90-97) instead of token-set's 100.
SUPERSET_SCORE = 85.0
# Typing "kota" where the place is a kabupaten (or vice versa) is a strong but not absolute
# hint; 10 > BEST_MARGIN so "kab bekasi" beats "Kota Bekasi", yet "kota garut" finds Garut.
KIND_MISMATCH_PENALTY = 10.0
# Abbreviations like "sby", "bdg", "solo" are matched exactly only: fuzzily they hit everything.
SHORT_ALIAS_MAX_LEN = 4
# One or two letters carry no signal for fuzzy matching.
MIN_FUZZY_QUERY_LEN = 3
# No place name is this long; bounds the cost of matching pasted text.
MAX_QUERY_LEN = 80

KABUPATEN = "kabupaten"
KOTA = "kota"
_KINDS = frozenset({KABUPATEN, KOTA})
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_APOSTROPHES = re.compile(r"['\u2019`]")


def read_data_csv(name: str) -> list[dict[str, str]]:
    """Read a CSV shipped in ``bot/data`` (works from a wheel/zip, not only a checkout)."""
    text = (files("bot") / "data" / name).read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


@cache
def _word_rewrites() -> dict[str, str]:
    return {row["word"]: row["replacement"] for row in read_data_csv("place_words.csv")}


@dataclass(frozen=True, slots=True)
class NormalisedPlace:
    """Typed text split into an optional leading kind word and the comparable core."""

    kind: str | None  # KABUPATEN / KOTA when the text started with one, else None
    core: str  # e.g. "bekasi", "kepulauan seribu"


def normalise(text: str) -> NormalisedPlace:
    """Lowercase, strip accents/punctuation, rewrite words, split off a leading kind word.

    Only a *leading* kind word counts: "Kabupaten Lima Puluh Kota" ends in "kota".
    """
    folded = unicodedata.normalize("NFKD", text[:MAX_QUERY_LEN])
    folded = folded.encode("ascii", "ignore").decode("ascii").lower()
    rewrites = _word_rewrites()
    words: list[str] = []
    for word in _NON_ALNUM.split(_APOSTROPHES.sub("", folded)):
        if word:
            words.extend(rewrites.get(word, word).split())
    kind = words.pop(0) if words and words[0] in _KINDS else None
    return NormalisedPlace(kind, " ".join(words))


@dataclass(frozen=True, slots=True)
class Ranking:
    """Outcome of a lookup: a clear winner (if any) and close codes with scores, best first."""

    best: str | None
    ranked: list[tuple[str, float]]


class PlaceIndex:
    """Exact + fuzzy lookup from normalised names/aliases to codes."""

    def __init__(
        self,
        names: Iterable[tuple[str, str]],
        aliases: Iterable[tuple[str, str]],
        kinds: Mapping[str, str | None],
        *,
        kind_word_in_name: bool = False,
        reordered_typos: bool = True,
    ) -> None:
        """``names``/``aliases`` are (text, code) pairs; ``kinds`` maps code -> KABUPATEN/KOTA.

        ``kind_word_in_name`` keeps a leading "kota" as part of the name: kecamatan such as
        "Kota Baru" or "Kota" have no kabupaten/kota kind, the word is just their name.
        ``reordered_typos=False`` skips the token-sort pass (reordered words, each mistyped):
        it is 60% of the cost on 7,285 kecamatan, for a case typed place names hardly show.
        """
        self._kinds = kinds
        self._kind_word_in_name = kind_word_in_name
        self._reordered_typos = reordered_typos
        self._exact: dict[str, set[str]] = defaultdict(set)
        fuzzy: dict[tuple[str, str], None] = {}
        for is_alias, pairs in ((False, names), (True, aliases)):
            for text, code in pairs:
                core = self._normalise(text).core
                if not core:
                    continue
                self._exact[core].add(code)
                if not is_alias or len(core) > SHORT_ALIAS_MAX_LEN:
                    fuzzy[(core, code)] = None
        self._texts = [text for text, _ in fuzzy]
        self._codes = [code for _, code in fuzzy]
        self._words = [frozenset(text.split()) for text in self._texts]
        self._word_index: dict[str, list[int]] = defaultdict(list)
        for i, words in enumerate(self._words):
            for word in words:
                self._word_index[word].append(i)

    def _normalise(self, text: str) -> NormalisedPlace:
        place = normalise(text)
        if self._kind_word_in_name and place.kind:
            return NormalisedPlace(None, f"{place.kind} {place.core}".strip())
        return place

    def _fuzzy_scores(self, core: str) -> dict[int, float]:
        """Best of plain and token-set similarity per text index.

        Plain ratio catches typos and split/joined words ("pekan baru"); token-set scores a
        whole-word subset as 100 ("seribu" in "kepulauan seribu", "bekasi jawa barat"), without
        WRatio's letter-substring bonus that made "belum tahu" match "Belu".

        Token-set is slow (~3.5 ms on 7,285 kecamatan), so it runs only on texts sharing a word
        with the query; for texts without common words it equals token-sort, the optional pass.
        """
        query_words = frozenset(core.split())
        is_shared = {i for word in query_words for i in self._word_index.get(word, ())}
        shared = sorted(is_shared)
        best: dict[int, float] = {}
        passes = [
            (fuzz.ratio, self._texts, None),
            (fuzz.token_set_ratio, [self._texts[i] for i in shared], shared),
        ]
        if self._reordered_typos:
            passes.append((fuzz.token_sort_ratio, self._texts, None))
        for scorer, texts, positions in passes:
            hits = process.extract(
                core,
                texts,
                scorer=scorer,
                processor=None,
                limit=None,
                score_cutoff=CANDIDATE_MIN_SCORE,
            )
            for _, score, key in hits:
                i = positions[key] if positions is not None else key
                if scorer is fuzz.token_sort_ratio and i in is_shared:
                    continue  # token-set decides for texts with common words
                if scorer is fuzz.token_set_ratio and self._words[i] < query_words:
                    score = min(score, SUPERSET_SCORE)
                best[i] = max(score, best.get(i, 0.0))
        return best

    def rank(self, text: str, allowed: Container[str] | None = None) -> Ranking:
        """Rank codes for ``text``; ``allowed`` restricts codes (e.g. one province)."""
        query = self._normalise(text)
        words = query.core.split()
        if (
            query.kind is None
            and not self._kind_word_in_name
            and len(words) > 1
            and words[-1] in _KINDS
            and query.core not in self._exact
        ):  # "bekasi kota", but not "lima puluh kota"
            query = NormalisedPlace(words[-1], " ".join(words[:-1]))
        if not self._kinds:  # provinces have no kabupaten/kota distinction
            query = NormalisedPlace(None, query.core)
        if not query.core:
            return Ranking(None, [])

        def ok(code: str) -> bool:
            return allowed is None or code in allowed

        exact: list[str] = []
        scores: dict[str, float] = {}
        for code in sorted(c for c in self._exact.get(query.core, ()) if ok(c)):
            if query.kind in (None, self._kinds.get(code)):
                exact.append(code)
                scores[code] = 100.0
            else:  # "kota garut": right name, wrong kind -> strong hint, not certainty
                scores[code] = 100.0 - KIND_MISMATCH_PENALTY
        if len(query.core) >= MIN_FUZZY_QUERY_LEN:
            for i, score in self._fuzzy_scores(query.core).items():
                code = self._codes[i]
                if code in exact or not ok(code):
                    continue
                if query.kind and self._kinds.get(code) != query.kind:
                    score -= KIND_MISMATCH_PENALTY
                scores[code] = max(score, scores.get(code, 0.0))
        ranked = sorted(scores.items(), key=lambda item: (item[0] not in exact, -item[1], item[0]))
        if not ranked:
            return Ranking(None, [])
        top = ranked[0][1]
        close = [
            (c, s)
            for c, s in ranked
            if c in exact or s >= max(top - CANDIDATE_WINDOW, CANDIDATE_MIN_SCORE)
        ]
        if exact:
            best = exact[0] if len(exact) == 1 else None
        else:
            runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
            clear = top >= BEST_MIN_SCORE and top - runner_up >= BEST_MARGIN
            best = ranked[0][0] if clear else None
        return Ranking(best, close[:MAX_CANDIDATES])
