""" "Beri tahu saya": someone waits for a batch at a BLK that has none open; when a batch
opens there (created, imported or reopened), each of them is told once, through the
outbox, in the transaction that opens it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.delivery.templates import Template, enqueue_template
from storage.blk_watch_repository import BlkWatchRepository
from storage.database import Database


class BlkWatchService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self.clock = clock

    async def watch(self, telegram_id: int, blk_id: str) -> bool:
        """Start waiting for a batch at the BLK; False when already waiting."""
        async with self._db.transaction() as session:
            return await BlkWatchRepository(session).add(telegram_id, blk_id, self.clock.now())

    async def stop(self, telegram_id: int, blk_id: str) -> bool:
        """ "Berhenti memberi tahu": False when the person was not waiting there."""
        async with self._db.transaction() as session:
            return await BlkWatchRepository(session).remove(telegram_id, blk_id)

    async def watched(self, telegram_id: int) -> list[str]:
        """The BLKs the person waits at, so they can see and stop each watch."""
        async with self._db.transaction() as session:
            return await BlkWatchRepository(session).blks_of(telegram_id)


async def tell_watchers(session: AsyncSession, blk_id: str, batch_id: int, now: datetime) -> int:
    """Queue "a batch opened" for everyone waiting at the BLK and end their watches, in
    the caller's transaction; returns how many were told."""
    watchers = await BlkWatchRepository(session).take_watchers(blk_id)
    for telegram_id in watchers:
        await enqueue_template(
            session,
            telegram_id,
            Template.BATCH_OPENED,
            {"batch_id": batch_id},
            dedupe_key=f"batch-opened:{batch_id}:{telegram_id}",
            not_before=now,
        )
    return len(watchers)
