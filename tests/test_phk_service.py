"""PHK pathway answers in the database: saved and replaced (retention: tests/test_privacy.py)."""

from __future__ import annotations

from datetime import date

from bot.phk.content import PhkContent
from bot.phk.pathway import PhkAnswers, PhkBusiness
from bot.phk.service import PhkService
from bot.registration.participants import Sector
from storage.database import Database
from tests.clock import NOW, FixedClock


def answers(skills: str) -> PhkAnswers:
    return PhkAnswers(date(2026, 5, 1), Sector.CRAFT, skills, PhkBusiness.RUNNING, False, True)


async def test_a_new_run_replaces_the_answers(db: Database) -> None:
    service = PhkService(db, PhkContent.from_toml(), phk_priority=False, clock=FixedClock(NOW))
    await service.save(1, answers("menganyam"))
    summary = await service.save(1, answers("menganyam rotan"))
    assert await service.get(1) == answers("menganyam rotan")
    assert [item.key for item in summary.offers] == ["training", "sejahtera", "market", "capital"]
    assert await service.get(2) is None
