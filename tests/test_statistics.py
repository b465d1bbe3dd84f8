"""Coordinators' statistics: every count narrowed to the scope, numbers in the user's style.

The world is `tests.test_broadcasts.build_world` (blk-a and blk-b in province 32, blk-c in
51) plus PHK pathway answers of 102 and 104 (in 32), 105 (in 51) and 999 (not registered).
"""

from __future__ import annotations

from datetime import date

import pytest

from bot.coordinators.roles import COUNTRY, Scope
from bot.coordinators.statistics import Statistics, StatisticsService
from bot.phk.content import PhkContent
from bot.phk.pathway import PhkAnswers, PhkBusiness
from bot.phk.service import PhkService
from bot.privacy import PrivacyService
from bot.registration.participants import Sector
from bot.registration.personal_data import PersonalDataCipher
from bot.registration.service import RegistrationService
from bot.runtime.i18n import create_i18n
from handlers.coordinators.statistics import statistics_text
from storage.database import Database
from tests.test_broadcasts import BLK_A, BLK_C, build_world

# telegram id → (business, counselling, capital info)
PATHWAY = {
    102: (PhkBusiness.IDEA, True, True),
    104: (PhkBusiness.RUNNING, True, False),
    105: (PhkBusiness.NONE, False, False),
    999: (PhkBusiness.IDEA, False, True),
}


async def add_pathway_answers(db: Database) -> None:
    service = PhkService(db, PhkContent.from_toml(), phk_priority=True)
    for telegram_id, (business, counselling, capital) in PATHWAY.items():
        answers = PhkAnswers(
            date(2026, 6, 1), Sector.FOOD, "memasak", business, counselling, capital
        )
        await service.save(telegram_id, answers)


@pytest.fixture
async def statistics(
    db: Database, cipher: PersonalDataCipher, privacy: PrivacyService
) -> StatisticsService:
    await build_world(db, RegistrationService(db, cipher), privacy)
    await add_pathway_answers(db)
    return StatisticsService(db)


def counts(stats: Statistics) -> tuple[int, ...]:
    by_business = stats.pathway_by_business
    return (
        stats.registrations,
        stats.phk_registrations,
        stats.pathway_completions,
        stats.pathway_counselling,
        stats.pathway_capital_info,
        by_business[PhkBusiness.IDEA],
        by_business[PhkBusiness.RUNNING],
        by_business[PhkBusiness.NONE],
        stats.enrollments_active,
        stats.enrollments_waitlisted,
    )


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        # 101–109 registered (110 erased); the pathway also counts 999, who never registered.
        (COUNTRY, (9, 2, 4, 2, 2, 2, 1, 1, 5, 1)),
        # Living in 32 or holding a place at a BLK there: 101–104, 106, 108, 109.
        (Scope.province("32"), (7, 2, 2, 2, 1, 1, 1, 0, 4, 1)),
        # Holding a place at blk-a: 101, 102 (waitlisted), 106, 109.
        (Scope.blk(BLK_A), (4, 1, 1, 1, 1, 1, 0, 0, 3, 1)),
        # 105 trains at blk-c.
        (Scope.blk(BLK_C), (1, 0, 1, 0, 0, 0, 0, 1, 1, 0)),
    ],
)
async def test_counts_stay_inside_the_scope(
    statistics: StatisticsService, scope: Scope, expected: tuple[int, ...]
) -> None:
    assert counts(await statistics.collect(scope)) == expected


async def test_erased_people_leave_the_statistics(
    privacy: PrivacyService, statistics: StatisticsService
) -> None:
    await privacy.erase(102)
    await privacy.erase(999)
    assert counts(await statistics.collect(Scope.blk(BLK_A))) == (3, 0, 0, 0, 0, 0, 0, 0, 3, 0)
    assert (await statistics.collect(COUNTRY)).pathway_completions == 2


async def test_the_place_is_named(statistics: StatisticsService) -> None:
    assert (await statistics.collect(Scope.blk(BLK_A))).place == "BLK blk-a"
    assert (await statistics.collect(Scope.province("51"))).place == "P51"
    assert (await statistics.collect(COUNTRY)).place is None


@pytest.mark.parametrize(
    ("locale", "fragments"),
    [
        ("id", ["<b>Pendaftaran:</b> 1.250", "terdampak PHK: 5.000", "Seluruh Indonesia"]),
        ("en", ["<b>Registrations:</b> 1,250", "affected by PHK: 5,000", "All of Indonesia"]),
    ],
)
def test_numbers_are_written_in_the_readers_style(locale: str, fragments: list[str]) -> None:
    stats = Statistics(
        scope=COUNTRY,
        place=None,
        registrations=1250,
        phk_registrations=5000,
        pathway_by_business=dict.fromkeys(PhkBusiness, 0),
        pathway_counselling=0,
        pathway_capital_info=0,
        enrollments_active=12,
        enrollments_waitlisted=0,
    )
    i18n = create_i18n("id")
    with i18n.context(), i18n.use_locale(locale):
        text = statistics_text(stats)
    for fragment in fragments:
        assert fragment in text
