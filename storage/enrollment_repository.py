"""Batches and enrollments. Seats are counted with conditional UPDATEs, which are atomic
on SQLite and PostgreSQL alike, so concurrent attempts can never overbook a batch."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Subquery, case, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Attendance, Batch, Blk, Enrollment, Province, Registration
from storage.place_joins import blk_to_province

ACTIVE = "active"
WAITLISTED = "waitlisted"
CANCELLED = "cancelled"
# A seat of a completed batch: history (rosters, statistics, results, certificates), but
# no longer a place: it blocks no new seat, gets no reminders, cannot be cancelled or moved.
COMPLETED = "completed"
LIVE = (ACTIVE, WAITLISTED)  # places held now: one per person
SEATED = (ACTIVE, COMPLETED)  # seats, held now or in a completed batch
PLACED = (ACTIVE, WAITLISTED, COMPLETED)  # everything not given up


@dataclass(frozen=True)
class WaitlistOrder:
    """Who comes first on a waitlist: registrations whose business status is in
    `priority_business`, or PHK-affected ones when `phk_priority`, before everyone else;
    within each group whoever joined first. With neither, first come, first served.

    Read from the registration at the moment of asking, so a corrected answer counts.
    """

    priority_business: frozenset[str] = frozenset()
    phk_priority: bool = False

    def keys(self) -> tuple[ColumnElement, ...]:
        """ORDER BY keys over `Enrollment` joined to its `Registration`."""
        groups: list[ColumnElement[bool]] = []
        if self.priority_business:
            groups.append(Registration.business_status.in_(sorted(self.priority_business)))
        if self.phk_priority:
            groups.append(Registration.phk_affected.is_(True))
        if not groups:
            return (Enrollment.id,)
        return (case((or_(*groups), 0), else_=1), Enrollment.id)


def waitlist_queue(order: WaitlistOrder, batch_id: int | None = None) -> Subquery:
    """(`id`, `position`) of every waitlisted enrollment, numbered per batch from 1 in
    `order`: the one definition behind promotions, the place people see and rosters."""
    stmt = (
        select(
            Enrollment.id,
            func.row_number()
            .over(partition_by=Enrollment.batch_id, order_by=order.keys())
            .label("position"),
        )
        .join(Registration, Enrollment.registration_id == Registration.id)
        .where(Enrollment.status == WAITLISTED)
    )
    if batch_id is not None:
        stmt = stmt.where(Enrollment.batch_id == batch_id)
    return stmt.subquery()


class BatchRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, batch_id: int) -> Batch | None:
        return await self.session.get(Batch, batch_id)

    async def locked(self, batch_id: int) -> Batch | None:
        """The batch, locked until the transaction ends (PostgreSQL; SQLite writes one at a
        time anyway): a seat taken and the batch cancelled or changed never interleave."""
        stmt = (
            select(Batch)
            .where(Batch.id == batch_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def by_external_id(self, external_id: str) -> Batch | None:
        stmt = select(Batch).where(Batch.external_id == external_id)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def by_external_ids(self, external_ids: Collection[str]) -> dict[str, Batch]:
        """The batches stored under these ids (a few hundred at a time), by id."""
        stmt = select(Batch).where(Batch.external_id.in_(external_ids))
        return {batch.external_id: batch for batch in await self.session.scalars(stmt)}

    async def open_for_blk(self, blk_id: str, now: datetime) -> list[Batch]:
        """Batches still taking registrations, soonest first."""
        stmt = (
            select(Batch)
            .where(
                Batch.blk_id == blk_id,
                Batch.status == "open",
                Batch.registration_deadline > now,
                Batch.starts_at > now,
            )
            .order_by(Batch.starts_at, Batch.id)
        )
        return list((await self.session.execute(stmt)).scalars())

    async def blk_name_and_zone(self, blk_id: str) -> tuple[str, str] | None:
        """The BLK's name and its province's IANA zone: batch times are shown in it."""
        stmt = blk_to_province(select(Blk.name, Province.timezone)).where(Blk.id == blk_id)
        row = (await self.session.execute(stmt)).first()
        return (row[0], row[1]) if row else None

    async def take_seat(self, batch_id: int) -> bool:
        """Count one more seat taken if one is left; False when the batch is full."""
        result = await self.session.execute(
            update(Batch)
            .where(Batch.id == batch_id, Batch.seats_taken < Batch.capacity)
            .values(seats_taken=Batch.seats_taken + 1)
        )
        return result.rowcount == 1

    async def give_back_seat(self, batch_id: int) -> None:
        await self.session.execute(
            update(Batch)
            .where(Batch.id == batch_id, Batch.seats_taken > 0)
            .values(seats_taken=Batch.seats_taken - 1)
        )

    def add(self, batch: Batch) -> None:
        self.session.add(batch)


class EnrollmentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def live_for(self, registration_id: int) -> Enrollment | None:
        stmt = select(Enrollment).where(
            Enrollment.registration_id == registration_id, Enrollment.status.in_(LIVE)
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def last_completed(self, registration_id: int) -> Enrollment | None:
        """The person's seat in the batch completed last (the newest seat), if any."""
        stmt = (
            select(Enrollment)
            .where(Enrollment.registration_id == registration_id, Enrollment.status == COMPLETED)
            .order_by(Enrollment.id.desc())
            .limit(1)
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    def add(self, enrollment: Enrollment) -> None:
        self.session.add(enrollment)

    async def history_of(
        self, registration_id: int
    ) -> list[tuple[Enrollment, Batch, Attendance | None]]:
        """Every seat and waitlist place, cancelled ones too, with the attendance answer."""
        stmt = (
            select(Enrollment, Batch, Attendance)
            .join(Batch, Enrollment.batch_id == Batch.id)
            .outerjoin(Attendance, Attendance.enrollment_id == Enrollment.id)
            .where(Enrollment.registration_id == registration_id)
            .order_by(Enrollment.id)
        )
        return [(row[0], row[1], row[2]) for row in (await self.session.execute(stmt)).all()]

    async def mark(self, enrollment_id: int, status: str, *, expected: str) -> bool:
        """Move from `expected` to `status`; False if another transaction moved it first."""
        result = await self.session.execute(
            update(Enrollment)
            .where(Enrollment.id == enrollment_id, Enrollment.status == expected)
            .values(status=status)
        )
        return result.rowcount == 1

    async def waitlisted(
        self, batch_id: int, order: WaitlistOrder, limit: int = 20
    ) -> list[Enrollment]:
        """The first `limit` people waiting for a seat in the batch, in `order`."""
        stmt = (
            select(Enrollment)
            .join(Registration, Enrollment.registration_id == Registration.id)
            .where(Enrollment.batch_id == batch_id, Enrollment.status == WAITLISTED)
            .order_by(*order.keys())
            .limit(limit)
        )
        return list((await self.session.execute(stmt)).scalars())

    async def waitlist_position(
        self, enrollment_id: int, batch_id: int, order: WaitlistOrder
    ) -> int:
        """The place of a waitlisted enrollment in its batch's queue, from 1."""
        queue = waitlist_queue(order, batch_id)
        stmt = select(queue.c.position).where(queue.c.id == enrollment_id)
        return int((await self.session.execute(stmt)).scalar_one())

    async def count(self, batch_id: int, status: str) -> int:
        stmt = select(func.count()).where(
            Enrollment.batch_id == batch_id, Enrollment.status == status
        )
        return (await self.session.execute(stmt)).scalar_one()
