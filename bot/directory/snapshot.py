"""The directory as the lookups see it: frozen values built from the database, no ORM objects."""

from __future__ import annotations

from dataclasses import dataclass

from bot.directory.nearest import CoordPrecision, Located, NearestIndex, precision_of
from storage.directory_repository import DirectoryRepository


@dataclass(frozen=True, slots=True)
class BlkInfo:
    """A BLK with the names and timezone handlers show; ``latitude``/``longitude`` are the
    point used for distances (the regency centroid when the BLK has no coordinates)."""

    id: str
    name: str
    kind: str  # UPTP / UPTD / BLKK
    address: str
    regency_code: str
    regency_name: str
    province_code: str
    province_name: str
    timezone: str  # IANA name of the province
    latitude: float
    longitude: float
    precision: CoordPrecision

    @property
    def approximate(self) -> bool:
        """True when the point is a kecamatan or regency centroid, not the building."""
        return self.precision is not CoordPrecision.SOURCE


@dataclass(frozen=True, slots=True)
class Snapshot:
    index: NearestIndex[BlkInfo]
    by_id: dict[str, Located[BlkInfo]]
    regency_centroids: dict[str, tuple[float, float]]


async def load_snapshot(repo: DirectoryRepository) -> Snapshot:
    """Read provinces, regencies and BLKs (three queries) into a :class:`Snapshot`."""
    provinces = {p.code: (p.name, p.timezone) for p in await repo.provinces()}
    places: dict[str, dict[str, str]] = {}  # regency code -> BlkInfo fields, built once
    centroids: dict[str, tuple[float, float]] = {}
    for r in await repo.regencies():
        province_name, timezone = provinces[r.province_code]
        places[r.code] = {
            "regency_code": r.code,
            "regency_name": r.name,
            "province_code": r.province_code,
            "province_name": province_name,
            "timezone": timezone,
        }
        centroids[r.code] = (r.latitude, r.longitude)
    points: list[Located[BlkInfo]] = []
    for blk in await repo.blk_rows():
        has_point = blk.latitude is not None and blk.longitude is not None
        lat, lon = (blk.latitude, blk.longitude) if has_point else centroids[blk.regency_code]
        info = BlkInfo(
            id=blk.id,
            name=blk.name,
            kind=blk.kind,
            address=blk.address,
            latitude=lat,
            longitude=lon,
            precision=precision_of(blk.coord_source, has_point),
            **places[blk.regency_code],  # a foreign key: always there
        )
        points.append(Located(info, lat, lon, (blk.name.casefold(), blk.name, blk.id)))
    return Snapshot(
        index=NearestIndex(points),
        by_id={p.item.id: p for p in points},
        regency_centroids=centroids,
    )
