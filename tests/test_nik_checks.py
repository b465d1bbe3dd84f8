"""The NIK step's rate limit against the real database: per account, across accounts,
durable across processes, and answered alike whatever the reason."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.registration.nik_checks import NikCheckLimits, NikChecksExhausted, NikRefused
from bot.registration.personal_data import PersonalDataCipher
from bot.registration.service import NikTaken, RegistrationService
from storage.database import Database
from storage.models import NikCheck
from tests.clock import NOW, FixedClock
from tests.test_registration_service import form

LIMITS = NikCheckLimits(per_account_per_day=3, taken_per_hour=2)


def nik(serial: int) -> str:
    """A valid NIK of Kab. Bogor, a man born 12 Jan 1990, with the given serial."""
    return f"320101120190{serial:04d}"


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def service(db: Database, cipher: PersonalDataCipher, clock: FixedClock) -> RegistrationService:
    return RegistrationService(db, cipher, clock=clock, nik_checks=LIMITS)


async def test_an_account_gets_a_few_lookups_a_day(
    service: RegistrationService, clock: FixedClock
) -> None:
    for serial in range(1, 4):
        await service.check_nik(1, nik(serial))
    with pytest.raises(NikChecksExhausted):
        await service.check_nik(1, nik(4))
    await service.check_nik(2, nik(4))  # another account is not affected
    clock.set(NOW + timedelta(hours=23, minutes=59))
    with pytest.raises(NikChecksExhausted):
        await service.check_nik(1, nik(4))
    clock.set(NOW + timedelta(days=1))
    await service.check_nik(1, nik(4))


async def test_taken_refusals_across_accounts_pause_the_step_for_everyone(
    service: RegistrationService, clock: FixedClock
) -> None:
    await service.register(100, form(nik=nik(1)))
    for prober in (2, 3):
        with pytest.raises(NikTaken):
            await service.check_nik(prober, nik(1))
    # The hour's budget of taken refusals is spent: a free NIK, a fresh account, refused.
    with pytest.raises(NikChecksExhausted):
        await service.check_nik(4, nik(2))
    with pytest.raises(NikChecksExhausted):
        await service.check_nik(5, nik(1))
    clock.set(NOW + timedelta(hours=1))
    await service.check_nik(4, nik(2))
    with pytest.raises(NikTaken):
        await service.check_nik(5, nik(1))


async def test_the_count_survives_a_restart_and_is_shared_by_processes(
    database_url: str, cipher: PersonalDataCipher, clock: FixedClock
) -> None:
    first, second = Database(database_url), Database(database_url)
    try:
        one = RegistrationService(first, cipher, clock=clock, nik_checks=LIMITS)
        other = RegistrationService(second, cipher, clock=clock, nik_checks=LIMITS)
        await one.check_nik(1, nik(1))
        await other.check_nik(1, nik(2))
        await one.check_nik(1, nik(3))
        with pytest.raises(NikChecksExhausted):
            await other.check_nik(1, nik(4))
    finally:
        await first.close()
        await second.close()


async def test_refusals_count_even_though_they_raise_and_old_rows_are_pruned(
    service: RegistrationService, db: Database, clock: FixedClock
) -> None:
    await service.register(100, form(nik=nik(1)))
    with pytest.raises(NikTaken):
        await service.check_nik(2, nik(1))
    assert await _rows(db) == 2  # the lookup and the taken refusal
    clock.set(NOW + timedelta(days=1, seconds=1))
    await service.check_nik(3, nik(2))
    assert await _rows(db) == 1


async def test_the_account_is_stored_only_as_a_keyed_hash(
    service: RegistrationService, db: Database
) -> None:
    await service.check_nik(987654321, nik(1))
    async with db.engine.connect() as conn:
        rows = (await conn.execute(select(NikCheck.account, NikCheck.kind))).all()
    assert rows and all("987654321" not in account for account, _ in rows)


def test_every_refusal_says_the_same_thing() -> None:
    assert NikTaken().key == NikChecksExhausted().key == NikRefused.key == "error-nik-refused"


async def _rows(db: Database) -> int:
    async with db.engine.connect() as conn:
        return (await conn.execute(select(func.count()).select_from(NikCheck))).scalar_one()
