"""Worker identity: a restart under the same PID (Docker's PID 1) recovers its predecessor's
claims, because each start names its claims afresh."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.delivery import worker_identity
from bot.delivery.outbox import Outgoing, enqueue
from bot.delivery.worker_identity import new_worker_id
from storage.database import Database
from storage.models import OutboxMessage
from storage.outbox_repository import REPLY, OutboxRepository
from tests.clock import NOW


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
