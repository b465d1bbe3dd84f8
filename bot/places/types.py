"""Places as values: provinces, regencies, kecamatan and the results of matching typed names.

Shared by the directory (`bot.places.regions`) and the kecamatan search (`bot.places.search`)
and by everyone who shows a place, so neither module needs the other for its types.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# A name typed exactly as the directory has it (0..100 similarity).
EXACT_SCORE = 100.0

# Official prefixes, longest first so "Kota Administrasi X" is not cut as "Kota" + "Administrasi X".
_PREFIXES: tuple[tuple[str, str], ...] = (
    ("Kabupaten Administrasi ", ""),
    ("Kota Administrasi ", ""),
    ("Kabupaten ", "Kab. "),
    ("Kota ", "Kota "),
)


@dataclass(frozen=True, slots=True)
class Province:
    """A province with the timezone used to show local times (schedules, deadlines)."""

    code: str  # "32"
    name: str  # "Jawa Barat"
    timezone: str  # IANA name, e.g. "Asia/Jakarta"
    tz_abbr: str  # "WIB" / "WITA" / "WIT", as Indonesians write times


@dataclass(frozen=True, slots=True)
class Regency:
    """A kabupaten or kota; coordinates are polygon centroids (for "nearest BLK")."""

    code: str  # "32.16"
    name: str  # official, e.g. "Kabupaten Bekasi"
    province_code: str
    latitude: float
    longitude: float

    @property
    def is_kota(self) -> bool:
        """True for a city (kota), False for a kabupaten."""
        return self.name.startswith("Kota ")

    @property
    def base_name(self) -> str:
        """Name without the Kabupaten/Kota prefix, used for sorting ("Bekasi")."""
        for prefix, _ in _PREFIXES:
            if self.name.startswith(prefix):
                return self.name.removeprefix(prefix)
        return self.name

    @property
    def short_name(self) -> str:
        """Button-sized label: "Kab. Bekasi", "Kota Bekasi", "Jakarta Timur"."""
        for prefix, short in _PREFIXES:
            if self.name.startswith(prefix):
                return short + self.base_name.replace("Kepulauan", "Kep.")
        return self.name


@dataclass(frozen=True, slots=True)
class PlaceMatch:
    """A province candidate for typed text, with its 0..100 similarity score."""

    code: str
    name: str
    score: float


@dataclass(frozen=True, slots=True)
class PlaceLookup:
    """Result of matching typed text against regencies.

    ``best`` is set only for one clear winner; ``candidates`` holds up to five close
    matches (best first when set) so the user can pick; empty when nothing is close.
    """

    best: Regency | None = None
    candidates: list[Regency] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class District:
    """A kecamatan; coordinates are polygon centroids (finer than the regency's)."""

    code: str  # "32.01.01"
    name: str  # "Cibinong"
    regency_code: str  # "32.01"
    latitude: float
    longitude: float


@dataclass(frozen=True, slots=True)
class PlaceHit:
    """A regency, or a kecamatan with its regency; ``score`` is the 0..100 similarity."""

    regency: Regency
    district: District | None = None
    score: float = EXACT_SCORE

    @property
    def latitude(self) -> float:
        """The kecamatan's centroid when known: a better start for "nearest BLK"."""
        return self.district.latitude if self.district else self.regency.latitude

    @property
    def longitude(self) -> float:
        """See :attr:`latitude`."""
        return self.district.longitude if self.district else self.regency.longitude


@dataclass(frozen=True, slots=True)
class PlaceSearch:
    """Like :class:`PlaceLookup`, but hits may be kecamatan.

    ``best`` only for one clear winner (then also ``candidates[0]``); up to five candidates.
    """

    best: PlaceHit | None = None
    candidates: list[PlaceHit] = field(default_factory=list)
