"""Saving, reading and summarising a person's PHK pathway answers; one transaction each."""

from __future__ import annotations

from datetime import date

from bot.clock import Clock
from bot.phk.content import PhkContent
from bot.phk.pathway import PhkAnswers, PhkBusiness, Summary, compose_summary
from bot.registration.months import recent_months
from bot.registration.participants import Sector
from storage.database import Database
from storage.models import PhkProfile
from storage.phk_repository import PhkRepository


def answers_of(row: PhkProfile) -> PhkAnswers:
    return PhkAnswers(
        phk_month=row.phk_month,
        previous_sector=Sector(row.previous_sector),
        skills=row.skills,
        business=PhkBusiness(row.business_status),
        wants_counselling=row.wants_counselling,
        wants_capital_info=row.wants_capital_info,
    )


class PhkService:
    def __init__(
        self,
        db: Database,
        content: PhkContent,
        *,
        phk_priority: bool,
        clock: Clock | None = None,
    ) -> None:
        self._db = db
        self.content = content
        self.phk_priority = phk_priority
        self.clock = clock or Clock()

    def today(self) -> date:
        """In the programme's zone: the month of a PHK is the one people lived through."""
        return self.clock.today()

    def recent_months(self) -> list[date]:
        """The months offered on buttons; older ones are typed."""
        return recent_months(self.today())

    def summarise(self, answers: PhkAnswers) -> Summary:
        return compose_summary(
            answers, self.content, phk_priority=self.phk_priority, today=self.today()
        )

    async def save(self, telegram_id: int, answers: PhkAnswers) -> Summary:
        """Keep the answers (a new run of the pathway replaces the old one)."""
        async with self._db.transaction() as session:
            profiles = PhkRepository(session)
            row = await profiles.get(telegram_id)
            if row is None:
                row = PhkProfile(telegram_id=telegram_id)
                profiles.add(row)
            row.phk_month = answers.phk_month
            row.previous_sector = answers.previous_sector.value
            row.skills = answers.skills
            row.business_status = answers.business.value
            row.wants_counselling = answers.wants_counselling
            row.wants_capital_info = answers.wants_capital_info
        return self.summarise(answers)

    async def get(self, telegram_id: int) -> PhkAnswers | None:
        async with self._db.transaction() as session:
            row = await PhkRepository(session).get(telegram_id)
            return answers_of(row) if row else None
