"""Certificates: the numbers on passed results, with what a certificate shows.

Callers own the transaction; nothing here commits. Portable SQL only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.coordinator_repository import placed_batches
from storage.models import Batch, Blk, Enrollment, Province, Registration, TrainingResult


@dataclass(frozen=True, slots=True)
class CertificateRow:
    """A result with a certificate number, its holder and batch (times in UTC, the BLK's
    zone beside them)."""

    number: str
    passed: bool
    revoked_at: datetime | None
    full_name: str
    batch_title: str
    programme: str
    blk_name: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    training_days: int


def _certificates() -> Select:
    return (
        placed_batches(
            TrainingResult.certificate_number,
            TrainingResult.passed,
            TrainingResult.certificate_revoked_at,
            Registration.full_name,
            Batch.title,
            Batch.programme,
            Blk.name,
            Batch.starts_at,
            Batch.ends_at,
            Province.timezone,
            TrainingResult.training_days,
            blk_id=None,
            province_code=None,
        )
        .join(Enrollment, Enrollment.batch_id == Batch.id)
        .join(TrainingResult, TrainingResult.enrollment_id == Enrollment.id)
        .join(Registration, Enrollment.registration_id == Registration.id)
        .where(TrainingResult.certificate_number.is_not(None))
    )


class CertificateRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def by_number(self, number: str) -> CertificateRow | None:
        stmt = _certificates().where(TrainingResult.certificate_number == number)
        row = (await self.session.execute(stmt)).first()
        return CertificateRow(*row) if row else None

    async def of_person(self, telegram_id: int) -> list[CertificateRow]:
        stmt = (
            _certificates()
            .where(Registration.telegram_id == telegram_id)
            .order_by(Batch.starts_at, Batch.id)
        )
        return [CertificateRow(*row) for row in (await self.session.execute(stmt)).all()]

    async def result_by_number(self, number: str) -> TrainingResult | None:
        stmt = select(TrainingResult).where(TrainingResult.certificate_number == number)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def number_taken(self, number: str) -> bool:
        return await self.result_by_number(number) is not None
