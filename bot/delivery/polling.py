"""Long polling that loses no update and gives none a second effect.

aiogram's polling confirms a batch to Telegram (the getUpdates offset) as soon as it has
fetched it, so updates queued in a process that dies are gone. Here the offset only moves
past a batch once every update in it was handled (`update_handling`: one transaction per
update that records its update_id and holds its answers, sent right after the commit).
A batch delivered again after a crash skips recorded updates, and an update whose
transaction did not commit left no trace, so handling it again is its first effect.

What remains: answers committed before a kill but not confirmed sent are handed to the
outbox sender when the next poller starts (late, once), except those with a delivery
receipt (`storage.receipts`, written the moment Telegram accepts an answer): they were
sent. Only a kill between Telegram's answer and that receipt sends one twice. Files sent as
uploads (/datasaya) and calls wrapped in `send_now()` go out immediately. Conversation
state in Redis (REDIS_URL) is outside the transaction. Each chat's updates are handled in
order; different chats run concurrently (on SQLite, transactions take turns).

Faults: an update whose transaction met a passing database fault (a dropped connection,
a lock, `storage.transient_errors`) is not recorded; its chat's later updates wait, and
the batch is tried again with backoff (up to `RETRY_CAP`) without moving the offset. Only
an update that keeps failing otherwise is recorded as handled, after a few tries
(`update_retries`). Answers whose fate a fault left unknown are settled between batches
(by their receipts, else handed to the sender). No database or Telegram error ends `run`.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from contextlib import suppress
from datetime import timedelta

from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramAPIError
from aiogram.types import Update

from bot.backoff import Backoff
from bot.clock import Clock
from bot.delivery.update_handling import UpdateHandling, chat_key
from storage.database import Database
from storage.outbox_repository import OutboxRepository
from storage.update_log import UpdateLog

logger = logging.getLogger(__name__)

RETENTION = timedelta(days=2)
RETRY_CAP = 30.0  # seconds: the longest wait between tries while the database is away


class ReliablePolling:
    def __init__(
        self,
        dp: Dispatcher,
        bot: Bot,
        handling: UpdateHandling,
        *,
        timeout: int = 25,
        limit: int = 100,
    ) -> None:
        """`handling` feeds updates to `dp` (`update_handling`)."""
        self._bot = bot
        self._timeout = timeout
        self._limit = limit
        self._allowed = dp.resolve_used_update_types()
        self._handling = handling

    async def run(self, stop: asyncio.Event) -> None:
        """Poll until `stop` is set; the batch in hand is finished first, unless the
        database is away: then it stays unconfirmed, for the next start to fetch again."""
        backoff = Backoff(cap=RETRY_CAP)
        while not stop.is_set() and not await self._handling.release_orphans():
            await backoff.wait(stop)
        offset: int | None = None
        batch: list[Update] = []
        while not stop.is_set():
            if not batch:
                try:
                    batch = await self._fetch(offset, stop)
                except Exception as exc:
                    logger.warning(
                        "getUpdates failed (%s); retrying in %.0f s",
                        type(exc).__name__,
                        backoff.delay,
                    )
                    await backoff.wait(stop)
                    continue
            if batch:
                if not (await self._handle_batch(batch) and await self._handling.settle()):
                    await backoff.wait(stop)  # then the same batch again; handled ones skip
                    continue
                offset, batch = batch[-1].update_id + 1, []
            backoff.reset()
        if offset is not None:
            # Confirm the last handled batch, so a clean restart does not fetch it again.
            # A 409 means the long poll just abandoned is still open on the server; the
            # update log skips that batch if it comes again, as after any failure here.
            with suppress(TelegramAPIError):
                await self._bot.get_updates(
                    offset=offset, timeout=0, limit=1, allowed_updates=self._allowed
                )

    async def _fetch(self, offset: int | None, stop: asyncio.Event) -> list[Update]:
        request = asyncio.ensure_future(
            self._bot.get_updates(
                offset=offset, timeout=self._timeout, limit=self._limit,
                allowed_updates=self._allowed,
            )
        )  # fmt: skip
        stopping = asyncio.ensure_future(stop.wait())
        try:
            await asyncio.wait({request, stopping}, return_when=asyncio.FIRST_COMPLETED)
        finally:  # also when cancelled: neither may outlive the poll
            stopping.cancel()
            request.cancel()  # nothing happens to a request that has finished
        return request.result() if request.done() and not request.cancelled() else []

    async def _handle_batch(self, updates: list[Update]) -> bool:
        """Handle what is not handled yet; False when some update must be tried again."""
        await self._handling.saw(updates)
        handled = await self._handling.handled_among([u.update_id for u in updates])
        if handled is None:
            return False
        by_chat: dict[int, list[Update]] = defaultdict(list)
        for update in updates:
            if update.update_id not in handled:
                by_chat[chat_key(update)].append(update)
        done = await asyncio.gather(*(self._handle_chat(queue) for queue in by_chat.values()))
        return all(done)

    async def _handle_chat(self, queue: list[Update]) -> bool:
        """One chat's updates in order; at one to try again later the rest wait (False)."""
        async with self._handling.slots:
            for update in queue:
                if not await self._handling.process(update):
                    return False
        return True


async def forget_old_updates(db: Database, clock: Clock, outbox_keep: timedelta) -> None:
    """Periodic, not per batch: the deletes scan the log and the outbox and take SQLite's
    write lock. Settled outbox rows go after `outbox_keep` (their payloads are already
    blank; what is left says only who got what kind of message when)."""
    now = clock.now()
    async with db.transaction() as session:
        await UpdateLog(session).forget_before(now - RETENTION)
        await OutboxRepository(session).prune_settled(now - outbox_keep)
    await db.receipts.prune()
