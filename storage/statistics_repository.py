"""Counts behind /statistik; callers own the transaction and pass the scope as conditions.

Registrations are narrowed by the audience conditions of `storage.coordinator_repository`
(the same scope rule as broadcasts); PHK pathway answers count when their owner's
registration is in scope (without a registration, only in the whole-country view);
enrollments count at the BLK that holds the batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.coordinator_repository import Condition
from storage.enrollment_repository import LIVE
from storage.models import Batch, Blk, Enrollment, PhkProfile, Regency, Registration


@dataclass(frozen=True)
class PathwayCounts:
    """PHK pathway completions per business status, and how many asked for each help."""

    by_business: dict[str, int]
    counselling: int
    capital_info: int


def _count_true(column: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((column, 1), else_=0)), 0)


class StatisticsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def registrations(self, conditions: Sequence[Condition]) -> tuple[int, int]:
        """All registrations and the PHK-affected ones."""
        stmt = select(func.count(), _count_true(Registration.phk_affected)).where(*conditions)
        row = (await self.session.execute(stmt.select_from(Registration))).one()
        return int(row[0]), int(row[1])

    async def pathway(self, conditions: Sequence[Condition] | None) -> PathwayCounts:
        """`conditions` None: every completion, with or without a registration."""
        stmt = select(
            PhkProfile.business_status,
            func.count(),
            _count_true(PhkProfile.wants_counselling),
            _count_true(PhkProfile.wants_capital_info),
        ).group_by(PhkProfile.business_status)
        if conditions is not None:
            stmt = stmt.join(
                Registration, Registration.telegram_id == PhkProfile.telegram_id
            ).where(*conditions)
        rows = (await self.session.execute(stmt)).all()
        return PathwayCounts(
            by_business={row[0]: int(row[1]) for row in rows},
            counselling=sum(int(row[2]) for row in rows),
            capital_info=sum(int(row[3]) for row in rows),
        )

    async def enrollments(
        self, *, blk_id: str | None = None, province_code: str | None = None
    ) -> dict[str, int]:
        """Live enrollments (seats and waitlist places) by status."""
        stmt = (
            select(Enrollment.status, func.count())
            .join(Batch, Enrollment.batch_id == Batch.id)
            .where(Enrollment.status.in_(LIVE))
            .group_by(Enrollment.status)
        )
        if blk_id is not None:
            stmt = stmt.where(Batch.blk_id == blk_id)
        if province_code is not None:
            stmt = (
                stmt.join(Blk, Batch.blk_id == Blk.id)
                .join(Regency, Blk.regency_code == Regency.code)
                .where(Regency.province_code == province_code)
            )
        return {row[0]: int(row[1]) for row in await self.session.execute(stmt)}
