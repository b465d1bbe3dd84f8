"""The BLK directory: reference data in the database, CSV imports and nearest-BLK lookups.

Lookups run on an in-memory snapshot (a few thousand BLKs) so they cost no query; the snapshot
is re-checked after ``max_age`` seconds so an import made by another process shows up.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.audit import audit_import
from bot.csv_table import ImportReport
from bot.directory.blk_csv import (
    ParsedFile,
    RejectedRow,
    RejectReason,
    TableError,
    TableProblem,
    decode,
    parse,
)
from bot.directory.nearest import CoordPrecision
from bot.directory.plut import PlutDirectory
from bot.directory.snapshot import BlkInfo, Snapshot, load_snapshot
from bot.directory.sync import SyncReport, sync_reference_data
from bot.places.geo import validate_point
from bot.places.regions import RegionDirectory
from storage.database import Database
from storage.directory_repository import BlkFingerprint, BlkRow, Change, DirectoryRepository

__all__ = [
    "BlkDistance",
    "BlkInfo",
    "CoordPrecision",
    "DirectoryService",
    "ImportReport",
    "RejectReason",
    "RejectedRow",
    "SyncReport",
    "TableError",
    "TableProblem",
]


@dataclass(frozen=True, slots=True)
class BlkDistance:
    """A BLK and its great-circle distance; ``approximate`` when its point is a centroid."""

    blk: BlkInfo
    distance_km: float

    @property
    def approximate(self) -> bool:
        return self.blk.approximate


class DirectoryService:
    def __init__(
        self,
        db: Database,
        regions: RegionDirectory,
        *,
        max_age: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._db = db
        self._regions = regions
        self._max_age = max_age
        self._clock = clock
        self._snapshot: Snapshot | None = None
        self._fingerprint: BlkFingerprint | None = None
        self._checked_at = 0.0
        self._lock = asyncio.Lock()
        self.pluts = PlutDirectory(db)  # business support centres, a directory of their own

    async def sync_reference_data(self) -> SyncReport:
        """Write the packaged provinces/regencies/kecamatan; seed BLKs into an empty table.

        Runs at every start: rows are compared first, so an up-to-date database gets no writes.
        BLKs are only seeded when there are none, so coordinators' imports are never overwritten.
        """
        report = await sync_reference_data(self._db, self._regions)
        if report.blks_seeded:
            self._snapshot = None  # the next lookup loads the new rows
        return report

    async def import_blk_csv(
        self,
        path_or_bytes: bytes | str | os.PathLike[str],
        *,
        source_name: str,
        actor_id: int | None = None,
    ) -> ImportReport:
        """Add or update BLKs by id from a CSV; every valid row in one transaction.

        Raises :class:`TableError` (nothing written) when the file cannot be read as a
        whole; bad rows are listed in the report and skipped. Re-importing is a no-op.
        An upload by a person (`actor_id`) is written to the audit log with the counts.
        """
        text = decode(path_or_bytes)
        async with self._db.transaction() as session:
            repo = DirectoryRepository(session)
            parsed = parse(text, await repo.regency_codes())
            report = await self.apply_blks(session, [p.row for p in parsed.rows], source_name)
            report.rejected = parsed.rejected
            if actor_id is not None:
                audit_import(session, actor_id, "blk", report)
        await self.refresh()
        return report

    async def check_blk_csv(self, raw: bytes) -> ParsedFile:
        """Every row of a directory CSV checked, in file order, before any is written;
        raises :class:`TableError` for problems of the whole file."""
        async with self._db.transaction() as session:
            regency_codes = await DirectoryRepository(session).regency_codes()
        return await asyncio.to_thread(parse, decode(raw), regency_codes)

    @staticmethod
    async def apply_blks(
        session: AsyncSession, rows: Sequence[BlkRow], source_name: str
    ) -> ImportReport:
        """Add or update checked rows in the caller's transaction; call `refresh` after."""
        changes = list(
            (await DirectoryRepository(session).upsert_blks(rows, {"source": source_name})).values()
        )
        return ImportReport(
            added=changes.count(Change.ADDED),
            updated=changes.count(Change.UPDATED),
            unchanged=changes.count(Change.UNCHANGED),
        )

    async def refresh(self) -> None:
        """Reload the snapshot from the database now."""
        async with self._lock:
            await self._load()

    async def nearest_blks(self, lat: float, lon: float, limit: int = 5) -> list[BlkDistance]:
        """BLKs nearest to a point, nearest first; ties by name then id.

        Anywhere on Earth is accepted (a point at sea still gets the nearest BLKs); raises
        ValueError for impossible coordinates or ``limit`` < 1.
        """
        validate_point(lat, lon)
        snapshot = await self._current()
        return [
            BlkDistance(p.item, distance) for p, distance in snapshot.index.nearest(lat, lon, limit)
        ]

    async def blks_near_place(self, regency_code: str, limit: int = 5) -> list[BlkDistance]:
        """BLKs by distance from a regency's centroid; ValueError for an unknown regency."""
        snapshot = await self._current()
        centroid = snapshot.regency_centroids.get(regency_code)
        if centroid is None:
            raise ValueError(f"unknown regency code: {regency_code!r}")
        return await self.nearest_blks(*centroid, limit=limit)

    async def blk(self, blk_id: str) -> BlkInfo | None:
        """One BLK with its regency, province and timezone; None if unknown."""
        located = (await self._current()).by_id.get(blk_id)
        return located.item if located else None

    async def _current(self) -> Snapshot:
        async with self._lock:
            if self._snapshot is None:
                return await self._load()
            if self._clock() - self._checked_at >= self._max_age:
                async with self._db.transaction() as session:
                    fingerprint = await DirectoryRepository(session).blk_fingerprint()
                if fingerprint != self._fingerprint:
                    return await self._load()
                self._checked_at = self._clock()
            return self._snapshot

    async def _load(self) -> Snapshot:
        async with self._db.transaction() as session:
            repo = DirectoryRepository(session)
            self._fingerprint = await repo.blk_fingerprint()
            self._snapshot = await load_snapshot(repo)
        self._checked_at = self._clock()
        return self._snapshot
