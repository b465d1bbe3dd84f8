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
from datetime import datetime, timedelta

from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramAPIError
from aiogram.types import Update

from bot.backoff import Backoff
from bot.clock import Clock
from bot.crash_log import crash_trace
from bot.delivery.deferred_replies import deferring
from bot.delivery.outbox_calls import Outcome, record_outcome
from bot.delivery.rate_limit import RateLimiter
from bot.delivery.replies_outbox import HeldAnswers, deliver_now, hold
from bot.delivery.telegram_dates import TelegramDates
from bot.delivery.update_retries import UpdateRetries
from bot.delivery.worker_identity import new_worker_id
from storage.database import Database
from storage.outbox_repository import OutboxRepository
from storage.transient_errors import describe, is_transient
from storage.update_log import UpdateLog

logger = logging.getLogger(__name__)

RETENTION = timedelta(days=2)
RETRY_CAP = 30.0  # seconds: the longest wait between tries while the database is away


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
        attempts: int = 3,
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
        self._reply_expiry = reply_expiry  # answers not sent by then are dropped
        self._dates = TelegramDates(db, self._clock)  # what the clock is checked against
        self._retries = UpdateRetries(attempts)
        # Sent answers whose outcome the database refused, written by `_settle`.
        self._unrecorded: list[tuple[int, dict[int, Outcome]]] = []
        # A transaction failed: its answers may be committed (a drop during COMMIT) or
        # half sent, still claimed by this poller; `_settle` hands them to the sender.
        self._stranded = False

    async def run(self, stop: asyncio.Event) -> None:
        """Poll until `stop` is set; the batch in hand is finished first, unless the
        database is away: then it stays unconfirmed, for the next start to fetch again."""
        backoff = Backoff(cap=RETRY_CAP)
        while not stop.is_set() and not await self._release_orphans():
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
                if not (await self._handle_batch(batch) and await self._settle()):
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

    async def _release_orphans(self) -> bool:
        """Answers a stopped process committed go to the sender; False if the database is away."""
        try:
            async with self._db.transaction() as session:
                orphans = await OutboxRepository(session).release_orphan_replies(
                    self._worker, self._db.receipts, self._clock.now()
                )
        except Exception as error:
            _database_fault("releasing a stopped process's answers", error)
            return False
        if orphans:
            logger.warning("%d answers of a stopped process go out through the outbox", orphans)
        return True

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
        await self._dates.saw(updates)
        try:
            async with self._db.transaction() as session:
                handled = await UpdateLog(session).handled_among([u.update_id for u in updates])
        except Exception as error:
            _database_fault("reading the update log", error)
            return False
        by_chat: dict[int, list[Update]] = defaultdict(list)
        for update in updates:
            if update.update_id not in handled:
                by_chat[_chat_key(update)].append(update)
        done = await asyncio.gather(*(self._handle_chat(queue) for queue in by_chat.values()))
        return all(done)

    async def _handle_chat(self, queue: list[Update]) -> bool:
        """One chat's updates in order; at one to try again later the rest wait (False)."""
        async with self._slots:
            for update in queue:
                try:
                    held = await self._handle(update)
                except Exception as error:
                    self._stranded = True
                    if not await self._give_up(update.update_id, error):
                        return False
                    continue
                self._retries.forget(update.update_id)
                await self._deliver(held)
        return True

    async def _give_up(self, update_id: int, error: Exception) -> bool:
        """True once a failing update is recorded as handled (`UpdateRetries`)."""
        if not self._retries.gives_up(update_id, error):
            return False
        try:
            async with self._db.transaction() as session:
                UpdateLog(session).record(update_id)
        except Exception as record_error:
            _database_fault(f"recording update {update_id} as handled", record_error)
            return False
        self._retries.forget(update_id)
        return True

    async def _handle(self, update: Update) -> HeldAnswers:
        """Handle one update in one transaction; returns its answers, committed, to send.

        A handler's refusal or crash is answered by the errors router and committed with
        the update; a passing database fault comes back out of the dispatcher
        (`bot.runtime.dispatcher`), so that all of it rolls back and is tried again.
        """
        async with self._db.unit_of_work() as session:
            log = UpdateLog(session)
            if await log.handled_among([update.update_id]):
                return HeldAnswers(_chat_key(update))
            with deferring() as deferred:
                await self._dp.feed_update(self._bot, update)
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

    async def _deliver(self, held: HeldAnswers) -> None:
        """Send committed answers and record how it went, or leave that to `_settle`."""
        if not held.rows:
            return
        try:
            outcomes = await deliver_now(self._db, self._bot, held, self._limiter)
        except Exception as error:
            logger.error("answers not sent, left to the outbox sender: %s", crash_trace(error))
            self._stranded = True
            return
        try:
            async with self._db.transaction() as session:
                await _record(
                    OutboxRepository(session),
                    held.chat_id,
                    outcomes,
                    self._worker,
                    self._clock.now(),
                )
        except Exception as error:
            _database_fault("recording sent answers", error)
            self._unrecorded.append((held.chat_id, outcomes))

    async def _settle(self) -> bool:
        """Between batches: record outcomes the database refused, and hand answers of
        failed transactions still claimed here to the sender. False if it must wait."""
        if not (self._unrecorded or self._stranded):
            return True
        unrecorded, self._unrecorded = self._unrecorded, []
        try:
            async with self._db.transaction() as session:
                repo, now = OutboxRepository(session), self._clock.now()
                for chat_id, outcomes in unrecorded:
                    await _record(repo, chat_id, outcomes, self._worker, now)
                released = await repo.release_own_replies(self._worker, self._db.receipts, now)
        except Exception as error:
            _database_fault("settling answers", error)
            self._unrecorded = unrecorded + self._unrecorded
            return False
        if released:
            logger.warning("%d answers go out through the outbox after a failure", released)
        self._stranded = False
        return True


async def _record(
    repo: OutboxRepository, chat_id: int, outcomes: dict[int, Outcome], worker: str, now: datetime
) -> None:
    for row_id, outcome in outcomes.items():
        await record_outcome(repo, row_id, chat_id, outcome, now, worker)


def _database_fault(doing: str, error: Exception) -> None:
    """One line for a passing fault; the whole chain for anything else."""
    if is_transient(error):
        logger.warning("%s: database unavailable (%s); tried again later", doing, describe(error))
    else:
        logger.error("%s failed: %s", doing, crash_trace(error))


async def forget_old_updates(db: Database, clock: Clock, outbox_keep: timedelta) -> None:
    """Periodic, not per batch: the deletes scan the log and the outbox and take SQLite's
    write lock. Settled outbox rows go after `outbox_keep` (their payloads are already
    blank; what is left says only who got what kind of message when)."""
    now = clock.now()
    async with db.transaction() as session:
        await UpdateLog(session).forget_before(now - RETENTION)
        await OutboxRepository(session).prune_settled(now - outbox_keep)
    await db.receipts.prune()
