"""Long polling that loses no update and gives none a second effect.

aiogram's polling confirms a batch to Telegram (the getUpdates offset) as soon as it has
fetched it, so updates queued in a process that dies are gone. Here the offset only moves
past a batch once every update in it was handled. Each update is handled in one database
transaction (`Database.unit_of_work`) that also records its update_id and writes its
answers to the outbox (`bot.deferred_replies`); the answers are sent right after the
commit. A batch delivered again after a crash skips recorded updates, and an update whose
transaction did not commit left no trace, so handling it again is its first effect.

What remains: answers committed before a kill but not confirmed sent are handed to the
outbox sender when the next poller starts (late, once), except those with a delivery
receipt (`storage.receipts`, written the moment Telegram accepts an answer): they were
sent. Only a kill between Telegram's answer and that receipt sends one twice. Files sent as
uploads (/datasaya) and calls wrapped in `send_now()` go out immediately. Conversation
state in Redis (REDIS_URL) is outside the transaction. Each chat's updates are handled in
order; different chats run concurrently (on SQLite, transactions take turns).
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from contextlib import suppress
from datetime import timedelta

from aiogram import Bot, Dispatcher
from aiogram.exceptions import (
    TelegramConflictError,
    TelegramNetworkError,
    TelegramServerError,
)
from aiogram.types import Update

from bot.clock import Clock
from bot.crash_log import crash_trace
from bot.delivery.deferred_replies import deferring
from bot.delivery.rate_limit import RateLimiter
from bot.delivery.replies_outbox import HeldAnswers, deliver_now, hold
from bot.delivery.telegram_dates import TelegramDates
from bot.delivery.worker_identity import new_worker_id
from storage.database import Database
from storage.outbox_repository import OutboxRepository
from storage.update_log import UpdateLog

logger = logging.getLogger(__name__)

RETENTION = timedelta(days=2)


def _chat_key(update: Update) -> int:
    """Updates of one person are handled one after another; 0 groups the chat-less ones."""
    event = update.event
    user = getattr(event, "from_user", None)
    chat = getattr(event, "chat", None)
    return user.id if user else chat.id if chat else 0


class ReliablePolling:
    def __init__(
        self,
        dp: Dispatcher,
        bot: Bot,
        db: Database,
        *,
        timeout: int = 25,
        limit: int = 100,
        concurrency: int | None = None,
        limiter: RateLimiter | None = None,
        clock: Clock | None = None,
        reply_expiry: timedelta = timedelta(hours=1),
    ) -> None:
        self._dp = dp
        self._bot = bot
        self._db = db
        self._timeout = timeout
        self._limit = limit
        # Answers are paced at ~30/s (one limiter with the outbox), so more chats at once
        # only lengthen the queues — for SQLite's write lock, and for the event loop, which
        # must get to an answer's receipt the moment Telegram accepted it.
        self._slots = asyncio.Semaphore(concurrency or (4 if db.is_sqlite else 8))
        self._allowed = dp.resolve_used_update_types()
        self._worker = new_worker_id("poller")
        self._limiter = limiter or RateLimiter()
        self._clock = clock or Clock()  # the app's, which the outbox sender shares
        self._dates = TelegramDates(db, self._clock)  # what the clock is checked against
        self._reply_expiry = reply_expiry  # answers not sent by then are dropped

    async def run(self, stop: asyncio.Event) -> None:
        """Poll until `stop` is set; the batch in hand is always finished first."""
        async with self._db.transaction() as session:
            orphans = await OutboxRepository(session).release_orphan_replies(
                self._worker, self._db.receipts, self._clock.now()
            )
        if orphans:
            logger.warning("%d answers of a stopped process go out through the outbox", orphans)
        offset: int | None = None
        backoff = 1.0
        while not stop.is_set():
            try:
                updates = await self._fetch(offset, stop)
            except (TelegramNetworkError, TelegramServerError) as exc:
                logger.warning(
                    "getUpdates failed (%s); retrying in %.0f s", type(exc).__name__, backoff
                )
                await _wait(stop, backoff)
                backoff = min(backoff * 2, 30.0)
                continue
            backoff = 1.0
            if updates:
                await self._handle_batch(updates)
                offset = updates[-1].update_id + 1
        if offset is not None:
            # Confirm the last handled batch, so a clean restart does not fetch it again.
            # A 409 means the long poll just abandoned is still open on the server; the
            # update log skips that batch if it comes again.
            with suppress(TelegramConflictError):
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
        done, _ = await asyncio.wait({request, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if request not in done:
            request.cancel()
            return []
        return request.result()

    async def _handle_batch(self, updates: list[Update]) -> None:
        await self._dates.saw(updates)
        async with self._db.transaction() as session:
            handled = await UpdateLog(session).handled_among([u.update_id for u in updates])
        by_chat: dict[int, list[Update]] = defaultdict(list)
        for update in updates:
            if update.update_id not in handled:
                by_chat[_chat_key(update)].append(update)
        await asyncio.gather(*(self._handle_chat(queue) for queue in by_chat.values()))

    async def _handle_chat(self, queue: list[Update]) -> None:
        async with self._slots:
            for update in queue:
                try:
                    held = await self._handle(update)
                except Exception as error:
                    # Its transaction failed as a whole: record it so it cannot loop forever.
                    logger.error(
                        "update %s could not be handled: %s", update.update_id, crash_trace(error)
                    )
                    async with self._db.transaction() as session:
                        UpdateLog(session).record(update.update_id)
                    continue
                await deliver_now(
                    self._db, self._bot, held, self._worker, self._limiter, self._clock
                )

    async def _handle(self, update: Update) -> HeldAnswers:
        """Handle one update in one transaction; returns its answers, committed, to send."""
        async with self._db.unit_of_work() as session:
            log = UpdateLog(session)
            if await log.handled_among([update.update_id]):
                return HeldAnswers(_chat_key(update))
            with deferring() as deferred:
                try:
                    await self._dp.feed_update(self._bot, update)
                except Exception as error:
                    # The errors router already answered; a poison update must not loop.
                    logger.error("update %s failed: %s", update.update_id, crash_trace(error))
            log.record(update.update_id)
            now = self._clock.now()
            return await hold(
                session,
                self._bot,
                _chat_key(update),
                deferred.calls,
                self._worker,
                now,
                now + self._reply_expiry,
            )


async def forget_old_updates(db: Database, clock: Clock, outbox_keep: timedelta) -> None:
    """Periodic, not per batch: the deletes scan the log and the outbox and take SQLite's
    write lock. Settled outbox rows go after `outbox_keep` (their payloads are already
    blank; what is left says only who got what kind of message when)."""
    now = clock.now()
    async with db.transaction() as session:
        await UpdateLog(session).forget_before(now - RETENTION)
        await OutboxRepository(session).prune_settled(now - outbox_keep)
    await db.receipts.prune()


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    with suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
