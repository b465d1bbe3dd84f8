"""Directory of Indonesian provinces and regencies/cities for the domicile step.

Data ships in ``bot/data`` (see its README for provenance); names typed by users are
matched with :mod:`bot.places.names` (normalisation, aliases, fuzzy ranking).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache, cached_property

from bot.directory.nearest import Located, NearestIndex
from bot.places.geo import FAR_FROM_LAND_KM
from bot.places.names import KABUPATEN, KOTA, PlaceIndex, read_data_csv
from bot.places.search import PlaceSearcher
from bot.places.types import District, PlaceLookup, PlaceMatch, PlaceSearch, Province, Regency


class RegionDirectory:
    """In-memory provinces, regencies and kecamatan with lookup and typed-name matching."""

    def __init__(
        self,
        provinces: list[Province],
        regencies: list[Regency],
        aliases: list[tuple[str, str]],
        districts: Sequence[District] = (),
    ) -> None:
        """Build indexes; ``aliases`` are (alias, code) with province or regency codes."""
        self._provinces = {p.code: p for p in sorted(provinces, key=lambda p: p.name)}
        self._regencies = {r.code: r for r in regencies}
        self._districts = {d.code: d for d in districts if d.regency_code in self._regencies}
        self._by_province: dict[str, list[Regency]] = {code: [] for code in self._provinces}
        for regency in sorted(regencies, key=lambda r: (r.base_name, r.name)):
            self._by_province.setdefault(regency.province_code, []).append(regency)
        self._province_index = PlaceIndex(
            [(p.name, p.code) for p in provinces],
            [(a, c) for a, c in aliases if c in self._provinces],
            {},
        )
        self._regency_index = PlaceIndex(
            [(r.name, r.code) for r in regencies],
            [(a, c) for a, c in aliases if c in self._regencies],
            {r.code: KOTA if r.is_kota else KABUPATEN for r in regencies},
        )

    @classmethod
    def load(cls) -> RegionDirectory:
        """Read the CSVs shipped in ``bot/data``; prefer the cached :func:`default_directory`."""
        zones = {row["province_code"]: row for row in read_data_csv("province_timezones.csv")}
        # Kemendagri's data can lag a law that renames a province: the current name is shown,
        # the former one stays an alias so it still finds the province when typed.
        renames = read_data_csv("province_names.csv")
        current = {row["code"]: row["name"] for row in renames}
        provinces: dict[str, Province] = {}
        regencies: list[Regency] = []
        for row in read_data_csv("regions.csv"):
            code = row["province_code"]
            if code not in provinces:
                zone = zones[code]  # KeyError here means province_timezones.csv lacks a row
                name = current.get(code, row["province_name"])
                provinces[code] = Province(code, name, zone["timezone"], zone["tz_abbr"])
            regencies.append(
                Regency(
                    row["code"], row["name"], code, float(row["latitude"]), float(row["longitude"])
                )
            )
        aliases = [(row["alias"], row["code"]) for row in read_data_csv("place_aliases.csv")]
        aliases += [(row["former_name"], row["code"]) for row in renames]
        districts = [
            District(
                row["code"],
                row["name"],
                row["regency_code"],
                float(row["latitude"]),
                float(row["longitude"]),
            )
            for row in read_data_csv("districts.csv")
        ]
        return cls(list(provinces.values()), regencies, aliases, districts)

    def provinces(self) -> list[Province]:
        """All provinces sorted by name."""
        return list(self._provinces.values())

    def province(self, code: str) -> Province | None:
        """Province by code ("32"), None if unknown."""
        return self._provinces.get(code)

    def regencies(self, province_code: str) -> list[Regency]:
        """Regencies of a province, kota and kabupaten interleaved by name without prefix."""
        return list(self._by_province.get(province_code, []))

    def regency(self, code: str) -> Regency | None:
        """Regency by code ("32.16"), None if unknown."""
        return self._regencies.get(code)

    def all_regencies(self) -> list[Regency]:
        """Every regency, in code order."""
        return sorted(self._regencies.values(), key=lambda r: r.code)

    def districts(self, regency_code: str | None = None) -> list[District]:
        """Kecamatan in code order, all or those of one regency."""
        found = (d for d in self._districts.values() if regency_code in (None, d.regency_code))
        return sorted(found, key=lambda d: d.code)

    def district(self, code: str) -> District | None:
        """Kecamatan by code ("32.01.01"), None if unknown."""
        return self._districts.get(code)

    def match_provinces(self, text: str) -> list[PlaceMatch]:
        """Provinces for typed text: ``[winner]`` when clear, else up to 5 close ones, else []."""
        ranking = self._province_index.rank(text)
        ranked = [(c, s) for c, s in ranking.ranked if not ranking.best or c == ranking.best]
        return [PlaceMatch(c, self._provinces[c].name, s) for c, s in ranked]

    def match_regencies(self, text: str, province_code: str | None = None) -> PlaceLookup:
        """Regencies for typed text, optionally only within one province."""
        allowed = None
        if province_code is not None:
            allowed = {r.code for r in self._by_province.get(province_code, [])}
        ranking = self._regency_index.rank(text, allowed)
        best = self._regencies[ranking.best] if ranking.best else None
        return PlaceLookup(best, [self._regencies[code] for code, _ in ranking.ranked])

    def locate(self, lat: float, lon: float) -> District | None:
        """The kecamatan whose centre is nearest a shared point; None when the point is
        outside Indonesia or at sea (`FAR_FROM_LAND_KM` from every centre)."""
        found = self._district_points.nearest(lat, lon, limit=1)
        if not found or found[0][1] > FAR_FROM_LAND_KM:
            return None
        return found[0][0].item

    @cached_property
    def _district_points(self) -> NearestIndex[District]:
        """Built on first use, like `_searcher`."""
        return NearestIndex(
            [Located(d, d.latitude, d.longitude, (d.code,)) for d in self._districts.values()]
        )

    @cached_property
    def _searcher(self) -> PlaceSearcher:
        """Built on first use: indexing 7,285 kecamatan takes time the domicile step never needs."""
        return PlaceSearcher(self, self._regency_index, self._districts)

    def match_places(self, text: str, province_code: str | None = None) -> PlaceSearch:
        """Regency or kecamatan for typed text ("Cibinong", "kec. Cilandak", "jogja").

        "Wonosari, Gunungkidul": text after a comma narrows the kecamatan to that regency
        (or province), since kecamatan names repeat across Indonesia.
        """
        return self._searcher.search(text, province_code)


@cache
def default_directory() -> RegionDirectory:
    """The shipped directory, loaded once per process (it is immutable)."""
    return RegionDirectory.load()
