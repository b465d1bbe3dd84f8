"""The PLUT directory (Pusat Layanan Usaha Terpadu): CSV imports (`blk-bot import plut`, or
the file sent in chat by an administrator; columns as `blk-bot template plut`) and the
PLUTs nearest a participant's home regency, shown under "Langkah berikutnya". No public
list of PLUT locations exists, so the table stays empty until coordinators add rows, and
then nothing is shown.
"""

from __future__ import annotations

import asyncio
import enum
from collections import Counter
from collections.abc import Container, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.audit import audit_import
from bot.csv_table import ImportReport, Record, RejectedRow, decode, read_table
from bot.directory.blk_csv import coordinates_of, regency_code_of
from bot.places.geo import haversine_km
from storage.database import Database
from storage.directory_repository import DirectoryRepository
from storage.plut_repository import PlutPlace, PlutRepository

REQUIRED_COLUMNS = ("id", "name", "regency_code")
OPTIONAL_COLUMNS = ("address", "latitude", "longitude", "phone", "source")
MAX_LENGTHS = {"id": 48, "name": 200, "address": 300, "phone": 32}
NEAREST = 3


class PlutReject(enum.Enum):
    """Values shared with the BLK directory's reasons, so reports word them the same."""

    MISSING_FIELD = "missing_field"
    DUPLICATE_ID_IN_FILE = "duplicate_id_in_file"
    FIELD_TOO_LONG = "field_too_long"
    UNKNOWN_REGENCY = "unknown_regency"
    BAD_COORDINATES = "bad_coordinates"


@dataclass(frozen=True)
class PlutDistance:
    plut: PlutPlace
    distance_km: float


def check_rows(
    records: list[Record], regency_codes: Container[str]
) -> tuple[list[dict[str, Any]], list[RejectedRow]]:
    """Checked rows holding only the columns given (blank optional cells are kept)."""
    ids = Counter(record.cells.get("id", "") for record in records)
    rows: list[dict[str, Any]] = []
    rejected: list[RejectedRow] = []
    for record in records:
        checked = _row(record, regency_codes, ids)
        if isinstance(checked, RejectedRow):
            rejected.append(checked)
        else:
            rows.append(checked)
    return rows, rejected


def _row(
    record: Record, regency_codes: Container[str], ids: Counter[str]
) -> dict[str, Any] | RejectedRow:
    cells = record.cells

    def reject(reason: PlutReject, name: str) -> RejectedRow:
        return RejectedRow(record.line, cells.get("id", ""), reason, name)

    for name in REQUIRED_COLUMNS:
        if not cells.get(name):
            return reject(PlutReject.MISSING_FIELD, name)
    if ids[cells["id"]] > 1:
        return reject(PlutReject.DUPLICATE_ID_IN_FILE, "id")
    for name, limit in MAX_LENGTHS.items():
        if len(cells.get(name, "")) > limit:
            return reject(PlutReject.FIELD_TOO_LONG, name)
    regency = regency_code_of(cells["regency_code"])
    if regency not in regency_codes:
        return reject(PlutReject.UNKNOWN_REGENCY, "regency_code")
    coords = coordinates_of(cells.get("latitude", ""), cells.get("longitude", ""))
    if isinstance(coords, str):
        return reject(PlutReject.BAD_COORDINATES, coords)
    row: dict[str, Any] = {"id": cells["id"], "name": cells["name"], "regency_code": regency}
    row["latitude"], row["longitude"] = coords
    for name in ("address", "phone"):
        if name in cells:
            row[name] = cells[name]
    if cells.get("source"):  # blank: keep the stored source, or the file's name when new
        row["source"] = cells["source"]
    return row


def _checked(
    raw: bytes, regency_codes: Container[str]
) -> tuple[list[dict[str, Any]], list[RejectedRow]]:
    _header, records = read_table(decode(raw), REQUIRED_COLUMNS)
    return check_rows(records, regency_codes)


class PlutDirectory:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def import_csv(
        self, raw: bytes, *, source_name: str, actor_id: int | None = None
    ) -> ImportReport:
        """Add or update PLUTs by id, every valid row in one transaction (the CLI; uploads
        go in chunks through `bot.coordinators.import_jobs`); `TableError` (nothing
        written) when the file cannot be read as a whole."""
        rows, rejected = await self.check(raw)
        async with self._db.transaction() as session:
            report = await self.apply(session, rows, source_name)
            report.rejected = rejected
            if actor_id is not None:
                audit_import(session, actor_id, "plut", report)
        return report

    async def check(self, raw: bytes) -> tuple[list[dict[str, Any]], list[RejectedRow]]:
        """Every row checked, in file order, before any is written; raises `TableError`
        for problems of the whole file."""
        async with self._db.transaction() as session:
            codes = await DirectoryRepository(session).regency_codes()
        return await asyncio.to_thread(_checked, raw, codes)

    @staticmethod
    async def apply(
        session: AsyncSession, rows: Sequence[dict[str, Any]], source_name: str
    ) -> ImportReport:
        """Add or update checked rows in the caller's transaction."""
        added, updated, unchanged = await PlutRepository(session).upsert(
            rows, {"source": source_name}
        )
        return ImportReport(added, updated, unchanged)

    async def near(self, regency_code: str, limit: int = NEAREST) -> list[PlutDistance]:
        """PLUTs nearest the regency's centroid, nearest first; none while the table is
        empty or the regency is unknown."""
        async with self._db.transaction() as session:
            repository = PlutRepository(session)
            places = await repository.places()
            point = await repository.regency_point(regency_code) if places else None
        if point is None:
            return []
        found = [PlutDistance(p, haversine_km(*point, p.latitude, p.longitude)) for p in places]
        return sorted(found, key=lambda d: (d.distance_km, d.plut.name))[:limit]
