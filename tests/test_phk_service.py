"""PHK pathway answers in the database: saved, replaced, and erased after the retention period."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import update

from bot.phk.content import PhkContent
from bot.phk.pathway import PhkAnswers, PhkBusiness
from bot.phk.service import PhkService
from bot.registration.participants import Sector
from storage.database import Database
from storage.models import PhkProfile

NOW = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)


def answers(skills: str) -> PhkAnswers:
    return PhkAnswers(date(2026, 5, 1), Sector.CRAFT, skills, PhkBusiness.RUNNING, False, True)


async def test_a_new_run_replaces_the_answers(db: Database) -> None:
    service = PhkService(db, PhkContent.from_toml(), phk_priority=False, clock=lambda: NOW)
    await service.save(1, answers("menganyam"))
    summary = await service.save(1, answers("menganyam rotan"))
    assert await service.get(1) == answers("menganyam rotan")
    assert [item.key for item in summary.offers] == ["training", "sejahtera", "market", "capital"]
    assert await service.get(2) is None


async def test_answers_not_renewed_within_the_retention_period_are_erased(db: Database) -> None:
    service = PhkService(
        db, PhkContent.from_toml(), phk_priority=True, retention_months=24, clock=lambda: NOW
    )
    for telegram_id in (1, 2):
        await service.save(telegram_id, answers("menjahit"))
    async with db.transaction() as session:
        for telegram_id, updated in ((1, datetime(2024, 11, 23, tzinfo=UTC)), (2, NOW)):
            await session.execute(
                update(PhkProfile)
                .where(PhkProfile.telegram_id == telegram_id)
                .values(updated_at=updated)
            )
    assert await service.erase_expired() == 1
    assert await service.get(1) is None
    assert await service.get(2) == answers("menjahit")
    assert await service.erase_expired() == 0
