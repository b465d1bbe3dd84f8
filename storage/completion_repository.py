"""Completed batches and the results of their seats.

Callers own the transaction; nothing here commits. Portable SQL only.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.enrollment_repository import (
    ACTIVE,
    CANCELLED,
    COMPLETED,
    SEATED,
    WAITLISTED,
)
from storage.models import (
    Batch,
    BatchCompletion,
    CheckIn,
    Enrollment,
    Registration,
    TrainingResult,
)


@dataclass(frozen=True, slots=True)
class ResultRow:
    """A seat's result with the participant's name and registration code."""

    enrollment_id: int
    full_name: str
    code: str
    result: TrainingResult


class CompletionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def completion(self, batch_id: int) -> BatchCompletion | None:
        return await self.session.get(BatchCompletion, batch_id)

    async def completed_among(self, batch_ids: Collection[int]) -> set[int]:
        """Which of the batches are completed."""
        if not batch_ids:
            return set()
        stmt = select(BatchCompletion.batch_id).where(BatchCompletion.batch_id.in_(batch_ids))
        return set((await self.session.execute(stmt)).scalars())

    def complete(self, batch_id: int, at: datetime, by: int | None) -> None:
        self.session.add(BatchCompletion(batch_id=batch_id, completed_at=at, completed_by=by))

    async def due(self, ended_before: datetime, limit: int) -> list[int]:
        """Batches not cancelled nor completed whose last hour ended before the moment."""
        stmt = (
            select(Batch.id)
            .outerjoin(BatchCompletion, BatchCompletion.batch_id == Batch.id)
            .where(
                BatchCompletion.batch_id.is_(None),
                Batch.status != "cancelled",
                Batch.ends_at < ended_before,
            )
            .order_by(Batch.ends_at, Batch.id)
            .limit(limit)
        )
        return list((await self.session.execute(stmt)).scalars())

    async def present_days(self, batch_id: int) -> dict[int, set[date]]:
        """The days each seat of the batch was present, by enrollment id; seats only."""
        stmt = (
            select(Enrollment.id, CheckIn.day)
            .join(CheckIn, CheckIn.enrollment_id == Enrollment.id)
            .where(
                Enrollment.batch_id == batch_id,
                Enrollment.status.in_(SEATED),
                CheckIn.present.is_(True),
            )
        )
        days: dict[int, set[date]] = {}
        for enrollment_id, day in (await self.session.execute(stmt)).all():
            days.setdefault(enrollment_id, set()).add(day)
        return days

    async def seats(self, batch_id: int) -> list[tuple[int, int]]:
        """(enrollment id, Telegram id) of everyone seated in the batch, before or after
        its completion."""
        return await self._people(batch_id, *SEATED)

    async def waiting(self, batch_id: int) -> list[tuple[int, int]]:
        """(enrollment id, Telegram id) of everyone on the batch's waitlist."""
        return await self._people(batch_id, WAITLISTED)

    async def _people(self, batch_id: int, *statuses: str) -> list[tuple[int, int]]:
        stmt = (
            select(Enrollment.id, Registration.telegram_id)
            .join(Registration, Enrollment.registration_id == Registration.id)
            .where(Enrollment.batch_id == batch_id, Enrollment.status.in_(statuses))
            .order_by(Enrollment.id)
        )
        return [(row[0], row[1]) for row in (await self.session.execute(stmt)).all()]

    async def finish(self, batch_id: int) -> None:
        """The batch's seats become history ("completed"), its waitlist places closed:
        neither holds a place any more."""
        for was, now in ((ACTIVE, COMPLETED), (WAITLISTED, CANCELLED)):
            await self.session.execute(
                update(Enrollment)
                .where(Enrollment.batch_id == batch_id, Enrollment.status == was)
                .values(status=now)
            )

    def add(self, result: TrainingResult) -> None:
        self.session.add(result)

    async def result(self, enrollment_id: int) -> TrainingResult | None:
        return await self.session.get(TrainingResult, enrollment_id)

    async def results(self, batch_id: int) -> list[ResultRow]:
        """The batch's results by name."""
        stmt = (
            select(Enrollment.id, Registration.full_name, Registration.code, TrainingResult)
            .join(Registration, Enrollment.registration_id == Registration.id)
            .join(TrainingResult, TrainingResult.enrollment_id == Enrollment.id)
            .where(Enrollment.batch_id == batch_id)
            .order_by(func.lower(Registration.full_name), Enrollment.id)
        )
        return [ResultRow(*row) for row in (await self.session.execute(stmt)).all()]

    async def of_seats(self, enrollment_ids: Collection[int]) -> list[TrainingResult]:
        if not enrollment_ids:
            return []
        stmt = select(TrainingResult).where(TrainingResult.enrollment_id.in_(enrollment_ids))
        return list((await self.session.execute(stmt)).scalars())
