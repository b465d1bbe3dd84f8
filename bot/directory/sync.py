"""Start-up sync of the packaged reference data (provinces, regencies, kecamatan, BLK seed)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from importlib.resources import files

from sqlalchemy.exc import IntegrityError

from bot.directory.blk_csv import decode, parse
from bot.places.regions import RegionDirectory
from storage.database import Database
from storage.directory_repository import DirectoryRepository, DistrictRow, ProvinceRow, RegencyRow

logger = logging.getLogger(__name__)

PACKAGED_BLK_SOURCE = "bot/data/blk.csv"
# Start-up sync racing another process (two replicas): the loser retries once and finds rows.
_SYNC_ATTEMPTS = 2


@dataclass(frozen=True, slots=True)
class SyncReport:
    """Rows written by :func:`sync_reference_data` (all 0 when the database was up to date)."""

    provinces: int = 0
    regencies: int = 0
    districts: int = 0
    blks_seeded: int = 0


async def sync_reference_data(db: Database, regions: RegionDirectory) -> SyncReport:
    """Write the packaged provinces/regencies/kecamatan; seed BLKs into an empty table.

    Rows are compared first, so an up-to-date database gets no writes (~50-100 ms). BLKs are
    seeded only when there are none, so coordinators' imports are never overwritten. Rows no
    longer in the package are kept: registrations and BLKs may still point at them.
    """
    for attempt in range(_SYNC_ATTEMPTS):
        try:
            return await _sync(db, regions)
        except IntegrityError:
            if attempt + 1 == _SYNC_ATTEMPTS:
                raise
    raise AssertionError("unreachable")


async def _sync(db: Database, regions: RegionDirectory) -> SyncReport:
    provinces = [
        ProvinceRow(code=p.code, name=p.name, timezone=p.timezone) for p in regions.provinces()
    ]
    regencies = [
        RegencyRow(
            code=r.code,
            name=r.name,
            province_code=r.province_code,
            latitude=r.latitude,
            longitude=r.longitude,
        )
        for r in regions.all_regencies()
    ]
    districts = [
        DistrictRow(
            code=d.code,
            name=d.name,
            regency_code=d.regency_code,
            latitude=d.latitude,
            longitude=d.longitude,
        )
        for d in regions.districts()
    ]
    async with db.transaction() as session:
        repo = DirectoryRepository(session)
        written = [
            await repo.upsert_provinces(provinces),
            await repo.upsert_regencies(regencies),
            await repo.upsert_districts(districts),
        ]
        seeded = 0
        if await repo.blk_count() == 0:
            packaged = (files("bot") / "data" / "blk.csv").read_bytes()
            parsed = parse(decode(packaged), {r["code"] for r in regencies})
            if parsed.rejected:  # a broken package: seed what is valid, log the rest
                logger.warning("packaged blk.csv rows rejected: %s", parsed.rejected)
            rows = [p.row for p in parsed.rows]
            seeded = len(await repo.upsert_blks(rows, {"source": PACKAGED_BLK_SOURCE}))
    p, r, d = (w.added + w.updated for w in written)
    return SyncReport(p, r, d, seeded)
