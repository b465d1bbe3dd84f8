"""Check-ins per seat and training day, the batches they belong to, and the wrong codes
counted by the per-person limit.

Callers own the transaction; nothing here commits. Portable SQL only.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Select, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.roles import ColumnsClauseRole

from storage.coordinator_repository import placed_batches
from storage.enrollment_repository import ACTIVE, SEATED
from storage.models import Batch, Blk, CheckIn, CheckInMiss, Enrollment, Province, Registration


@dataclass(frozen=True, slots=True)
class PlacedBatch:
    """A batch with its BLK's zone: its days and hours are read there."""

    id: int
    title: str
    blk_name: str
    status: str
    starts_at: datetime
    ends_at: datetime
    timezone: str


@dataclass(frozen=True, slots=True)
class Seat:
    enrollment_id: int
    batch: PlacedBatch


@dataclass(frozen=True, slots=True)
class DayEntry:
    """One seated participant on one day; `present` is None before anything was recorded."""

    enrollment_id: int
    full_name: str
    code: str
    present: bool | None
    method: str | None


_BATCH_COLUMNS = (
    Batch.id,
    Batch.title,
    Blk.name,
    Batch.status,
    Batch.starts_at,
    Batch.ends_at,
    Province.timezone,
)


def _placed(*extra: ColumnsClauseRole) -> Select:
    return placed_batches(*extra, *_BATCH_COLUMNS, blk_id=None, province_code=None)


class CheckInRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def seats_of(self, telegram_id: int) -> list[Seat]:
        """The person's seats (not waitlist places) with their batches."""
        stmt = (
            _placed(Enrollment.id)
            .join(Enrollment, Enrollment.batch_id == Batch.id)
            .join(Registration, Enrollment.registration_id == Registration.id)
            .where(Registration.telegram_id == telegram_id, Enrollment.status == ACTIVE)
        )
        rows = (await self.session.execute(stmt)).all()
        return [Seat(row[0], PlacedBatch(*row[1:])) for row in rows]

    async def batches_around(self, now: datetime) -> list[PlacedBatch]:
        """Batches not cancelled whose dates reach within a day of `now` (any zone)."""
        day = timedelta(days=1)
        stmt = _placed().where(
            Batch.status != "cancelled", Batch.starts_at <= now + day, Batch.ends_at >= now - day
        )
        return [PlacedBatch(*row) for row in (await self.session.execute(stmt)).all()]

    async def batch(self, batch_id: int) -> PlacedBatch | None:
        row = (await self.session.execute(_placed().where(Batch.id == batch_id))).first()
        return PlacedBatch(*row) if row else None

    async def batch_of_seat(self, enrollment_id: int) -> PlacedBatch | None:
        stmt = (
            _placed()
            .join(Enrollment, Enrollment.batch_id == Batch.id)
            .where(Enrollment.id == enrollment_id)
        )
        row = (await self.session.execute(stmt)).first()
        return PlacedBatch(*row) if row else None

    async def seated(self, batch_id: int, enrollment_id: int) -> bool:
        stmt = select(Enrollment.id).where(
            Enrollment.id == enrollment_id,
            Enrollment.batch_id == batch_id,
            Enrollment.status.in_(SEATED),
        )
        return (await self.session.execute(stmt)).first() is not None

    async def get(self, enrollment_id: int, day: date) -> CheckIn | None:
        stmt = select(CheckIn).where(CheckIn.enrollment_id == enrollment_id, CheckIn.day == day)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def record(
        self,
        enrollment_id: int,
        day: date,
        *,
        present: bool,
        method: str,
        at: datetime,
        marked_by: int | None = None,
    ) -> CheckIn:
        """The day's record of the seat, created or replaced (the latest word counts)."""
        row = await self.get(enrollment_id, day)
        if row is None:
            row = CheckIn(enrollment_id=enrollment_id, day=day)
            self.session.add(row)
        row.present, row.method, row.at, row.marked_by = present, method, at, marked_by
        await self.session.flush()
        return row

    async def day_sheet(self, batch_id: int, day: date) -> list[DayEntry]:
        """Everyone seated in the batch, by name, with the day's record if any."""
        stmt = (
            select(
                Enrollment.id,
                Registration.full_name,
                Registration.code,
                CheckIn.present,
                CheckIn.method,
            )
            .join(Registration, Enrollment.registration_id == Registration.id)
            .outerjoin(CheckIn, (CheckIn.enrollment_id == Enrollment.id) & (CheckIn.day == day))
            .where(Enrollment.batch_id == batch_id, Enrollment.status.in_(SEATED))
            .order_by(func.lower(Registration.full_name), Enrollment.id)
        )
        return [DayEntry(*row) for row in (await self.session.execute(stmt)).all()]

    async def of_seats(self, enrollment_ids: Collection[int]) -> list[CheckIn]:
        if not enrollment_ids:
            return []
        stmt = (
            select(CheckIn)
            .where(CheckIn.enrollment_id.in_(enrollment_ids))
            .order_by(CheckIn.enrollment_id, CheckIn.day)
        )
        return list((await self.session.execute(stmt)).scalars())

    def miss(self, account: str, at: datetime) -> None:
        self.session.add(CheckInMiss(account=account, at=at))

    async def misses_after(self, account: str, after: datetime) -> int:
        stmt = (
            select(func.count())
            .select_from(CheckInMiss)
            .where(CheckInMiss.account == account, CheckInMiss.at > after)
        )
        return (await self.session.execute(stmt)).scalar_one()

    async def prune_misses(self, before: datetime) -> None:
        await self.session.execute(delete(CheckInMiss).where(CheckInMiss.at < before))
