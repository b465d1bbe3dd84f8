"""Waitlist order: the priority groups of the eligibility rules first, then by time (or by
time only, when the rules say first come), for promotions and the places people see."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import update

from bot.privacy import PrivacyService
from bot.registration.participants import BusinessStatus
from bot.registration.personal_data import PersonalDataCipher
from bot.registration.service import RegistrationService
from bot.training.batch_import import BatchImporter
from bot.training.eligibility import EligibilityRules, RulesError, WaitlistRule
from bot.training.enrollment import EnrollmentService
from bot.training.reminders import ReminderPlan
from bot.training.waitlist import DEFAULT_ORDER, fill_seats, waitlist_order
from storage.database import Database
from storage.enrollment_repository import WaitlistOrder
from storage.models import Batch, Registration
from tests.clock import FixedClock
from tests.enrollment_setup import NOW, add_batch, add_blk, register

SEATED, MEDIUM, NONE, SMALL, PHK = 1, 2, 3, 4, 5


@pytest.fixture
def registrations(db: Database, cipher: PersonalDataCipher) -> RegistrationService:
    return RegistrationService(db, cipher, clock=FixedClock(NOW))


def service(db: Database, cipher: PersonalDataCipher, rules: EligibilityRules) -> EnrollmentService:
    return EnrollmentService(db, cipher, rules, clock=FixedClock(NOW))


async def full_batch_with_queue(db: Database, registrations: RegistrationService) -> int:
    """One seat, taken; then waiting in this order: medium business, no business, small
    business, and a medium business laid off (PHK)."""
    batch = await add_batch(db, await add_blk(db), capacity=1)
    business = {
        SEATED: BusinessStatus.MICRO,
        MEDIUM: BusinessStatus.MEDIUM,
        NONE: BusinessStatus.NONE,
        SMALL: BusinessStatus.SMALL,
        PHK: BusinessStatus.MEDIUM,
    }
    for user, status in business.items():
        await register(registrations, user, serial=user, business=status)
    async with db.transaction() as session:
        await session.execute(
            update(Registration)
            .where(Registration.telegram_id == PHK)
            .values(phk_affected=True, phk_month=date(2026, 3, 1))
        )
    return batch


async def enroll_all(enrollment: EnrollmentService, batch: int) -> None:
    for user in (SEATED, MEDIUM, NONE, SMALL, PHK):
        await enrollment.enroll(user, batch, waitlist=True)


async def positions(enrollment: EnrollmentService, users: tuple[int, ...]) -> list[int | None]:
    return [(await enrollment.placement(user)).position for user in users]


async def test_priority_people_wait_ahead_of_earlier_others(
    db: Database, cipher: PersonalDataCipher, registrations: RegistrationService
) -> None:
    batch = await full_batch_with_queue(db, registrations)
    enrollment = service(db, cipher, EligibilityRules.from_toml())
    await enroll_all(enrollment, batch)
    # Small business and PHK first, each in the order they joined; then the others.
    assert await positions(enrollment, (SMALL, PHK, MEDIUM, NONE)) == [1, 2, 3, 4]
    assert (await enrollment.cancel(SEATED)).promoted_telegram_id == SMALL
    assert (await enrollment.placement(SMALL)).status == "active"
    assert (await enrollment.cancel(SMALL)).promoted_telegram_id == PHK
    assert (await enrollment.cancel(PHK)).promoted_telegram_id == MEDIUM
    assert await positions(enrollment, (NONE,)) == [1]


async def test_first_come_rules_ignore_priority(
    db: Database, cipher: PersonalDataCipher, registrations: RegistrationService
) -> None:
    batch = await full_batch_with_queue(db, registrations)
    enrollment = service(db, cipher, EligibilityRules(waitlist=WaitlistRule.FIRST_COME))
    await enroll_all(enrollment, batch)
    assert await positions(enrollment, (MEDIUM, NONE, SMALL, PHK)) == [1, 2, 3, 4]
    assert (await enrollment.cancel(SEATED)).promoted_telegram_id == MEDIUM


async def test_phk_priority_off_leaves_phk_in_time_order(
    db: Database, cipher: PersonalDataCipher, registrations: RegistrationService
) -> None:
    batch = await full_batch_with_queue(db, registrations)
    enrollment = service(db, cipher, EligibilityRules(phk_priority=False))
    await enroll_all(enrollment, batch)
    assert await positions(enrollment, (SMALL, MEDIUM, NONE, PHK)) == [1, 2, 3, 4]


async def test_erasure_gives_the_seat_to_the_first_priority_person(
    db: Database,
    cipher: PersonalDataCipher,
    registrations: RegistrationService,
    privacy: PrivacyService,
) -> None:
    batch = await full_batch_with_queue(db, registrations)
    await enroll_all(service(db, cipher, EligibilityRules.from_toml()), batch)
    assert (await privacy.erase(SEATED)).promoted_telegram_id == SMALL


async def test_more_seats_go_to_the_waitlist_in_order(
    db: Database, cipher: PersonalDataCipher, registrations: RegistrationService
) -> None:
    batch = await full_batch_with_queue(db, registrations)
    enrollment = service(db, cipher, EligibilityRules.from_toml())
    await enroll_all(enrollment, batch)
    async with db.transaction() as session:
        await session.execute(update(Batch).where(Batch.id == batch).values(capacity=3))
        promoted = await fill_seats(
            session, batch, order=DEFAULT_ORDER, plan=ReminderPlan(), now=NOW
        )
    assert promoted == [SMALL, PHK]
    assert await positions(enrollment, (MEDIUM, NONE)) == [1, 2]
    assert (await enrollment.batch(batch)).seats_left == 0


async def test_a_larger_capacity_in_the_schedule_file_promotes(
    db: Database, cipher: PersonalDataCipher, registrations: RegistrationService
) -> None:
    await add_blk(db, "blk-jkt")
    importer = BatchImporter(db, FixedClock(NOW))
    row = "id,blk_id,title,start_date,end_date,daily_start,daily_end,capacity\n"
    line = "b1,blk-jkt,Kuliner,2027-01-11,2027-01-16,08:00,16:00,{cap}"
    await importer.import_csv((row + line.format(cap=1)).encode())
    enrollment = service(db, cipher, EligibilityRules.from_toml())
    batch = (await enrollment.open_batches("blk-jkt"))[0].id
    for user, status in ((1, BusinessStatus.MICRO), (2, BusinessStatus.MEDIUM)):
        await register(registrations, user, serial=user, business=status)
        await enrollment.enroll(user, batch, waitlist=True)
    assert (await enrollment.placement(2)).status == "waitlisted"
    report = await importer.import_csv((row + line.format(cap=2)).encode())
    assert report.updated == 1
    assert (await enrollment.placement(2)).status == "active"


def test_order_follows_the_rules() -> None:
    assert waitlist_order(EligibilityRules.from_toml()) == WaitlistOrder(
        frozenset({"micro", "small"}), phk_priority=True
    )
    assert waitlist_order(EligibilityRules(waitlist=WaitlistRule.FIRST_COME)) == WaitlistOrder()
    assert waitlist_order(EligibilityRules(phk_priority=False)).phk_priority is False


@pytest.mark.parametrize("value", ["fifo", 1, ["priority"]])
def test_rules_file_refuses_an_unknown_waitlist_setting(tmp_path: Path, value: object) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(f"waitlist = {value!r}".replace("'", '"'))
    with pytest.raises(RulesError, match="waitlist: must be one of"):
        EligibilityRules.from_toml(path)
