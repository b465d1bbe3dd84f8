"""Queries behind batches managed in chat: the BLK's place and zone, adding and changing a
batch, and the people a cancellation must tell. Callers own the transaction; a batch is
locked for a change with `BatchRepository.locked`."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import Select, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.enrollment_repository import CANCELLED, LIVE
from storage.models import Batch, Blk, Enrollment, Province, Regency, Registration
from storage.place_joins import blk_to_province


@dataclass(frozen=True, slots=True)
class BlkPlace:
    """What a batch needs of its BLK: the name shown, the scope check and the zone."""

    id: str
    name: str
    province_code: str
    timezone: str


@dataclass(frozen=True, slots=True)
class LiveSeat:
    enrollment_id: int
    status: str
    telegram_id: int


def _blk_places() -> Select:
    """The columns of `BlkPlace`."""
    return blk_to_province(select(Blk.id, Blk.name, Regency.province_code, Province.timezone))


class BatchAdminRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def blk(self, blk_id: str) -> BlkPlace | None:
        stmt = _blk_places().where(Blk.id == blk_id)
        row = (await self.session.execute(stmt)).first()
        return BlkPlace(*row) if row else None

    async def blks_by_id(self, blk_ids: Collection[str]) -> dict[str, BlkPlace]:
        """The BLKs among these ids (a few hundred at a time), by id."""
        stmt = _blk_places().where(Blk.id.in_(blk_ids))
        return {row.id: BlkPlace(*row) for row in await self.session.execute(stmt)}

    async def blks(self, province_code: str | None, limit: int) -> list[BlkPlace]:
        """BLKs of one province or all, by name, at most `limit`."""
        stmt = _blk_places().order_by(Blk.name, Blk.id).limit(limit)
        if province_code is not None:
            stmt = stmt.where(Regency.province_code == province_code)
        return [BlkPlace(*row) for row in await self.session.execute(stmt)]

    async def add(self, batch: Batch) -> Batch:
        self.session.add(batch)
        await self.session.flush()
        return batch

    async def change(self, batch: Batch, values: dict[str, object]) -> None:
        for name, value in values.items():
            setattr(batch, name, value)
        await self.session.flush()

    async def live_seats(self, batch_id: int) -> list[LiveSeat]:
        """Seats and waitlist places of the batch with their holders, oldest first."""
        stmt = (
            select(Enrollment.id, Enrollment.status, Registration.telegram_id)
            .join(Registration, Enrollment.registration_id == Registration.id)
            .where(Enrollment.batch_id == batch_id, Enrollment.status.in_(LIVE))
            .order_by(Enrollment.id)
        )
        return [LiveSeat(*row) for row in await self.session.execute(stmt)]

    async def cancel(self, batch_id: int, enrollment_ids: list[int]) -> None:
        """The batch and the given places cancelled, its seats all free again."""
        if enrollment_ids:
            await self.session.execute(
                update(Enrollment)
                .where(Enrollment.id.in_(enrollment_ids), Enrollment.status.in_(LIVE))
                .values(status=CANCELLED)
            )
        await self.session.execute(
            update(Batch).where(Batch.id == batch_id).values(status=CANCELLED, seats_taken=0)
        )
