"""The /statistik drill-down: breakdowns per province, BLK and batch, inside the scope.

The world is `tests.test_broadcasts.build_world`: blk-a (batches a1, a2) and blk-b (b1) in
province 32, blk-c (c1) in 51; 101, 106 and 109 hold seats in a1, 102 waits for a2, 103
sits in b1, 105 in c1; 104 and 107 have no place; 108 cancelled; 110 erased.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select, update

from bot.coordinators.roles import COUNTRY, Scope
from bot.coordinators.statistics import (
    Level,
    Node,
    OutOfReach,
    StatisticsService,
    verdict_counts,
)
from bot.registration.participants import BusinessStatus
from bot.training.eligibility import EligibilityRules, Verdict
from storage.database import Database
from storage.models import Attendance, Batch, Enrollment, Registration
from storage.statistics_repository import UnitCounts
from tests.clock import NOW, FixedClock
from tests.test_broadcasts import BLK_A, BLK_C, registrations, world  # noqa: F401 (fixtures)

PROVINCE_32, PROVINCE_51 = Node(Level.PROVINCE, "32"), Node(Level.PROVINCE, "51")


@pytest.fixture
def service(db: Database) -> StatisticsService:
    return StatisticsService(db, clock=FixedClock(NOW))


async def batch_id(db: Database, title: str) -> int:
    async with db.transaction() as session:
        return (await session.execute(select(Batch.id).where(Batch.title == title))).scalar_one()


def rows(units: list[UnitCounts]) -> list[tuple[object, ...]]:
    return [
        (u.code, u.registrations, u.phk, u.capacity, u.seats_taken, u.waitlisted) for u in units
    ]


@pytest.mark.usefixtures("world")
async def test_country_breaks_down_by_province(service: StatisticsService) -> None:
    report = await service.report(COUNTRY, Node(Level.COUNTRY))
    # A province counts who lives there or trains there (106 lives in 51, trains in 32).
    assert rows(report.children) == [("32", 7, 2, 30, 4, 1), ("51", 3, 0, 10, 1, 0)]
    assert (report.registrations, report.phk, report.capacity) == (9, 2, 40)
    assert (report.seats_taken, report.waitlisted, report.parent) == (5, 1, None)
    # Everyone is a micro business born in 1990: a priority group.
    assert report.eligibility == {Verdict.PRIORITY: 9, Verdict.ELIGIBLE: 0, Verdict.NOT_ELIGIBLE: 0}


@pytest.mark.usefixtures("world")
async def test_province_blk_and_batch_levels(service: StatisticsService, db: Database) -> None:
    province = await service.report(Scope.province("32"), PROVINCE_32)
    assert province.name == "P32" and province.parent is None  # the country is out of scope
    assert rows(province.children) == [(BLK_A, 4, 1, 20, 3, 1), ("blk-b", 1, 0, 10, 1, 0)]

    blk = await service.report(COUNTRY, Node(Level.BLK, BLK_A))
    assert blk.parent == PROVINCE_32
    a1, a2 = await batch_id(db, "A satu"), await batch_id(db, "A dua")
    assert rows(blk.children) == [(str(a2), 1, 1, 10, 0, 1), (str(a1), 3, 0, 10, 3, 0)]

    async with db.transaction() as session:
        seats = dict(
            (
                await session.execute(
                    select(Registration.telegram_id, Enrollment.id)
                    .join(Enrollment, Enrollment.registration_id == Registration.id)
                    .where(Enrollment.batch_id == a1, Enrollment.status == "active")
                )
            ).all()
        )
        session.add(Attendance(enrollment_id=seats[101], answer="yes"))
        session.add(Attendance(enrollment_id=seats[106], answer="no"))
    batch = await service.report(Scope.blk(BLK_A), Node(Level.BATCH, str(a1)))
    assert (batch.name, batch.blk_name, batch.parent) == (
        "A satu",
        "BLK blk-a",
        Node(Level.BLK, BLK_A),
    )
    assert (batch.registrations, batch.capacity, batch.seats_taken, batch.waitlisted) == (
        3,
        10,
        3,
        0,
    )
    assert (batch.attendance, batch.unanswered, batch.children) == ({"yes": 1, "no": 1}, 1, [])
    assert batch.summary is None


@pytest.mark.parametrize(
    ("viewer", "node"),
    [
        (Scope.blk(BLK_A), PROVINCE_32),
        (Scope.blk(BLK_A), Node(Level.BLK, BLK_C)),
        (Scope.province("51"), Node(Level.BLK, BLK_A)),
        (Scope.province("32"), Node(Level.COUNTRY)),
        (Scope.province("32"), PROVINCE_51),
        (COUNTRY, Node(Level.BLK, "nowhere")),
        (COUNTRY, Node(Level.BATCH, "999999")),
        (COUNTRY, Node(Level.BATCH, "x")),
    ],
)
@pytest.mark.usefixtures("world")
async def test_nothing_outside_the_scope(
    service: StatisticsService, viewer: Scope, node: Node
) -> None:
    with pytest.raises(OutOfReach):
        await service.report(viewer, node)


@pytest.mark.usefixtures("world")
async def test_batches_of_another_blk_are_out_of_reach(
    service: StatisticsService, db: Database
) -> None:
    with pytest.raises(OutOfReach):
        await service.report(Scope.blk(BLK_A), Node(Level.BATCH, str(await batch_id(db, "C satu"))))


@pytest.mark.usefixtures("world")
async def test_daily_series_counts_days_in_the_programmes_zone(
    service: StatisticsService, db: Database
) -> None:
    moved = {
        101: datetime(2026, 11, 23, 18, 0, tzinfo=UTC),  # 01.00 WIB on the 24th
        102: datetime(2026, 11, 23, 16, 0, tzinfo=UTC),  # 23.00 WIB on the 23rd
        103: datetime(2026, 10, 1, tzinfo=UTC),  # before the 30 days
    }
    async with db.transaction() as session:
        for telegram_id, at in moved.items():
            await session.execute(
                update(Registration)
                .where(Registration.telegram_id == telegram_id)
                .values(created_at=at)
            )
    daily = (await service.report(COUNTRY, Node(Level.COUNTRY))).daily
    assert len(daily) == 30 and daily[0][0] == date(2026, 10, 26)
    assert daily[-2:] == [(date(2026, 11, 23), 1), (date(2026, 11, 24), 1)]
    assert sum(count for _, count in daily) == 2


def test_verdicts_follow_the_rules_for_each_age_band() -> None:
    rules = EligibilityRules(
        min_age=18,
        max_age=60,
        allowed_business=frozenset({BusinessStatus.NONE, BusinessStatus.MICRO}),
        priority_business=frozenset({BusinessStatus.MICRO}),
    )
    groups = [
        ("ok", "micro", False, 5),  # priority
        ("ok", "none", True, 2),  # priority: PHK
        ("ok", "none", False, 3),  # eligible
        ("ok", "medium", False, 1),  # business not allowed
        ("young", "micro", False, 4),
        ("old", "none", False, 6),
    ]
    assert verdict_counts(rules, groups, date(2028, 2, 29)) == {
        Verdict.PRIORITY: 7,
        Verdict.ELIGIBLE: 3,
        Verdict.NOT_ELIGIBLE: 11,
    }
