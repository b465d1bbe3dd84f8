"""Enrollment rules at the service level, and the capacity race on the real database."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest

from bot.privacy import PrivacyService
from bot.registration.personal_data import PersonalDataCipher
from bot.registration.service import NotRegistered, RegistrationService
from bot.training.eligibility import EligibilityRules, Verdict
from bot.training.enrollment import EnrollmentService
from bot.training.seat_rules import (
    AlreadyEnrolled,
    BatchFull,
    BatchUnavailable,
    NotEligible,
    NothingToCancel,
    Unavailable,
)
from storage.database import Database
from tests.clock import FixedClock
from tests.enrollment_setup import NOW, add_batch, add_blk, register


@pytest.fixture
def registrations(db: Database, cipher: PersonalDataCipher) -> RegistrationService:
    return RegistrationService(db, cipher, clock=FixedClock(NOW))


@pytest.fixture
def enrollment(db: Database, cipher: PersonalDataCipher) -> EnrollmentService:
    return EnrollmentService(db, cipher, EligibilityRules.from_toml(), clock=FixedClock(NOW))


async def test_two_hundred_people_race_for_ten_seats(
    db: Database, registrations: RegistrationService, enrollment: EnrollmentService
) -> None:
    batch = await add_batch(db, await add_blk(db), capacity=10)
    for user in range(200):
        await register(registrations, 1000 + user, serial=user + 1)

    async def attempt(user: int) -> str:
        try:
            placement = await enrollment.enroll(1000 + user, batch, waitlist=user % 2 == 0)
        except BatchFull:
            return "refused"
        return placement.status

    outcomes = await asyncio.gather(*(attempt(user) for user in range(200)))
    assert outcomes.count("active") == 10
    assert outcomes.count("waitlisted") + outcomes.count("refused") == 190
    view = await enrollment.batch(batch)
    assert view is not None and view.seats_left == 0


async def test_waitlist_promotion_after_cancel(
    db: Database, registrations: RegistrationService, enrollment: EnrollmentService
) -> None:
    batch = await add_batch(db, await add_blk(db), capacity=1)
    for user in (1, 2, 3):
        await register(registrations, user, serial=user)
    assert (await enrollment.enroll(1, batch, waitlist=True)).status == "active"
    second = await enrollment.enroll(2, batch, waitlist=True)
    third = await enrollment.enroll(3, batch, waitlist=True)
    assert (second.status, second.position) == ("waitlisted", 1)
    assert third.position == 2
    cancelled = await enrollment.cancel(1)
    assert cancelled.promoted_telegram_id == 2
    assert (await enrollment.placement(2)).status == "active"
    assert (await enrollment.placement(3)).position == 1
    with pytest.raises(NothingToCancel):
        await enrollment.cancel(1)
    assert (await enrollment.cancel(3)).promoted_telegram_id is None
    assert (await enrollment.batch(batch)).seats_left == 0


async def test_cancel_without_waitlist_frees_the_seat(
    db: Database, registrations: RegistrationService, enrollment: EnrollmentService
) -> None:
    batch = await add_batch(db, await add_blk(db), capacity=2)
    await register(registrations, 1, serial=1)
    await enrollment.enroll(1, batch, waitlist=False)
    assert (await enrollment.batch(batch)).seats_left == 1
    await enrollment.cancel(1)
    assert (await enrollment.batch(batch)).seats_left == 2
    assert await enrollment.placement(1) is None


async def test_one_live_enrollment_per_person(
    db: Database, registrations: RegistrationService, enrollment: EnrollmentService
) -> None:
    blk = await add_blk(db)
    first, second = await add_batch(db, blk, 5), await add_batch(db, blk, 5)
    await register(registrations, 1, serial=1)
    await enrollment.enroll(1, first, waitlist=False)
    with pytest.raises(AlreadyEnrolled):
        await enrollment.enroll(1, second, waitlist=False)
    results = await asyncio.gather(enrollment.cancel(1), return_exceptions=True)
    assert not isinstance(results[0], Exception)
    racing = await asyncio.gather(
        *(enrollment.enroll(1, second, waitlist=False) for _ in range(5)),
        return_exceptions=True,
    )
    assert sum(not isinstance(r, Exception) for r in racing) == 1
    assert all(isinstance(r, AlreadyEnrolled) for r in racing if isinstance(r, Exception))
    assert (await enrollment.batch(second)).seats_left == 4


async def test_reschedule_keeps_the_old_seat_when_the_new_batch_is_full(
    db: Database, registrations: RegistrationService, enrollment: EnrollmentService
) -> None:
    blk = await add_blk(db)
    old, full, roomy = (
        await add_batch(db, blk, 1),
        await add_batch(db, blk, 1),
        await add_batch(db, blk, 3),
    )
    for user in (1, 2, 3):
        await register(registrations, user, serial=user)
    await enrollment.enroll(1, old, waitlist=False)
    await enrollment.enroll(2, full, waitlist=False)
    await enrollment.enroll(3, old, waitlist=True)
    with pytest.raises(BatchFull):
        await enrollment.reschedule(1, full)
    assert (await enrollment.placement(1)).batch.id == old
    move = await enrollment.reschedule(1, roomy)
    assert move.placement.batch.id == roomy and move.placement.status == "active"
    assert move.promoted_telegram_id == 3
    assert (await enrollment.batch(roomy)).seats_left == 2


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"status": "closed"}, Unavailable.CLOSED),
        ({"status": "cancelled"}, Unavailable.CANCELLED),
        ({"deadline_in": timedelta(hours=-1)}, Unavailable.DEADLINE_PASSED),
        (
            {"starts_in": timedelta(hours=-1), "deadline_in": timedelta(hours=1)},
            Unavailable.STARTED,
        ),
    ],
)
async def test_unavailable_batches_are_refused(
    db: Database,
    registrations: RegistrationService,
    enrollment: EnrollmentService,
    kwargs: dict,
    reason: Unavailable,
) -> None:
    batch = await add_batch(db, await add_blk(db), 5, **kwargs)
    await register(registrations, 1, serial=1)
    with pytest.raises(BatchUnavailable) as caught:
        await enrollment.enroll(1, batch, waitlist=True)
    assert caught.value.reason is reason
    with pytest.raises(BatchUnavailable):
        await enrollment.enroll(1, 999_999, waitlist=True)


async def test_age_is_counted_on_the_batch_start_in_the_blk_time_zone(
    db: Database, registrations: RegistrationService, enrollment: EnrollmentService
) -> None:
    blk = await add_blk(db, "blk-papua", province="91")
    # Starts 1 Jan 2027 08:00 WIT, which is still 31 Dec 2026 in UTC.
    starts = NOW.replace(year=2026, month=12, day=31, hour=23) - NOW
    batch = await add_batch(db, blk, 5, starts_in=starts, deadline_in=timedelta(days=1))
    await register(registrations, 1, serial=1, birth=date(2009, 1, 1))
    placement = await enrollment.enroll(1, batch, waitlist=False)
    assert placement.status == "active"
    await register(registrations, 2, serial=2, birth=date(2009, 1, 2))
    with pytest.raises(NotEligible) as caught:
        await enrollment.enroll(2, batch, waitlist=False)
    assert caught.value.assessment.verdict is Verdict.NOT_ELIGIBLE


async def test_unregistered_people_cannot_enroll(
    db: Database, enrollment: EnrollmentService
) -> None:
    batch = await add_batch(db, await add_blk(db), 5)
    with pytest.raises(NotRegistered):
        await enrollment.enroll(42, batch, waitlist=True)


async def test_erasure_hands_the_seat_to_the_waitlist(
    db: Database,
    registrations: RegistrationService,
    enrollment: EnrollmentService,
    privacy: PrivacyService,
) -> None:
    batch = await add_batch(db, await add_blk(db), 1)
    await register(registrations, 1, serial=1)
    await register(registrations, 2, serial=2)
    await enrollment.enroll(1, batch, waitlist=False)
    await enrollment.enroll(2, batch, waitlist=True)
    erasure = await privacy.erase(1)
    assert erasure.erased and erasure.promoted_telegram_id == 2
    assert (await enrollment.placement(2)).status == "active"
