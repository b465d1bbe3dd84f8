"""Delivery receipts: a row Telegram accepted is never sent again by recovery."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.delivery.outbox import Outgoing, enqueue
from storage.database import Database
from storage.models import OutboxMessage
from storage.outbox_repository import REPLY, OutboxRepository
from storage.receipts import SideFileReceipts
from tests.clock import NOW


async def _claimed_rows(db: Database, kind: str, worker: str, count: int) -> list[int]:
    async with db.transaction() as session:
        for chat_id in range(1, count + 1):
            await enqueue(session, chat_id, kind, Outgoing.text("Halo"), not_before=NOW)
    async with db.transaction() as session:
        rows = await OutboxRepository(session).claim(worker, NOW, count)
        for row in rows:
            row.kind = kind  # claim() takes any kind; replies are written claimed
    return [row.id for row in rows]


async def _statuses(db: Database) -> dict[int, tuple[str, int | None]]:
    async with db.transaction() as session:
        rows = (await session.execute(select(OutboxMessage))).scalars()
        return {row.id: (row.status, row.telegram_message_id) for row in rows}


async def test_stale_claims_with_a_receipt_are_marked_sent_the_rest_retried(
    db: Database,
) -> None:
    first, second = await _claimed_rows(db, "notice", "dead-sender", 2)
    await db.receipts.record(first, 501)
    async with db.transaction() as session:
        released = await OutboxRepository(session).recover_stale(
            NOW + timedelta(minutes=5), timedelta(minutes=1), db.receipts
        )
    assert released == 1
    assert await _statuses(db) == {first: ("sent", 501), second: ("pending", None)}


async def test_orphan_answers_with_a_receipt_are_not_sent_again(db: Database) -> None:
    first, second = await _claimed_rows(db, REPLY, "poller:1", 2)
    await db.receipts.record(second, 77)
    async with db.transaction() as session:
        released = await OutboxRepository(session).release_orphan_replies(
            "poller:2", db.receipts, NOW
        )
    assert released == 1
    assert await _statuses(db) == {first: ("pending", None), second: ("sent", 77)}


async def test_a_live_pollers_answers_are_left_alone(db: Database) -> None:
    [row] = await _claimed_rows(db, REPLY, "poller:1", 1)
    async with db.transaction() as session:
        repo = OutboxRepository(session)
        assert await repo.release_orphan_replies("poller:1", db.receipts, NOW) == 0
    assert await _statuses(db) == {row: ("sending", None)}


async def test_webhook_processes_take_only_old_answers_of_another(db: Database) -> None:
    """Several webhook processes: another's answers claimed within the lease may still be
    on their way; older ones are a stopped process's, at start-up or by the sender."""
    [row] = await _claimed_rows(db, REPLY, "webhook:1", 1)
    lease = timedelta(minutes=1)
    async with db.transaction() as session:
        repo = OutboxRepository(session)
        soon = NOW + timedelta(seconds=30)
        assert await repo.release_orphan_replies("webhook:2", db.receipts, soon, soon - lease) == 0
        assert await repo.recover_stale(soon, lease, db.receipts, replies=True) == 0
        assert await repo.recover_stale(NOW + 2 * lease, lease, db.receipts) == 0  # polling
        assert await repo.recover_stale(NOW + 2 * lease, lease, db.receipts, replies=True) == 1
    assert await _statuses(db) == {row: ("pending", None)}
    [again] = await _claimed_rows(db, REPLY, "webhook:1", 1)
    later = NOW + 2 * lease
    async with db.transaction() as session:
        repo = OutboxRepository(session)
        assert await repo.release_orphan_replies("webhook:2", db.receipts, later, later - lease)
    assert (await _statuses(db))[again] == ("pending", None)


async def test_side_file_receipts_outlive_the_connection(tmp_path) -> None:
    path = str(tmp_path / "bot.sqlite3-receipts")
    writer = SideFileReceipts(path)
    await writer.record(3, 30)
    await writer.record(4, None)
    await writer.close()
    reader = SideFileReceipts(path)
    assert await reader.among(range(1, 1200)) == {3: 30, 4: None}
    await reader.prune()  # fresh receipts are kept
    assert await reader.among([3]) == {3: 30}
    await reader.close()
