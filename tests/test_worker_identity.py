"""Worker identity: a restart under the same PID (Docker's PID 1) recovers its predecessor's
claims, because each start names its claims afresh."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import select

from bot.clock import Clock
from bot.delivery import worker_identity
from bot.delivery.outbox import Outgoing, enqueue
from bot.delivery.worker_identity import new_worker_id
from storage.database import Database
from storage.models import OutboxMessage
from storage.outbox_repository import REPLY, OutboxRepository
from tests.clock import NOW
from tests.fake_bot_api import ApiError, FakeBotAPI
from tests.harness import RunningBot, make_settings


@pytest.fixture
def pid_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every process is PID 1 and runs on a host with a long name, as in a container."""
    monkeypatch.setattr(worker_identity.os, "getpid", lambda: 1)
    monkeypatch.setattr(worker_identity.socket, "gethostname", lambda: "h" * 100)


def test_two_starts_in_one_process_are_told_apart(pid_one: None) -> None:
    first, second = new_worker_id("poller"), new_worker_id("poller")
    assert first != second
    assert first.startswith("poller:") and ":1:" in first
    assert max(len(first), len(new_worker_id("sender"))) <= 64  # outbox.claimed_by


async def test_a_restart_under_the_same_pid_recovers_the_dead_pollers_answers(
    db: Database, pid_one: None
) -> None:
    dead, alive = new_worker_id("poller"), new_worker_id("poller")
    async with db.transaction() as session:
        await enqueue(session, 7, REPLY, Outgoing.text("Halo"), not_before=NOW)
    async with db.transaction() as session:
        [row] = await OutboxRepository(session).claim(dead, NOW, 1)
        row.kind = REPLY  # replies are written claimed by the poller that handled them
    async with db.transaction() as session:
        repo = OutboxRepository(session)
        assert await repo.release_orphan_replies(alive, db.receipts, NOW) == 1
    async with db.transaction() as session:
        stored = (await session.execute(select(OutboxMessage))).scalar_one()
    assert (stored.status, stored.claimed_by) == ("pending", None)


async def test_a_killed_pid_1_bot_s_committed_answer_is_sent_once_by_the_next_pid_1_bot(
    fake_api: FakeBotAPI,
    database_url: str,
    redis_url: str | None,
    data_key: str,
    pid_one: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The first bot commits its answer to /start, Telegram holds the sendMessage, and the
    bot dies there; the second, also PID 1, hands the answer to its sender: sent once."""
    send_message, arrived, released = fake_api.m_sendMessage, asyncio.Event(), asyncio.Event()

    async def held(params: dict[str, Any]) -> Any:
        """Telegram never answers the dead bot's request (it fails once the test ends)."""
        arrived.set()
        await released.wait()
        raise ApiError(400, "Bad Request: the request was abandoned")

    monkeypatch.setattr(fake_api, "m_sendMessage", held)
    settings = make_settings(fake_api, database_url, redis_url, data_key)
    first = RunningBot(settings, clock=Clock(), serving=True)
    await first.start()
    fake_api.message(8301, "/start")
    await asyncio.wait_for(arrived.wait(), 30)
    await first.kill()
    db = Database(database_url)
    try:
        async with db.transaction() as session:
            stmt = select(OutboxMessage.status, OutboxMessage.claimed_by).where(
                OutboxMessage.chat_id == 8301
            )
            committed = (await session.execute(stmt)).all()
    finally:
        await db.close()
    [(status, claimed_by)] = set(committed)
    assert status == "sending" and claimed_by.startswith("poller:") and ":1:" in claimed_by

    monkeypatch.setattr(fake_api, "m_sendMessage", send_message)
    second = RunningBot(settings, clock=Clock(), serving=True)
    await second.start()
    try:
        fake_api.message(8302, "/start")
        for chat_id in (8301, 8302):
            await fake_api._wait(
                lambda chat_id=chat_id: len(fake_api.sent_texts(chat_id)) >= len(committed),
                30,
                f"the answers to chat {chat_id}",
            )
    finally:
        await second.stop()
        released.set()
    # Exactly the answers a /start gets, each once.
    assert fake_api.sent_texts(8301) == fake_api.sent_texts(8302)
    assert len(committed) == len(fake_api.calls_to(8302))
