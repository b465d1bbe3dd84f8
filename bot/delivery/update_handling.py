"""One update handled once, whichever way it arrived (long polling or a webhook).

An update is handled in one database transaction (`Database.unit_of_work`) that also
records its update_id and writes its answers to the outbox (`bot.deferred_replies`); the
answers are sent right after the commit, each with its receipt. An update already
recorded is skipped, so a delivery repeated after a crash or a lost acknowledgement has
no second effect, and one whose transaction did not commit left no trace.

`process` says whether the update may be confirmed to Telegram (the getUpdates offset,
a webhook's 2xx): True once it is handled or given up as poison (`update_retries`),
False when it must come again — a passing database fault, or a failure not yet tried
`attempts` times. Answers whose fate a failure left unknown (a drop during COMMIT, a
send cut short) or whose outcome the database refused are put right by `settle`, which
waits until no update is in flight: until then this process's claims on answers are
answers being sent.

The module stays clear of aiogram (the edges feed the dispatcher): `feed` handles the
update inside its transaction, and `bot` (aiogram's Bot) is handed through to the outbox.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Any, Protocol

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


class Incoming(Protocol):
    """What is read of an update here (aiogram's Update has it)."""

    @property
    def update_id(self) -> int: ...

    @property
    def event(self) -> Any: ...


Feed = Callable[[Any], Awaitable[object]]  # hands an update to the dispatcher


def chat_key(update: Incoming) -> int:
    """Updates of one person are handled one after another; 0 groups the chat-less ones."""
    event = update.event
    user = getattr(event, "from_user", None)
    chat = getattr(event, "chat", None)
    return user.id if user else chat.id if chat else 0


def default_concurrency(db: Database) -> int:
    """Updates handled at once. Answers are paced at ~30/s (one limiter with the outbox),
    so more at once only lengthen the queues — for SQLite's write lock, and for the event
    loop, which must get to an answer's receipt the moment Telegram accepted it."""
    return 4 if db.is_sqlite else 8


class _Quiet:
    """Updates in flight share it; settling waits until none is, holding new ones back."""

    def __init__(self) -> None:
        self._busy = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._open = asyncio.Event()
        self._open.set()

    @asynccontextmanager
    async def shared(self) -> AsyncIterator[None]:
        await self._open.wait()
        self._busy += 1
        self._idle.clear()
        try:
            yield
        finally:
            self._busy -= 1
            if not self._busy:
                self._idle.set()

    @asynccontextmanager
    async def alone(self) -> AsyncIterator[None]:
        self._open.clear()
        try:
            await self._idle.wait()
            yield
        finally:
            self._open.set()


class UpdateHandling:
    def __init__(
        self,
        feed: Feed,
        bot: Any,
        db: Database,
        *,
        role: str,
        limiter: RateLimiter | None = None,
        clock: Clock | None = None,
        attempts: int = 3,
        reply_expiry: timedelta = timedelta(hours=1),
        concurrency: int | None = None,
        orphan_age: timedelta | None = None,
    ) -> None:
        self._feed = feed
        # With other processes serving the bot beside this one (webhook mode), another's
        # claimed answers are a stopped process's only once they are this old (the lease).
        self._orphan_age = orphan_age
        self._bot = bot
        self._db = db
        self.worker = new_worker_id(role)
        self.concurrency = concurrency or default_concurrency(db)
        self.slots = asyncio.Semaphore(self.concurrency)
        self._limiter = limiter or RateLimiter()
        self._clock = clock or Clock()  # the app's, which the outbox sender shares
        self._reply_expiry = reply_expiry  # answers not sent by then are dropped
        self._dates = TelegramDates(db, self._clock)  # what the clock is checked against
        self._retries = UpdateRetries(attempts)
        self._quiet = _Quiet()
        # Sent answers whose outcome the database refused, written by `settle`.
        self._unrecorded: list[tuple[int, dict[int, Outcome]]] = []
        # Set when `settle` has work: outcomes above, or a transaction or a send that
        # failed, whose answers may be committed (a drop during COMMIT) or half sent and
        # are still claimed by this process.
        self.unsettled = asyncio.Event()

    async def release_orphans(self) -> bool:
        """Answers a stopped process committed go to the sender; False if the database is away."""
        try:
            async with self._db.transaction() as session:
                now = self._clock.now()
                before = now - self._orphan_age if self._orphan_age is not None else None
                orphans = await OutboxRepository(session).release_orphan_replies(
                    self.worker, self._db.receipts, now, before
                )
        except Exception as error:
            database_fault("releasing a stopped process's answers", error)
            return False
        if orphans:
            logger.warning("%d answers of a stopped process go out through the outbox", orphans)
        return True

    async def saw(self, updates: Iterable[Incoming]) -> None:
        """Telegram's dates on arriving updates, for the clock check."""
        await self._dates.saw(updates)

    async def handled_among(self, update_ids: list[int]) -> set[int] | None:
        """Those already recorded; None if the database is away."""
        try:
            async with self._db.transaction() as session:
                return await UpdateLog(session).handled_among(update_ids)
        except Exception as error:
            database_fault("reading the update log", error)
            return None

    async def process(self, update: Incoming) -> bool:
        """Handle the update and send its answers; True when Telegram may forget it."""
        async with self._quiet.shared():
            try:
                held = await self._handle(update)
            except Exception as error:
                self.unsettled.set()
                return await self._give_up(update.update_id, error)
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
            database_fault(f"recording update {update_id} as handled", record_error)
            return False
        self._retries.forget(update_id)
        return True

    async def _handle(self, update: Incoming) -> HeldAnswers:
        """Handle one update in one transaction; returns its answers, committed, to send.

        A handler's refusal or crash is answered by the errors router and committed with
        the update; a passing database fault comes back out of the dispatcher
        (`bot.runtime.dispatcher`), so that all of it rolls back and is tried again.
        """
        async with self._db.unit_of_work() as session:
            log = UpdateLog(session)
            if await log.handled_among([update.update_id]):
                return HeldAnswers(chat_key(update))
            with deferring() as deferred:
                await self._feed(update)
            log.record(update.update_id)
            now = self._clock.now()
            return await hold(
                session,
                self._bot,
                chat_key(update),
                deferred.calls,
                self.worker,
                now,
                now + self._reply_expiry,
            )

    async def _deliver(self, held: HeldAnswers) -> None:
        """Send committed answers and record how it went, or leave that to `settle`."""
        if not held.rows:
            return
        try:
            outcomes = await deliver_now(self._db, self._bot, held, self._limiter)
        except Exception as error:
            logger.error("answers not sent, left to the outbox sender: %s", crash_trace(error))
            self.unsettled.set()
            return
        try:
            async with self._db.transaction() as session:
                await _record(
                    OutboxRepository(session),
                    held.chat_id,
                    outcomes,
                    self.worker,
                    self._clock.now(),
                )
        except Exception as error:
            database_fault("recording sent answers", error)
            self._unrecorded.append((held.chat_id, outcomes))
            self.unsettled.set()

    async def settle(self) -> bool:
        """Record outcomes the database refused, and hand answers of failed transactions
        still claimed here to the sender, once no update is in flight. False if the
        database is away: call again later."""
        if not self.unsettled.is_set():
            return True
        async with self._quiet.alone():
            unrecorded, self._unrecorded = self._unrecorded, []
            try:
                async with self._db.transaction() as session:
                    repo, now = OutboxRepository(session), self._clock.now()
                    for chat_id, outcomes in unrecorded:
                        await _record(repo, chat_id, outcomes, self.worker, now)
                    released = await repo.release_own_replies(self.worker, self._db.receipts, now)
            except Exception as error:
                database_fault("settling answers", error)
                self._unrecorded = unrecorded + self._unrecorded
                return False
            self.unsettled.clear()
        if released:
            logger.warning("%d answers go out through the outbox after a failure", released)
        return True


async def _record(
    repo: OutboxRepository, chat_id: int, outcomes: dict[int, Outcome], worker: str, now: datetime
) -> None:
    for row_id, outcome in outcomes.items():
        await record_outcome(repo, row_id, chat_id, outcome, now, worker)


def database_fault(doing: str, error: Exception) -> None:
    """One line for a passing fault; the whole chain for anything else."""
    if is_transient(error):
        logger.warning("%s: database unavailable (%s); tried again later", doing, describe(error))
    else:
        logger.error("%s failed: %s", doing, crash_trace(error))
