"""Provinces, regencies, kecamatan and BLKs; callers own the transaction (no commits here).

Upserts are select-then-insert/update in bulk: portable between SQLite and PostgreSQL, and
they tell added / updated / unchanged apart, which the import report needs.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypedDict

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from storage.models import Base, Blk, District, Province, Regency, utcnow

# Below SQLite's and asyncpg's bound-parameter limits (32,766 / 32,767) with room to spare.
_IN_CHUNK = 1000


class ProvinceRow(TypedDict):
    code: str
    name: str
    timezone: str


class RegencyRow(TypedDict):
    code: str
    name: str
    province_code: str
    latitude: float
    longitude: float


class DistrictRow(TypedDict):
    code: str
    name: str
    regency_code: str
    latitude: float
    longitude: float


class BlkRow(TypedDict, total=False):
    id: str  # required; every other key is optional on update (absent = keep)
    name: str
    kind: str
    address: str
    regency_code: str
    latitude: float | None
    longitude: float | None
    coord_source: str
    phone: str
    source: str


BLK_FIELDS: tuple[str, ...] = tuple(BlkRow.__annotations__)
_BLK_DEFAULTS: dict[str, Any] = {"address": "", "coord_source": "", "phone": "", "source": ""}
_BLK_DEFAULTS |= {"latitude": None, "longitude": None}


class Change(enum.Enum):
    ADDED = "added"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True, slots=True)
class UpsertResult:
    added: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass(frozen=True, slots=True)
class DirectoryCounts:
    provinces: int
    regencies: int
    districts: int
    blks: int


@dataclass(frozen=True, slots=True)
class BlkFingerprint:
    """Cheap "did the BLK table change?" check for caches in other processes."""

    count: int
    last_update: datetime | None


class DirectoryRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def upsert_provinces(self, rows: Iterable[ProvinceRow]) -> UpsertResult:
        return await self._upsert(Province, Province.code, list(rows))

    async def upsert_regencies(self, rows: Iterable[RegencyRow]) -> UpsertResult:
        return await self._upsert(Regency, Regency.code, list(rows))

    async def upsert_districts(self, rows: Iterable[DistrictRow]) -> UpsertResult:
        return await self._upsert(District, District.code, list(rows))

    async def upsert_blk(self, row: BlkRow) -> Change:
        """Insert or update one BLK by id; keys absent from ``row`` keep their stored value."""
        return (await self.upsert_blks([row]))[row["id"]]

    async def upsert_blks(
        self, rows: Sequence[BlkRow], insert_defaults: Mapping[str, Any] | None = None
    ) -> dict[str, Change]:
        """Bulk :meth:`upsert_blk` (ids must be unique); returns the change per id.

        ``insert_defaults`` fill keys a new row lacks (e.g. ``source`` = the file's name).
        """
        defaults = _BLK_DEFAULTS | dict(insert_defaults or {})
        existing: dict[str, dict[str, Any]] = {}
        ids = [row["id"] for row in rows]
        columns = [getattr(Blk, name) for name in BLK_FIELDS]
        for start in range(0, len(ids), _IN_CHUNK):
            stmt = select(*columns).where(Blk.id.in_(ids[start : start + _IN_CHUNK]))
            existing |= {r.id: r._asdict() for r in (await self.session.execute(stmt)).all()}
        now = utcnow()
        changes: dict[str, Change] = {}
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        for row in rows:
            stored = existing.get(row["id"])
            if stored is None:
                inserts.append(defaults | dict(row) | {"created_at": now, "updated_at": now})
                changes[row["id"]] = Change.ADDED
            elif any(stored[k] != v for k, v in row.items()):
                updates.append(dict(row) | {"updated_at": now})
                changes[row["id"]] = Change.UPDATED
            else:
                changes[row["id"]] = Change.UNCHANGED
        await self._write(Blk, inserts, updates)
        return changes

    async def all_blks(self) -> list[Blk]:
        return list(await self.session.scalars(select(Blk).order_by(Blk.id)))

    async def blk_rows(self) -> list[Any]:
        """Every BLK as a plain row of ``BLK_FIELDS``: cheaper than ORM objects for a cache."""
        columns = [getattr(Blk, name) for name in BLK_FIELDS]
        return list((await self.session.execute(select(*columns).order_by(Blk.id))).all())

    async def blk(self, blk_id: str) -> Blk | None:
        return await self.session.get(Blk, blk_id)

    async def blks_in_regency(self, regency_code: str) -> list[Blk]:
        stmt = select(Blk).where(Blk.regency_code == regency_code).order_by(Blk.name, Blk.id)
        return list(await self.session.scalars(stmt))

    async def blk_count(self) -> int:
        return (await self.session.execute(select(func.count()).select_from(Blk))).scalar_one()

    async def blk_fingerprint(self) -> BlkFingerprint:
        stmt = select(func.count(), func.max(Blk.updated_at))
        count, last = (await self.session.execute(stmt)).one()
        return BlkFingerprint(count, last)

    async def counts(self) -> DirectoryCounts:
        values = []
        for model in (Province, Regency, District, Blk):
            stmt = select(func.count()).select_from(model)
            values.append((await self.session.execute(stmt)).scalar_one())
        return DirectoryCounts(*values)

    async def regency_codes(self) -> set[str]:
        return set(await self.session.scalars(select(Regency.code)))

    async def provinces(self) -> list[Province]:
        return list(await self.session.scalars(select(Province).order_by(Province.code)))

    async def regencies(self) -> list[Regency]:
        return list(await self.session.scalars(select(Regency).order_by(Regency.code)))

    async def _upsert(
        self,
        model: type[Base],
        key: InstrumentedAttribute[str],
        rows: Sequence[Mapping[str, Any]],
    ) -> UpsertResult:
        """Compare plain column tuples (no ORM objects: 7,285 kecamatan load in milliseconds)."""
        if not rows:
            return UpsertResult()
        columns = [key.key, *(c for c in rows[0] if c != key.key)]  # key first: r[0] below
        stmt = select(*(getattr(model, c) for c in columns))
        stored = {r[0]: tuple(r) for r in (await self.session.execute(stmt)).all()}
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        for row in rows:
            old = stored.get(row[key.key])
            if old is None:
                inserts.append(dict(row))
            elif old != tuple(row[c] for c in columns):
                updates.append(dict(row))
        await self._write(model, inserts, updates)
        unchanged = len(rows) - len(inserts) - len(updates)
        return UpsertResult(len(inserts), len(updates), unchanged)

    async def _write(
        self, model: type[Base], inserts: list[dict[str, Any]], updates: list[dict[str, Any]]
    ) -> None:
        if inserts:
            await self.session.execute(insert(model), inserts)
        if updates:  # ORM bulk UPDATE by primary key: one executemany per set of keys
            await self.session.execute(update(model), updates)
