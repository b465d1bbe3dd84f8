"""Typed place search over regencies *and* kecamatan ("Cibinong", "Muncar", "Cilandak").

Users often answer "where do you live" with their kecamatan. Regency names keep priority
(they are what the domicile step stores); a kecamatan wins only when it is clearly the better
match, and a kecamatan name shared by several regencies stays a list of candidates.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Container
from typing import Protocol

from bot.places.names import (
    CANDIDATE_WINDOW,
    MAX_CANDIDATES,
    PlaceIndex,
    Ranking,
    normalise,
)
from bot.places.types import (
    EXACT_SCORE,
    District,
    PlaceHit,
    PlaceLookup,
    PlaceMatch,
    PlaceSearch,
    Regency,
)

# Leading words that say the text is a kecamatan ("kec. cilandak"): search kecamatan only.
DISTRICT_WORDS = frozenset({"kecamatan", "kec", "kac", "kecamatn"})
# 7,285 kecamatan names hold many spelling variants (Kedungreja/Kedungrejo) and village names
# repeat them, so a one-letter difference is as likely another place as a typo: a kecamatan is
# a clear winner only when (nearly) exact, e.g. "Pondok Gede" for "Pondokgede" (95).
DISTRICT_BEST_MIN_SCORE = 95.0


class Regions(Protocol):
    """What the search asks of the directory (`bot.places.regions.RegionDirectory`)."""

    def regencies(self, province_code: str) -> list[Regency]: ...

    def regency(self, code: str) -> Regency | None: ...

    def match_provinces(self, text: str) -> list[PlaceMatch]: ...

    def match_regencies(self, text: str, province_code: str | None = None) -> PlaceLookup: ...


class RegencyFilter:
    """``in`` test for district codes by regency, without a set of 7,285 codes."""

    def __init__(self, regency_codes: set[str]) -> None:
        self._regencies = regency_codes

    def __contains__(self, district_code: object) -> bool:
        return isinstance(district_code, str) and district_code[:5] in self._regencies


def district_query(text: str) -> tuple[str, bool]:
    """Normalised text for the kecamatan index, and whether it was marked as a kecamatan."""
    place = normalise(text)
    words = [w for w in (place.kind, *place.core.split()) if w]
    marked = bool(words) and words[0] in DISTRICT_WORDS
    return " ".join(words[1:] if marked else words), marked


def merge(
    query_core: str,
    regencies: Ranking,
    districts: Ranking,
    exact_districts: Container[str],
    regency_of: Callable[[str], Regency],
    district_of: Callable[[str], District],
) -> PlaceSearch:
    """Combine the two rankings: regency first on equal scores, kecamatan only when clearly ahead.

    A kecamatan wins only if no other regency is close enough to be offered next to it: an exact
    "Muncar" (100) beats "Muna" (80), but "Makasar" (a kecamatan in Jakarta Timur, and the usual
    misspelling of Makassar, 93) and "Bandunng" stay ambiguous.
    """
    r_scores = dict(regencies.ranked)
    d_scores = dict(districts.ranked)
    r_top = max(r_scores.values(), default=0.0)
    d_top = max(d_scores.values(), default=0.0)
    best: PlaceHit | None = None
    if regencies.best and r_scores[regencies.best] >= d_top:
        regency = regency_of(regencies.best)
        named = [district_of(c) for c, _ in districts.ranked if c in exact_districts]
        best = _regency_best(query_core, regency, r_scores[regency.code], named)
    elif districts.best and d_scores[districts.best] >= DISTRICT_BEST_MIN_SCORE:
        district = district_of(districts.best)
        rivals = [s for c, s in r_scores.items() if c != district.regency_code]  # "kota garut"
        if d_scores[district.code] >= max(rivals, default=0.0) + CANDIDATE_WINDOW:
            best = PlaceHit(regency_of(district.regency_code), district, d_scores[district.code])

    hits = [PlaceHit(regency_of(c), None, s) for c, s in regencies.ranked]
    for code, score in districts.ranked:
        district = district_of(code)
        if r_scores.get(district.regency_code, -1.0) >= score:
            continue  # "Bantul" the kecamatan adds nothing to "Bantul" the regency
        hits.append(PlaceHit(regency_of(district.regency_code), district, score))
    floor = max(r_top, d_top) - CANDIDATE_WINDOW
    hits = [h for h in hits if h.score >= floor or h.score == EXACT_SCORE]
    hits.sort(key=lambda h: (-h.score, h.district is not None))
    if best is not None:
        same = (None, best.district)
        hits = [best, *(h for h in hits if h.regency != best.regency or h.district not in same)]
    return PlaceSearch(best, hits[:MAX_CANDIDATES])


def _regency_best(
    query_core: str, regency: Regency, score: float, named: list[District]
) -> PlaceHit | None:
    """The regency found by the regency index, with the kecamatan named if that is what it was.

    ``named`` are kecamatan whose name is exactly the text. The official regency name wins over
    them ("Karanganyar"); a town alias does not ("wonosari" is Gunungkidul's capital, and a
    kecamatan in Klaten, Malang, ...).
    """
    if normalise(regency.name).core == query_core:
        return PlaceHit(regency, None, score)
    inside = [d for d in named if d.regency_code == regency.code]
    if len(inside) < len(named):
        return None
    return PlaceHit(regency, inside[0] if len(inside) == 1 else None, score)


class PlaceSearcher:
    """Kecamatan index plus the regency index of a :class:`RegionDirectory`."""

    def __init__(
        self,
        directory: Regions,
        regency_index: PlaceIndex,
        districts: dict[str, District],
    ) -> None:
        self._directory = directory
        self._regency_index = regency_index
        self._districts = districts
        names = [(d.name, d.code) for d in districts.values()]
        self._by_name: dict[str, set[str]] = defaultdict(set)
        for name, code in names:
            self._by_name[district_query(name)[0]].add(code)
        self._district_index = PlaceIndex(
            names, [], {}, kind_word_in_name=True, reordered_typos=False
        )

    def search(self, text: str, province_code: str | None) -> PlaceSearch:
        """See :meth:`RegionDirectory.match_places`."""
        allowed = self._province_regencies(province_code)
        head, *context = text.split(",")
        if context:
            narrowed = self._context_regencies(context, province_code)
            if allowed is not None:
                narrowed &= allowed
            if narrowed:
                found = self._search(head, narrowed)
                if found.candidates:
                    return found
        return self._search(text, allowed)

    def _province_regencies(self, province_code: str | None) -> set[str] | None:
        if province_code is None:
            return None
        return {r.code for r in self._directory.regencies(province_code)}

    def _context_regencies(self, parts: list[str], province_code: str | None) -> set[str]:
        """Regency codes named by the first part naming a province or regency, else empty.

        Only an exact province counts: fuzzily "Klaten" resembles "Kalimantan Tengah".
        """
        for part in parts:
            provinces = self._directory.match_provinces(part)
            if len(provinces) == 1 and provinces[0].score == EXACT_SCORE:  # "Kuta, Bali"
                return self._province_regencies(provinces[0].code) or set()
            lookup = self._directory.match_regencies(part, province_code)
            if lookup.candidates:  # "Wonosari, Klaten"; both Bogor for "Cibinong, Bogor"
                return {lookup.best.code} if lookup.best else {r.code for r in lookup.candidates}
        return set()

    def _search(self, text: str, allowed: set[str] | None) -> PlaceSearch:
        query, district_only = district_query(text)
        no_regency = Ranking(None, [])
        regencies = no_regency if district_only else self._regency_index.rank(text, allowed)
        district_filter = RegencyFilter(allowed) if allowed is not None else None
        districts = self._district_index.rank(query, district_filter)
        exact = self._by_name.get(query, set())
        core = normalise(text).core
        return merge(core, regencies, districts, exact, self._regency, self._districts.__getitem__)

    def _regency(self, code: str) -> Regency:
        regency = self._directory.regency(code)
        assert regency is not None  # codes come from the directory's own index
        return regency
