"""PLUT rows: upserted by id from the coordinators' CSV, read whole for distances (tens of
rows, not thousands)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Plut, Regency


@dataclass(frozen=True)
class PlutPlace:
    """A PLUT with its own point, or its regency's centroid when it has none."""

    id: str
    name: str
    address: str
    phone: str
    regency: str
    latitude: float
    longitude: float
    approximate: bool


class PlutRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def upsert(
        self, rows: Sequence[dict[str, Any]], defaults: dict[str, Any]
    ) -> tuple[int, int, int]:
        """(added, updated, unchanged); a column a row leaves out keeps its stored value,
        or takes `defaults` in a new row."""
        stored = {
            plut.id: plut
            for plut in await self.session.scalars(
                select(Plut).where(Plut.id.in_([row["id"] for row in rows]))
            )
        }
        added = updated = 0
        for row in rows:
            plut = stored.get(row["id"])
            if plut is None:
                self.session.add(Plut(**{"address": "", "phone": "", **defaults, **row}))
                added += 1
            elif any(getattr(plut, key) != value for key, value in row.items()):
                for key, value in row.items():
                    setattr(plut, key, value)
                updated += 1
        await self.session.flush()
        return added, updated, len(rows) - added - updated

    async def places(self) -> list[PlutPlace]:
        stmt = select(Plut, Regency).join(Regency, Plut.regency_code == Regency.code)
        return [
            PlutPlace(
                id=plut.id,
                name=plut.name,
                address=plut.address,
                phone=plut.phone,
                regency=regency.name,
                latitude=plut.latitude if plut.latitude is not None else regency.latitude,
                longitude=plut.longitude if plut.longitude is not None else regency.longitude,
                approximate=plut.latitude is None,
            )
            for plut, regency in (await self.session.execute(stmt)).all()
        ]

    async def regency_point(self, code: str) -> tuple[float, float] | None:
        regency = await self.session.get(Regency, code)
        return (regency.latitude, regency.longitude) if regency else None
