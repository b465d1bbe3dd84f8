"""Registration use cases against the real database: uniqueness and encryption at rest."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from bot.registration.participants import BusinessStatus, RegistrationForm, Sector
from bot.registration.personal_data import PersonalDataCipher
from bot.registration.service import AlreadyRegistered, NikTaken, NotRegistered, RegistrationService
from storage.database import Database
from tests.clock import NOW, FixedClock

NIK = "3201014112900001"  # woman born 1 Dec 1990 (day + 40)
PHONE = "+6281234567890"


def form(**changes: object) -> RegistrationForm:
    values: dict[str, object] = {
        "full_name": "Siti Aminah",
        "nik": NIK,
        "phone": PHONE,
        "province_code": "32",
        "regency_code": "32.01",
        "business_status": BusinessStatus.MICRO,
        "business_sector": Sector.FOOD,
        "phk_affected": True,
        "phk_month": date(2026, 3, 1),
        "consent_at": NOW,
    }
    values.update(changes)
    return RegistrationForm(**values)  # type: ignore[arg-type]


@pytest.fixture
def service(db: Database, cipher: PersonalDataCipher) -> RegistrationService:
    return RegistrationService(db, cipher, clock=FixedClock(NOW))


async def test_register_derives_birth_date_and_sex_from_the_nik(
    service: RegistrationService,
) -> None:
    saved = await service.register(1, form())
    assert saved.code.startswith("BLK-") and len(saved.code) == 10
    assert saved.birth_date == date(1990, 12, 1)
    assert saved.sex.value == "P"
    assert saved.nik_masked == "3201********0001"
    assert await service.get(1) == saved


async def test_personal_numbers_are_not_stored_in_clear(
    service: RegistrationService, db: Database
) -> None:
    await service.register(1, form())
    async with db.engine.connect() as conn:
        rows = (await conn.execute(text("SELECT * FROM registrations"))).all()
    dumped = repr(rows)
    assert NIK not in dumped
    assert PHONE not in dumped and PHONE[1:] not in dumped


async def test_one_registration_per_account(service: RegistrationService) -> None:
    await service.register(1, form())
    with pytest.raises(AlreadyRegistered):
        await service.register(1, form(nik="3201011201900002"))


async def test_one_registration_per_nik(service: RegistrationService) -> None:
    await service.register(1, form())
    with pytest.raises(NikTaken):
        await service.check_nik(2, NIK)
    await service.check_nik(1, NIK)  # one's own NIK, as when editing it
    with pytest.raises(NikTaken):
        await service.register(2, form())
    assert await service.get(2) is None


async def test_update_keeps_the_code(service: RegistrationService) -> None:
    first = await service.register(1, form())
    updated = await service.update(1, form(full_name="Siti Aminah Putri", phk_affected=False))
    assert updated.code == first.code
    assert updated.full_name == "Siti Aminah Putri"
    assert updated.phk_month is None
    with pytest.raises(NotRegistered):
        await service.update(2, form(nik="3201011201900002"))


async def test_update_cannot_take_another_accounts_nik(service: RegistrationService) -> None:
    await service.register(1, form())
    await service.register(2, form(nik="3201011201900002"))
    with pytest.raises(NikTaken):
        await service.update(2, form())
