"""Queries behind the desk's participant search and card.

Callers own the transaction and pass the coordinator's scope in as conditions over
`Registration` (`bot.coordinators.audiences.scope_conditions`), so a registration outside
it is never returned. Personal data leaves here as stored: names in clear (fuzzy search
needs them), NIK and phone encrypted.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.coordinator_repository import Condition, placed_batches
from storage.models import (
    Attendance,
    Batch,
    Blk,
    Enrollment,
    Province,
    Regency,
    Registration,
    Ticket,
)
from storage.place_joins import batch_to_province


@dataclass(frozen=True, slots=True)
class Hit:
    id: int
    full_name: str
    code: str


@dataclass(frozen=True, slots=True)
class SeatRow:
    """One enrollment of a person, cancelled ones too, with where and when."""

    enrollment_id: int
    status: str
    created_at: datetime
    batch_id: int
    batch_title: str
    starts_at: datetime
    blk_id: str
    blk_name: str
    province_code: str
    timezone: str
    attendance: str | None


@dataclass(frozen=True, slots=True)
class TargetRow:
    """A batch a seat could move to."""

    id: int
    title: str
    blk_name: str
    starts_at: datetime
    timezone: str
    seats_left: int


def _hits(*conditions: Condition) -> Select:
    return select(Registration.id, Registration.full_name, Registration.code).where(*conditions)


class ParticipantRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def by_code(self, code: str, scope: Sequence[Condition]) -> list[Hit]:
        stmt = _hits(Registration.code == code, *scope)
        return [Hit(*row) for row in await self.session.execute(stmt)]

    async def by_phone(self, fingerprint: str, scope: Sequence[Condition], limit: int) -> list[Hit]:
        """Everyone registered with that phone (families share one), oldest first."""
        stmt = _hits(Registration.phone_fingerprint == fingerprint, *scope)
        stmt = stmt.order_by(Registration.id).limit(limit)
        return [Hit(*row) for row in await self.session.execute(stmt)]

    async def by_ids(self, ids: Sequence[int]) -> list[Hit]:
        rows = {
            row[0]: Hit(*row) for row in await self.session.execute(_hits(Registration.id.in_(ids)))
        }
        return [rows[i] for i in ids if i in rows]

    async def names(
        self, scope: Sequence[Condition], chunk: int
    ) -> AsyncIterator[list[tuple[int, str]]]:
        """(id, full name) of everyone in scope, `chunk` rows at a time from a cursor."""
        stmt = (
            select(Registration.id, Registration.full_name)
            .where(*scope)
            .execution_options(yield_per=chunk)
        )
        result = await self.session.stream(stmt)
        async for rows in result.partitions(chunk):
            yield [(row[0], row[1]) for row in rows]

    async def registration(
        self, registration_id: int, scope: Sequence[Condition], *, lock: bool = False
    ) -> Registration | None:
        """The registration if it lies in scope, else None (one answer for both)."""
        stmt = select(Registration).where(Registration.id == registration_id, *scope)
        if lock:
            stmt = stmt.with_for_update()
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def domicile(self, regency_code: str) -> tuple[str, str] | None:
        """Names of the regency and its province."""
        stmt = (
            select(Regency.name, Province.name)
            .join(Province, Regency.province_code == Province.code)
            .where(Regency.code == regency_code)
        )
        row = (await self.session.execute(stmt)).first()
        return (row[0], row[1]) if row else None

    async def seats(self, registration_id: int) -> list[SeatRow]:
        """Every seat and waitlist place the person held, oldest first."""
        places = select(
            Enrollment.id,
            Enrollment.status,
            Enrollment.created_at,
            Batch.id,
            Batch.title,
            Batch.starts_at,
            Blk.id,
            Blk.name,
            Regency.province_code,
            Province.timezone,
            Attendance.answer,
        ).join(Batch, Enrollment.batch_id == Batch.id)
        stmt = (
            batch_to_province(places)
            .outerjoin(Attendance, Attendance.enrollment_id == Enrollment.id)
            .where(Enrollment.registration_id == registration_id)
            .order_by(Enrollment.id)
        )
        return [SeatRow(*row) for row in await self.session.execute(stmt)]

    async def tickets(self, telegram_id: int) -> list[tuple[str, str | None, str | None]]:
        """(status, BLK id, province code) of each question the person asked."""
        stmt = select(Ticket.status, Ticket.blk_id, Ticket.province_code).where(
            Ticket.telegram_id == telegram_id
        )
        return [(row[0], row[1], row[2]) for row in await self.session.execute(stmt)]

    async def targets(
        self,
        *,
        blk_id: str | None,
        province_code: str | None,
        now: datetime,
        exclude: int,
        limit: int,
    ) -> list[TargetRow]:
        """Batches taking registrations in a BLK, a province or everywhere, soonest first."""
        stmt = (
            placed_batches(
                Batch.id,
                Batch.title,
                Blk.name,
                Batch.starts_at,
                Province.timezone,
                Batch.capacity - Batch.seats_taken,
                blk_id=blk_id,
                province_code=province_code,
            )
            .where(
                Batch.status == "open",
                Batch.registration_deadline > now,
                Batch.starts_at > now,
                Batch.id != exclude,
            )
            .order_by(Batch.starts_at, Batch.id)
            .limit(limit)
        )
        return [TargetRow(*row) for row in await self.session.execute(stmt)]
