"""Queries behind coordinators' rosters and spreadsheets: batches with their fill, and
participants with their seat, waitlist position and attendance answer.

Callers own the transaction and pass the scope in (a BLK id or province code to narrow
batches, audience conditions over `Registration` for everyone registered). Personal
data leaves here encrypted, as stored; nothing is decrypted or logged in this module.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ScalarSelect, Select, Subquery, and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.coordinator_repository import Condition, placed_batches
from storage.enrollment_repository import (
    PLACED,
    SEATED,
    WAITLISTED,
    WaitlistOrder,
    waitlist_queue,
)
from storage.models import (
    Attendance,
    Batch,
    Blk,
    Enrollment,
    Province,
    Regency,
    Registration,
)


@dataclass(frozen=True, slots=True)
class BatchRow:
    id: int
    title: str
    status: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    enrolled: int
    waitlisted: int
    blk_name: str
    timezone: str


@dataclass(frozen=True, slots=True)
class ParticipantRow:
    """A registration with its live enrollment, if any; NIK, phone, sex and birth date
    still encrypted."""

    full_name: str
    code: str
    nik_cipher: str
    phone_cipher: str
    sex_cipher: str
    birth_date_cipher: str
    regency_name: str | None
    business_status: str
    business_sector: str
    phk_affected: bool
    phk_month: date | None
    enrollment_status: str | None
    enrolled_at: datetime | None
    waitlist_position: int | None
    attendance: str | None
    batch_title: str | None
    blk_name: str | None
    timezone: str | None
    programme: str | None


def _count(*statuses: str) -> ScalarSelect[int]:
    return (
        select(func.count())
        .where(Enrollment.batch_id == Batch.id, Enrollment.status.in_(statuses))
        .scalar_subquery()
    )


def _batches(blk_id: str | None, province_code: str | None) -> Select:
    return placed_batches(
        Batch.id,
        Batch.title,
        Batch.status,
        Batch.starts_at,
        Batch.ends_at,
        Batch.capacity,
        _count(*SEATED),  # a completed batch's seats stay counted: its history
        _count(WAITLISTED),
        Blk.name,
        Province.timezone,
        blk_id=blk_id,
        province_code=province_code,
    )


def _participants(batch_id: int | None, order: WaitlistOrder) -> tuple[Select, Subquery]:
    """Registrations joined to their places — seats, waitlist places and seats of completed
    batches, one row each (inner join when `batch_id` is given) — and the waitlist queue
    (`waitlist_queue`) that gives their position."""
    queue = waitlist_queue(order, batch_id)
    home = aliased(Regency)
    blk_regency = aliased(Regency)
    live = and_(Enrollment.registration_id == Registration.id, Enrollment.status.in_(PLACED))
    stmt = (
        select(
            Registration.full_name,
            Registration.code,
            Registration.nik_cipher,
            Registration.phone_cipher,
            Registration.sex_cipher,
            Registration.birth_date_cipher,
            home.name,
            Registration.business_status,
            Registration.business_sector,
            Registration.phk_affected,
            Registration.phk_month,
            Enrollment.status,
            Enrollment.created_at,
            queue.c.position,
            Attendance.answer,
            Batch.title,
            Blk.name,
            Province.timezone,
            Batch.programme,
        )
        .select_from(Registration)
        .outerjoin(home, Registration.regency_code == home.code)
        .join(Enrollment, live, isouter=batch_id is None)
        .outerjoin(queue, queue.c.id == Enrollment.id)
        .outerjoin(Attendance, Attendance.enrollment_id == Enrollment.id)
        .outerjoin(Batch, Enrollment.batch_id == Batch.id)
        .outerjoin(Blk, Batch.blk_id == Blk.id)
        .outerjoin(blk_regency, Blk.regency_code == blk_regency.code)
        .outerjoin(Province, blk_regency.province_code == Province.code)
    )
    if batch_id is not None:
        stmt = stmt.where(Enrollment.batch_id == batch_id)
    return stmt, queue


class RosterRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def batches(
        self, *, blk_id: str | None, province_code: str | None, limit: int, offset: int
    ) -> list[BatchRow]:
        """Batches of one BLK, one province or everywhere; newest start first."""
        stmt = (
            _batches(blk_id, province_code)
            .order_by(Batch.starts_at.desc(), Batch.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return [BatchRow(*row) for row in await self.session.execute(stmt)]

    async def count_batches(self, *, blk_id: str | None, province_code: str | None) -> int:
        inner = _batches(blk_id, province_code).subquery()
        stmt = select(func.count()).select_from(inner)
        return int((await self.session.execute(stmt)).scalar_one())

    async def batch(
        self, batch_id: int, *, blk_id: str | None, province_code: str | None
    ) -> BatchRow | None:
        """The batch if it exists inside the narrowing, else None (one answer for both)."""
        stmt = _batches(blk_id, province_code).where(Batch.id == batch_id)
        row = (await self.session.execute(stmt)).first()
        return BatchRow(*row) if row else None

    async def roster(self, batch_id: int, order: WaitlistOrder) -> list[ParticipantRow]:
        """Seats in the order they were taken, then the waitlist in its `order`."""
        stmt, queue = _participants(batch_id, order)
        waitlisted_last = case((Enrollment.status.in_(SEATED), 0), else_=1)
        stmt = stmt.order_by(waitlisted_last, queue.c.position, Enrollment.id)
        return [ParticipantRow(*row) for row in await self.session.execute(stmt)]

    async def registrants(
        self, conditions: Sequence[Condition], chunk: int, order: WaitlistOrder
    ) -> AsyncIterator[list[ParticipantRow]]:
        """Everyone registered matching `conditions`, by registration, `chunk` rows at a time
        from a server-side cursor: memory stays flat however many there are."""
        stmt = (
            _participants(None, order)[0]
            .where(*conditions)
            .order_by(Registration.id, Enrollment.id)
            .execution_options(yield_per=chunk)
        )
        result = await self.session.stream(stmt)
        async for rows in result.partitions(chunk):
            yield [ParticipantRow(*row) for row in rows]
