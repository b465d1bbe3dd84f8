"""Migration 007 gives registrations made before it a phone fingerprint, with DATA_KEY."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from alembic import command
from sqlalchemy import Connection, column, insert, select, table

from bot.registration.personal_data import PersonalDataCipher
from bot.registration.service import RegistrationService
from storage.database import Database
from storage.migrate import alembic_config, upgrade
from storage.models import Registration

PHONES = ["+6281234567890", "+6285712345678", "+6281234567890"]


async def _downgrade(db: Database, revision: str) -> None:
    def run(connection: Connection) -> None:
        command.downgrade(alembic_config(connection), revision)

    async with db.engine.begin() as conn:
        await conn.run_sync(run)


async def _registrations_before_007(db: Database, cipher: PersonalDataCipher) -> None:
    """Rows as version 006 wrote them: no phone fingerprint column yet."""
    at = datetime(2026, 1, 5, tzinfo=UTC)
    rows = [
        {
            "telegram_id": 500 + i,
            "code": f"BLK-OLD00{i}",
            "full_name": f"Lama {i}",
            "nik_cipher": cipher.encrypt(f"32010112019000{i:02d}"),
            "nik_fingerprint": cipher.fingerprint(f"32010112019000{i:02d}"),
            "phone_cipher": cipher.encrypt(phone),
            "birth_date": date(1990, 1, 12),
            "sex": "M",
            "province_code": "32",
            "regency_code": "32.01",
            "business_status": "micro",
            "business_sector": "food",
            "phk_affected": False,
            "consent_version": "1",
            "consent_at": at,
            "created_at": at,
            "updated_at": at,
        }
        for i, phone in enumerate(PHONES)
    ]
    async with db.transaction() as session:
        await session.execute(insert(table("registrations", *map(column, rows[0]))).values(rows))


async def test_existing_phones_are_fingerprinted(db: Database, cipher: PersonalDataCipher) -> None:
    await _downgrade(db, "006")
    await _registrations_before_007(db, cipher)
    with pytest.raises(RuntimeError, match="needs DATA_KEY"):
        await upgrade(db)
    registrations = RegistrationService(db, cipher)
    await upgrade(db, phone_fingerprint=registrations.stored_phone_fingerprint)
    async with db.transaction() as session:
        stored = (await session.execute(select(Registration.phone_fingerprint))).scalars().all()
    assert sorted(stored) == sorted(cipher.fingerprint(phone) for phone in PHONES)
    assert stored.count(cipher.fingerprint(PHONES[0])) == 2  # a shared phone is allowed
