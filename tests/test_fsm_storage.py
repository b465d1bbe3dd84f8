"""Conversations survive a new storage instance, and their answers are encrypted at rest."""

from __future__ import annotations

from aiogram.fsm.storage.base import StorageKey
from sqlalchemy import text

from bot.registration.personal_data import PersonalDataCipher
from storage.database import Database
from storage.fsm import SqlStorage

KEY = StorageKey(bot_id=42, chat_id=7, user_id=7)


async def test_state_and_data_survive_a_new_storage(
    database_url: str, cipher: PersonalDataCipher
) -> None:
    first_db = Database(database_url)
    first = SqlStorage(first_db, cipher.encrypt, cipher.decrypt)
    await first.set_state(KEY, "Registration:nik")
    await first.set_data(KEY, {"full_name": "Budi", "nik": "3201011201900001"})
    await first_db.close()

    second_db = Database(database_url)
    second = SqlStorage(second_db, cipher.encrypt, cipher.decrypt)
    assert await second.get_state(KEY) == "Registration:nik"
    assert await second.get_data(KEY) == {"full_name": "Budi", "nik": "3201011201900001"}
    async with second_db.engine.connect() as conn:
        raw = repr((await conn.execute(text("SELECT * FROM fsm_records"))).all())
    assert "3201011201900001" not in raw and "Budi" not in raw
    await second_db.close()


async def test_clearing_removes_the_row(db: Database, cipher: PersonalDataCipher) -> None:
    storage = SqlStorage(db, cipher.encrypt, cipher.decrypt)
    await storage.set_state(KEY, "Registration:nik")
    await storage.set_data(KEY, {"a": 1})
    await storage.set_state(KEY, None)
    await storage.set_data(KEY, {})
    assert await storage.get_state(KEY) is None
    assert await storage.get_data(KEY) == {}
    async with db.engine.connect() as conn:
        count = (await conn.execute(text("SELECT COUNT(*) FROM fsm_records"))).scalar_one()
    assert count == 0


async def test_keys_are_separate_per_user(db: Database, cipher: PersonalDataCipher) -> None:
    storage = SqlStorage(db, cipher.encrypt, cipher.decrypt)
    other = StorageKey(bot_id=42, chat_id=8, user_id=8)
    await storage.set_data(KEY, {"who": "seven"})
    await storage.set_data(other, {"who": "eight"})
    assert (await storage.get_data(KEY))["who"] == "seven"
    assert (await storage.get_data(other))["who"] == "eight"
