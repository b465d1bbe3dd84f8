"""The directory as the lookups see it: frozen values built from the database, no ORM objects."""

from __future__ import annotations

from dataclasses import dataclass

from bot.nearest import CoordPrecision, Located, NearestIndex, precision_of
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
    provinces = {p.code: p for p in await repo.provinces()}
    regencies = {r.code: r for r in await repo.regencies()}
    points: list[Located[BlkInfo]] = []
    for blk in await repo.all_blks():
        regency = regencies[blk.regency_code]  # a foreign key: always there
        province = provinces[regency.province_code]
        has_point = blk.latitude is not None and blk.longitude is not None
        lat, lon = (blk.latitude, blk.longitude) if has_point else (None, None)
        lat = regency.latitude if lat is None else lat
        lon = regency.longitude if lon is None else lon
        info = BlkInfo(
            id=blk.id,
            name=blk.name,
            kind=blk.kind,
            address=blk.address,
            regency_code=regency.code,
            regency_name=regency.name,
            province_code=province.code,
            province_name=province.name,
            timezone=province.timezone,
            latitude=lat,
            longitude=lon,
            precision=precision_of(blk.coord_source, has_point),
        )
        points.append(Located(info, lat, lon, (blk.name.casefold(), blk.name, blk.id)))
    return Snapshot(
        index=NearestIndex(points),
        by_id={p.item.id: p for p in points},
        regency_centroids={c: (r.latitude, r.longitude) for c, r in regencies.items()},
    )
