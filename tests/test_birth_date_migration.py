"""Migration 012 encrypts the birth date and sex of registrations made before it, keeps
only the month of birth readable, and gives them back on a downgrade."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from alembic import command
from sqlalchemy import Connection, Date, column, insert, inspect, select, table

from bot.registration.personal_data import PersonalDataCipher
from storage.database import Database
from storage.migrate import alembic_config, upgrade

BORN = [(date(1990, 1, 12), "L"), (date(1985, 12, 31), "P"), (date(2004, 2, 29), "P")]


async def _migrate(db: Database, step: str, revision: str) -> None:
    def run(connection: Connection) -> None:
        getattr(command, step)(alembic_config(connection, sealer=db.sealer), revision)

    async with db.engine.begin() as conn:
        await conn.run_sync(run)


async def _columns(db: Database) -> set[str]:
    async with db.engine.connect() as conn:
        found = await conn.run_sync(lambda sync: inspect(sync).get_columns("registrations"))
    return {column["name"] for column in found}


async def _registrations_before_012(db: Database, cipher: PersonalDataCipher) -> None:
    """Rows as version 011 wrote them: birth date and sex in clear."""
    at = datetime(2026, 1, 5, tzinfo=UTC)
    rows = [
        {
            "telegram_id": 500 + i,
            "code": f"BLK-OLD00{i}",
            "full_name": f"Lama {i}",
            "nik_cipher": cipher.encrypt(f"32010112019000{i:02d}"),
            "nik_fingerprint": cipher.fingerprint(f"32010112019000{i:02d}"),
            "phone_cipher": cipher.encrypt("+6281234567890"),
            "phone_fingerprint": cipher.fingerprint("+6281234567890"),
            "birth_date": born,
            "sex": sex,
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
        for i, (born, sex) in enumerate(BORN)
    ]
    async with db.transaction() as session:
        await session.execute(insert(table("registrations", *map(column, rows[0]))).values(rows))


async def test_birth_dates_and_sexes_are_encrypted_and_come_back_on_downgrade(
    db: Database, cipher: PersonalDataCipher, database_url: str
) -> None:
    await _migrate(db, "downgrade", "011")
    await _registrations_before_012(db, cipher)
    keyless = Database(database_url)
    try:
        with pytest.raises(RuntimeError, match="needs DATA_KEY"):
            await upgrade(keyless)
    finally:
        await keyless.close()

    await upgrade(db)
    assert {"birth_date", "sex"}.isdisjoint(await _columns(db))
    stored = table(
        "registrations",
        column("id"),
        column("birth_month", Date),
        column("birth_date_cipher"),
        column("sex_cipher"),
    )
    async with db.transaction() as session:
        rows = (await session.execute(select(stored).order_by(stored.c.id))).all()
    assert [
        (month, date.fromisoformat(cipher.decrypt(born)), cipher.decrypt(sex))
        for _, month, born, sex in rows
    ] == [(born.replace(day=1), born, sex) for born, sex in BORN]

    await _migrate(db, "downgrade", "011")
    old = table("registrations", column("id"), column("birth_date", Date), column("sex"))
    async with db.transaction() as session:
        back = (await session.execute(select(old).order_by(old.c.id))).all()
    assert [(born, sex) for _, born, sex in back] == BORN
