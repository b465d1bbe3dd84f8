"""Outbox payloads at rest: encrypted while waiting, blank once settled, pruned after a
while (broadcast rows once their broadcast is old), and erased with the person."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from aiogram import Bot
from sqlalchemy import select

from bot.delivery.outbox import Outgoing, enqueue
from bot.delivery.polling import forget_old_updates
from bot.delivery.sender import Sender
from bot.delivery.templates import Template, enqueue_template
from storage.database import Database
from storage.models import Broadcast, OutboxMessage, OutboxStatus
from storage.outbox_payloads import NoDataKey
from storage.outbox_repository import OutboxRepository
from tests.clock import NOW, FixedClock
from tests.fake_bot_api import FakeBotAPI
from tests.fake_bot_api.fixtures import make_bot

CARD = "Nama: Siti Aminah · HP: +6281234567890"
KEEP = timedelta(hours=24)


@pytest.fixture
async def bot(fake_api: FakeBotAPI) -> AsyncIterator[Bot]:
    bot = make_bot(fake_api)
    yield bot
    await bot.session.close()


async def stored(db: Database) -> dict[int, OutboxMessage]:
    async with db.transaction() as session:
        rows = await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        return {row.chat_id: row for row in rows}


async def queue(db: Database, chat_id: int, **kw: Any) -> None:
    kw.setdefault("not_before", NOW)
    async with db.transaction() as session:
        await enqueue(session, chat_id, "notice", Outgoing.text(CARD), **kw)


async def test_a_message_is_encrypted_until_sent_then_blank(
    db: Database, bot: Bot, fake_api: FakeBotAPI, clock: FixedClock
) -> None:
    await queue(db, 1)
    async with db.transaction() as session:
        await enqueue_template(
            session, 2, Template.ABANDONED, {}, dedupe_key="abandoned:2", not_before=NOW
        )
    waiting = await stored(db)
    assert "Siti" not in waiting[1].payload and "628123" not in waiting[1].payload
    assert waiting[2].payload == '{"template": "abandoned"}'  # ids only: left readable
    fake_api.block(1)
    await Sender(db, bot, clock=clock).run_once()
    settled = await stored(db)
    assert settled[1].status == OutboxStatus.UNREACHABLE
    assert [row.payload for row in settled.values()] == ["", ""]


async def test_the_sender_delivers_the_decrypted_message(
    db: Database, bot: Bot, fake_api: FakeBotAPI, clock: FixedClock
) -> None:
    await queue(db, 3)
    await Sender(db, bot, clock=clock).run_once()
    assert (await fake_api.reply(3)).text == CARD
    assert (await stored(db))[3].payload == ""


async def test_a_database_without_a_data_key_queues_nothing(database_url: str) -> None:
    bare = Database(database_url)
    try:
        with pytest.raises(NoDataKey):
            await queue(bare, 4)
    finally:
        await bare.close()


async def test_settled_rows_are_pruned_after_the_keep_time_broadcasts_once_closed(
    db: Database, clock: FixedClock
) -> None:
    async with db.transaction() as session:
        old, recent = (
            Broadcast(coordinator_id=9, audience="{}", text="Info", created_at=NOW - 3 * KEEP),
            Broadcast(coordinator_id=9, audience="{}", text="Info", created_at=NOW - 3 * KEEP),
        )
        old.finished_at, recent.finished_at = NOW - 2 * KEEP, NOW - KEEP / 2
        session.add_all([old, recent])
        await session.flush()
        ids = old.id, recent.id
    day_old = NOW - 2 * KEEP
    await queue(db, 10, not_before=day_old)  # settled below: pruned
    await queue(db, 11, not_before=day_old)  # still pending: kept
    await queue(db, 12, not_before=NOW)  # settled recently: kept
    await queue(db, 13, not_before=day_old, broadcast_id=ids[0])  # broadcast closed long ago
    await queue(db, 14, not_before=day_old, broadcast_id=ids[1])  # its report is recent: kept
    async with db.transaction() as session:
        repo = OutboxRepository(session)
        for row in (await stored(db)).values():
            if row.chat_id != 11:
                await repo.mark_sent(row.id, 1, NOW)
    await forget_old_updates(db, clock, KEEP)
    assert sorted(await stored(db)) == [11, 12, 14]


async def test_erasure_takes_rows_to_the_person_and_about_them(db: Database) -> None:
    person, coordinator, someone_else = 20, 21, 22
    await queue(db, person)  # pending: goes too
    await queue(db, coordinator, subject_id=person)  # a question of theirs forwarded
    await queue(db, coordinator)
    await queue(db, someone_else)
    async with db.transaction() as session:
        assert await OutboxRepository(session).forget_person(person) == 2
    assert [(row.chat_id, row.subject_id) for row in (await stored(db)).values()] == [
        (coordinator, None),
        (someone_else, None),
    ]
