"""Conversations survive a new storage instance, and their answers are encrypted at rest;
whichever storage holds them, the database knows who is in which conversation since when."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aiogram.fsm.storage.base import StorageKey
from alembic import command
from sqlalchemy import select, text
from sqlalchemy.engine import Connection

from bot.registration.personal_data import PersonalDataCipher
from storage.database import Database
from storage.fsm import SqlStorage, TrackedStorage
from storage.migrate import alembic_config, upgrade
from storage.models import ConversationActivity, FsmRecord
from tests.clock import FixedClock

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


async def activity(db: Database) -> list[ConversationActivity]:
    async with db.transaction() as session:
        return list((await session.execute(select(ConversationActivity))).scalars())


async def test_activity_follows_the_conversation(
    db: Database, conversations: TrackedStorage, clock: FixedClock
) -> None:
    """With TEST_REDIS_URL the conversation itself is in Redis; the record is the same."""
    start = clock.now()
    await conversations.set_state(KEY, "Registration:full_name")
    clock.set(start + timedelta(minutes=5))
    await conversations.update_data(KEY, {"full_name": "Budi"})
    [row] = await activity(db)
    assert (row.telegram_id, row.chat_id, row.bot_id, row.destiny) == (7, 7, 42, "default")
    assert (row.state, row.has_data) == ("Registration:full_name", True)
    assert (row.started_at, row.last_activity_at) == (start, start + timedelta(minutes=5))
    assert await conversations.inner.get_data(KEY) == {"full_name": "Budi"}

    await conversations.set_state(KEY, None)  # the answers are still kept
    assert [(r.state, r.has_data) for r in await activity(db)] == [(None, True)]
    await conversations.set_data(KEY, {})
    assert await activity(db) == []
    await conversations.set_data(KEY, {})  # nothing to record for an empty conversation
    assert await activity(db) == []


async def _downgrade(db: Database, revision: str) -> None:
    def run(connection: Connection) -> None:
        command.downgrade(alembic_config(connection), revision)

    async with db.engine.begin() as conn:
        await conn.run_sync(run)


async def test_the_migration_records_conversations_already_stored(db: Database) -> None:
    await _downgrade(db, "005")
    then = datetime(2026, 11, 20, tzinfo=UTC)
    async with db.transaction() as session:
        session.add_all(
            [
                FsmRecord(key="fsm:42:7:7:default", state="Registration:nik", updated_at=then),
                FsmRecord(key="fsm:42:-100:8:5:default", data="sealed", updated_at=then),
                FsmRecord(key="not-ours", state="Registration:nik", updated_at=then),
            ]
        )
    await upgrade(db)
    rows = {row.key: row for row in await activity(db)}
    assert set(rows) == {"fsm:42:7:7:default", "fsm:42:-100:8:5:default"}
    private, group = rows["fsm:42:7:7:default"], rows["fsm:42:-100:8:5:default"]
    assert (private.telegram_id, private.chat_id, private.thread_id) == (7, 7, None)
    assert (private.state, private.has_data, private.last_activity_at) == (
        "Registration:nik",
        False,
        then,
    )
    assert (group.telegram_id, group.chat_id, group.thread_id, group.has_data) == (8, -100, 5, True)
