"""Follow-up survey waves, their answers and the accounts that stopped surveys.

Callers own the transaction; nothing here commits. Portable SQL only.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, delete, distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.coordinator_repository import Condition
from storage.models import (
    Batch,
    BatchCompletion,
    Blk,
    Enrollment,
    Regency,
    Registration,
    SurveyOptOut,
    SurveyResponse,
    TrainingResult,
)


@dataclass(frozen=True, slots=True)
class SurveyCandidate:
    """A completed seat whose person still receives surveys."""

    enrollment_id: int
    telegram_id: int
    completed_at: datetime


@dataclass(frozen=True, slots=True)
class SurveyedSeat:
    """A survey wave with the batch it is about, for the message and for /datasaya."""

    response: SurveyResponse
    telegram_id: int
    batch_title: str
    blk_name: str


# The categorical answers the impact figures count, by column.
ANSWER_COLUMNS = ("business", "nib", "turnover", "kur", "employees")


@dataclass
class ImpactCounts:
    """Impact figures of some seats: `surveyed` seats were sent a wave; `answered` seats
    finished one, each counted once by its latest finished wave (rating and answers)."""

    surveyed: int = 0
    answered: int = 0
    rating_sum: int = 0
    answers: dict[str, dict[str, int]] = field(default_factory=dict)  # column -> code -> seats

    def count(self, column: str, *codes: str) -> int:
        found = self.answers.get(column, {})
        return sum(found.get(code, 0) for code in codes)

    @property
    def mean_rating(self) -> float | None:
        return self.rating_sum / self.answered if self.answered else None


class SurveyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def candidates(self, completed_since: datetime) -> list[SurveyCandidate]:
        """Seats with a result in batches completed since the moment, not opted out."""
        stmt = (
            select(Enrollment.id, Registration.telegram_id, BatchCompletion.completed_at)
            .join(TrainingResult, TrainingResult.enrollment_id == Enrollment.id)
            .join(BatchCompletion, BatchCompletion.batch_id == Enrollment.batch_id)
            .join(Registration, Enrollment.registration_id == Registration.id)
            .outerjoin(SurveyOptOut, SurveyOptOut.telegram_id == Registration.telegram_id)
            .where(BatchCompletion.completed_at >= completed_since, SurveyOptOut.at.is_(None))
            .order_by(Enrollment.id)
        )
        return [SurveyCandidate(*row) for row in (await self.session.execute(stmt)).all()]

    async def of_seats(self, enrollment_ids: Collection[int]) -> list[SurveyResponse]:
        if not enrollment_ids:
            return []
        stmt = select(SurveyResponse).where(SurveyResponse.enrollment_id.in_(enrollment_ids))
        return list((await self.session.execute(stmt)).scalars())

    def add(self, response: SurveyResponse) -> None:
        self.session.add(response)

    async def seat(self, enrollment_id: int, wave: int) -> SurveyedSeat | None:
        stmt = (
            select(SurveyResponse, Registration.telegram_id, Batch.title, Blk.name)
            .join(Enrollment, Enrollment.id == SurveyResponse.enrollment_id)
            .join(Registration, Enrollment.registration_id == Registration.id)
            .join(Batch, Batch.id == Enrollment.batch_id)
            .join(Blk, Blk.id == Batch.blk_id)
            .where(SurveyResponse.enrollment_id == enrollment_id, SurveyResponse.wave == wave)
        )
        row = (await self.session.execute(stmt)).first()
        return SurveyedSeat(*row) if row else None

    async def of_person(self, telegram_id: int) -> list[SurveyedSeat]:
        stmt = (
            select(SurveyResponse, Registration.telegram_id, Batch.title, Blk.name)
            .join(Enrollment, Enrollment.id == SurveyResponse.enrollment_id)
            .join(Registration, Enrollment.registration_id == Registration.id)
            .join(Batch, Batch.id == Enrollment.batch_id)
            .join(Blk, Blk.id == Batch.blk_id)
            .where(Registration.telegram_id == telegram_id)
            .order_by(SurveyResponse.enrollment_id, SurveyResponse.wave)
        )
        return [SurveyedSeat(*row) for row in (await self.session.execute(stmt)).all()]

    async def opted_out_at(self, telegram_id: int) -> datetime | None:
        row = await self.session.get(SurveyOptOut, telegram_id)
        return row.at if row else None

    async def opted_out(self, telegram_id: int) -> bool:
        return await self.opted_out_at(telegram_id) is not None

    async def opt_out(self, telegram_id: int, at: datetime) -> bool:
        """False when already opted out."""
        if await self.opted_out(telegram_id):
            return False
        self.session.add(SurveyOptOut(telegram_id=telegram_id, at=at))
        return True

    async def forget_person(self, telegram_id: int) -> int:
        """Erasure: the opt-out goes too (the survey rows go with the seats)."""
        result = await self.session.execute(
            delete(SurveyOptOut).where(SurveyOptOut.telegram_id == telegram_id)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def impact(
        self, conditions: Sequence[Condition], group: ColumnElement[str] | None = None
    ) -> dict[str, ImpactCounts]:
        """Impact figures of the seats in batches the conditions (over Batch, Blk and
        Regency) narrow to, per `group` (e.g. the programme) or under "" when None: two
        aggregate queries."""
        keys = [group] if group is not None else []
        latest = (
            select(SurveyResponse.enrollment_id, func.max(SurveyResponse.wave).label("wave"))
            .where(SurveyResponse.answered_at.is_not(None))
            .group_by(SurveyResponse.enrollment_id)
            .subquery()
        )
        columns = [getattr(SurveyResponse, name) for name in ANSWER_COLUMNS]
        answered = _in_batches(
            select(*keys, *columns, func.count(), func.sum(SurveyResponse.rating)).join(
                latest,
                and_(
                    latest.c.enrollment_id == SurveyResponse.enrollment_id,
                    latest.c.wave == SurveyResponse.wave,
                ),
            ),
            conditions,
        ).group_by(*keys, *columns)
        surveyed = _in_batches(
            select(*keys, func.count(distinct(SurveyResponse.enrollment_id))), conditions
        ).group_by(*keys)
        found: dict[str, ImpactCounts] = {}

        def of(row: Sequence[object]) -> ImpactCounts:
            return found.setdefault(str(row[0]) if keys else "", ImpactCounts())

        for row in await self.session.execute(surveyed):
            of(row).surveyed = int(row[-1])
        for row in await self.session.execute(answered):
            counts, seats = of(row), int(row[-2])
            counts.answered += seats
            counts.rating_sum += int(row[-1] or 0)
            for name, code in zip(ANSWER_COLUMNS, row[len(keys) : len(keys) + 5], strict=True):
                column = counts.answers.setdefault(name, {})
                column[str(code)] = column.get(str(code), 0) + seats
        return found


def _in_batches(stmt: Select, conditions: Sequence[Condition]) -> Select:
    return (
        stmt.select_from(SurveyResponse)
        .join(Enrollment, Enrollment.id == SurveyResponse.enrollment_id)
        .join(Batch, Batch.id == Enrollment.batch_id)
        .join(Blk, Blk.id == Batch.blk_id)
        .join(Regency, Regency.code == Blk.regency_code)
        .where(*conditions)
    )
