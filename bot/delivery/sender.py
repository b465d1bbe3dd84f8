"""The one sender that delivers the outbox within Telegram's rate limits.

Delivery guarantee: a row is sent only after a committed transaction claimed it ("sending",
claimed_by, claimed_at), and its outcome is committed right after the call returns, so
restarts and concurrent senders never send a row twice. The one unavoidable window: a
process killed (SIGKILL, power loss) after Telegram accepted a message but before the
outcome commit leaves the row "sending"; after `lease_seconds` it goes back to pending and
is sent again. That is at most `concurrency` messages, and only on a hard kill: on stop()
in-flight sends finish and are recorded. (A request timeout after Telegram already took
the message is the same case: it is retried, as a 5xx is.)

Telegram outages (5xx, network down, timeouts) are waited out (`circuit_breaker`): the
sender pauses as a whole and probes with one row, and rows caught in the outage go back to
pending without using up attempts, so a message expires only by its own deadline
(`expires_at`). `max_attempts` bounds the other failures (a render hook that fails,
answers Telegram does not document), and 429s follow retry_after.

Several senders may share one PostgreSQL database (SKIP LOCKED claims; a chat being sent
to by one is skipped by the others, so its messages keep their order). They share one rate
budget when their limiter keeps it in Redis (`shared_rate_limit`); with local limiters give
each OUTBOX_RATE / N, or together they exceed Telegram's ~30 messages/s. Claims must be
settled within the lease, so hosts need synced clocks.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from aiogram import Bot
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
    TelegramBadRequest,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.methods import TelegramMethod
from pydantic import ValidationError

from bot.clock import Clock
from bot.crash_log import crash_trace
from bot.delivery.call_source import calling_as_sender
from bot.delivery.circuit_breaker import CircuitBreaker
from bot.delivery.outbox import Outgoing
from bot.delivery.outbox_calls import Outcome, OutcomeKind, build_method, record_outcome
from bot.delivery.rate_limit import RateLimiter
from bot.delivery.worker_identity import new_worker_id
from storage.database import Database
from storage.models import OutboxMessage
from storage.outbox_payloads import opened
from storage.outbox_repository import OutboxRepository
from storage.transient_errors import describe, is_transient

logger = logging.getLogger(__name__)

Render = Callable[[OutboxMessage], Awaitable[Outgoing | None]]
BACKOFF_CAP = 16.0  # seconds; retries wait 2, 4, 8, 16, 16, ...
MAX_RATE_LIMITED = 20  # 429s do not use up attempts, but a row is not retried forever
# A row past its deadline while the clock is not trusted is looked at again this much later.
UNTRUSTED_DEADLINE_WAIT = timedelta(minutes=1)
# A 5xx for one row while others get through is not an outage: retried with backoff, but
# not forever, as such a row would keep Telegram busy until its deadline (if it has one).
MAX_UNAVAILABLE_ALONE = 20
# Telegram cannot answer: 5xx, network down or timed out, a proxy's error page.
UNAVAILABLE = (TelegramServerError, TelegramNetworkError, ClientDecodeError, TimeoutError)
FINAL_ERRORS = (TelegramBadRequest, TelegramNotFound, TelegramEntityTooLarge, TelegramMigrateToChat)


Finished = list[tuple[OutboxMessage, Outcome]]
Call = TelegramMethod[Any]
Calls = tuple[Call, Call | None]  # the call, and the one to make if Telegram refuses it


@dataclass
class _Deliveries:
    """One `run`'s sends: in flight, and finished but not recorded yet."""

    in_flight: dict[asyncio.Task[Outcome], OutboxMessage] = field(default_factory=dict)
    finished: Finished = field(default_factory=list)
    next_recover: float = 0.0  # loop time of the next look for a dead sender's rows
    failures: int = 0  # database cycles failed in a row


class Sender:
    """Claims due rows, sends them concurrently within the limiter, records the outcomes.

    Each cycle is one transaction that records the sends finished so far and claims rows
    for the free slots (group commit: two transactions per message would not keep up with
    30 messages/s on a slow disk), so at most `concurrency` rows are ever "sending" here.
    """

    def __init__(
        self,
        db: Database,
        bot: Bot,
        *,
        render: Render | None = None,
        rate_per_second: float = 29.5,
        per_chat_interval: float = 1.0,
        concurrency: int = 8,
        max_attempts: int = 5,
        lease_seconds: float = 60,
        worker_id: str | None = None,
        clock: Clock | None = None,
        deadlines_trusted: Callable[[], Awaitable[bool]] | None = None,
        limiter: RateLimiter | None = None,
        poll_interval: float = 1.0,
        breaker: CircuitBreaker | None = None,
        recover_replies: bool = False,
    ) -> None:
        self.db, self.bot, self.render = db, bot, render
        self.clock = clock or Clock()  # the app's: rows fall due by the clock that queued them
        # Whether the clock may say a row's deadline passed (`bot.clock_sanity`): one set a
        # year ahead would expire every queued message. Until then such rows wait.
        self.deadlines_trusted = deadlines_trusted
        self._expiring = True
        self.limiter = limiter or RateLimiter(rate_per_second, per_chat_interval)
        self.concurrency, self.max_attempts = concurrency, max_attempts
        self.lease = timedelta(seconds=lease_seconds)
        self.request_timeout = max(1, int(lease_seconds / 4))  # claim age <= lease/2 + this
        self.worker_id = worker_id or new_worker_id("sender")
        self.poll_interval = poll_interval
        self.breaker = breaker or CircuitBreaker(clock=self.limiter.now)
        # Several webhook processes: a dead one's answers are recovered after the lease too.
        self.recover_replies = recover_replies
        self.stats: Counter[str] = Counter()  # outcomes by kind (OutcomeKind's values)
        self._wake = asyncio.Event()
        self._waiting: set[asyncio.Task[Any]] = set()  # deliveries still in the limiter
        self._stopping = False
        self._rate_limited: Counter[int] = Counter()
        self._unavailable_alone: Counter[int] = Counter()

    def wake(self) -> None:
        """Something was enqueued: look now instead of at the next poll."""
        self._wake.set()

    async def run_once(self) -> int:
        """Handle every row due now, in batches of `concurrency`; returns rows handled."""
        self._stopping, finished, recover, handled = False, [], True, 0
        while True:
            limit = self.breaker.admits(self.concurrency, 0)
            rows, settled = await self._record_and_claim(finished, limit, set(), recover)
            self.breaker.claimed(len(rows))
            recover, handled = False, handled + settled + len(rows)
            if not rows and not settled:
                return handled
            outcomes = await asyncio.gather(*(self._attempt(row) for row in rows))
            finished = list(zip(rows, outcomes, strict=True))

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until `stop` is set; then finish sends in flight, record them, return.

        Each round records the finished sends and claims rows for the free slots
        (`_step`), then sleeps until a send ends, a row is queued (`wake`) or the poll
        interval passes. Rows still waiting for the limiter at stop are released unsent.
        """
        self._stopping = False
        deliveries = _Deliveries()
        relay = asyncio.create_task(self._relay(stop))
        try:
            while True:
                self._wake.clear()  # before looking: a later set() is never lost
                if stop.is_set() and not self._stopping:
                    self._release_waiting()
                if self._stopping and not deliveries.in_flight and not deliveries.finished:
                    return
                go_on, idle = await self._step(deliveries)
                if self._stopping and deliveries.failures >= 3:
                    return  # unrecorded rows are retried after the lease
                if not go_on:
                    await self._sleep(idle)
        except asyncio.CancelledError:
            await self._abort(deliveries)
            raise
        finally:
            relay.cancel()

    async def _relay(self, stop: asyncio.Event) -> None:
        await stop.wait()
        self._wake.set()

    def _release_waiting(self) -> None:
        """Stop: sends not past the limiter are cancelled, and released back to pending."""
        self._stopping = True
        for task in list(self._waiting):
            task.cancel()

    async def _step(self, deliveries: _Deliveries) -> tuple[bool, float]:
        """Record, recover and claim in one transaction when there is anything to do, and
        start sending what was claimed. Returns whether to go on at once, else how long
        to sleep at most."""
        loop = asyncio.get_running_loop()
        paused, in_flight = self.limiter.pause_remaining(), len(deliveries.in_flight)
        free = 0 if self._stopping or paused else self.concurrency - in_flight
        free = self.breaker.admits(free, in_flight)
        recover = loop.time() >= deliveries.next_recover
        # While rows are still on their way back, their ends wake us, not the probe's time.
        probe_in = None if in_flight else self.breaker.probe_in()
        timeout = min(self.poll_interval, paused or 1e9, 1e9 if probe_in is None else probe_in)
        batch = deliveries.finished[:]
        if not (batch or free or recover):
            return False, timeout
        busy = {row.chat_id for row in deliveries.in_flight.values()}
        try:
            rows, settled = await self._record_and_claim(
                batch, free, busy | self.limiter.cooling_chats(), recover
            )
        except Exception as error:
            deliveries.failures += 1
            transient = is_transient(error)
            logger.log(
                logging.WARNING if transient else logging.ERROR,
                "outbox: database cycle failed (%d in a row): %s",
                deliveries.failures,
                describe(error) if transient else crash_trace(error),
            )
            return False, timeout
        del deliveries.finished[: len(batch)]
        deliveries.failures = 0
        self.breaker.claimed(len(rows))
        if recover:
            deliveries.next_recover = loop.time() + self.lease.total_seconds() / 4
        for row in rows:
            self._start(deliveries, row)
        timeout = min(timeout, self.limiter.next_chat_ready_in() or timeout)
        stopped = self._stopping and not deliveries.in_flight
        return bool(settled or deliveries.finished or stopped), timeout

    def _start(self, deliveries: _Deliveries, row: OutboxMessage) -> None:
        """Send `row` in the background; its outcome waits in `finished` for the next step."""
        task = asyncio.create_task(self._attempt(row))
        deliveries.in_flight[task] = row

        def done(task: asyncio.Task[Outcome]) -> None:
            row = deliveries.in_flight.pop(task)
            if task.cancelled() or task.exception() is not None:
                logger.error("outbox row %d: delivery crashed; retried after the lease", row.id)
            else:
                deliveries.finished.append((row, task.result()))
            self._wake.set()

        task.add_done_callback(done)

    async def _sleep(self, seconds: float) -> None:
        """Until `wake` (a row queued, a send ended, a stop) or `seconds` passed."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), seconds)

    async def _abort(self, deliveries: _Deliveries) -> None:
        """Cancelled instead of stopped: let the sends in flight end and still record them."""
        self._release_waiting()
        await asyncio.gather(*deliveries.in_flight, return_exceptions=True)
        with contextlib.suppress(Exception):
            await self._record_and_claim(deliveries.finished, 0, set(), False)

    async def _record_and_claim(
        self, finished: Finished, limit: int, busy: set[int], recover: bool
    ) -> tuple[list[OutboxMessage], int]:
        """One transaction: record finished sends, maybe recover stale claims, claim more.

        Expired rows and rows for unreachable chats are settled at once and not returned.
        """
        now = self.clock.now()
        if self.deadlines_trusted is not None:
            self._expiring = await self.deadlines_trusted()
        async with self.db.transaction() as session:
            repo = OutboxRepository(session)
            for row, outcome in finished:
                await record_outcome(repo, row.id, row.chat_id, outcome, now, self.worker_id)
            if recover and (
                count := await repo.recover_stale(
                    now, self.lease, self.db.receipts, replies=self.recover_replies
                )
            ):
                logger.warning("outbox: %d rows of a dead sender back to pending", count)
            rows = await repo.claim(self.worker_id, now, limit, exclude_chats=busy)
            blocked = await repo.unreachable_among(row.chat_id for row in rows)
            ready = []
            for row in rows:
                past = row.expires_at is not None and row.expires_at <= now
                if past and self._expiring:
                    await repo.expire(row.id)
                    self.stats[OutcomeKind.EXPIRED.value] += 1
                elif past:
                    await repo.retry_later(row.id, now + UNTRUSTED_DEADLINE_WAIT, "", count=False)
                elif row.chat_id in blocked:
                    await repo.mark_unreachable(row.id, "chat is unreachable")
                    self.stats[OutcomeKind.UNREACHABLE.value] += 1
                else:
                    ready.append(row)
        for row, outcome in finished:
            self.stats[outcome.kind.value] += 1
            if outcome.kind is not OutcomeKind.RATE_LIMITED:
                self._rate_limited.pop(row.id, None)
            if outcome.kind is not OutcomeKind.RELEASE:
                self._unavailable_alone.pop(row.id, None)
        return ready, len(rows) - len(ready)

    async def _attempt(self, row: OutboxMessage) -> Outcome:
        """One row: build its call, wait for its turn, call Telegram, say how it went."""
        calling_as_sender()  # this task's calls count as the sender's (metrics)
        calls = await self._calls(row)
        if isinstance(calls, Outcome):
            return calls
        not_now = await self._wait_turn(row)
        if not_now is not None:
            return not_now
        if not self.breaker.may_send():  # Telegram went away while this row waited its turn
            return Outcome(OutcomeKind.RELEASE, "paused: Telegram unavailable")
        return await self._send(row, *calls)

    async def _outgoing(self, row: OutboxMessage) -> Outgoing | None:
        data = json.loads(opened(row.payload, self.db.sealer))
        if isinstance(data, dict) and "method" in data:
            return Outgoing.from_dict(data)
        if self.render is None:
            raise LookupError("payload needs a render hook and none is configured")
        return await self.render(row)

    async def _calls(self, row: OutboxMessage) -> Calls | Outcome:
        """The row's Bot API call and its fallback, or why there is nothing to send."""
        try:
            outgoing = await self._outgoing(row)
            if outgoing is None:
                return Outcome(OutcomeKind.SKIPPED, "no longer relevant")
            fallback = build_method(outgoing.fallback, row.chat_id) if outgoing.fallback else None
            return build_method(outgoing, row.chat_id), fallback
        except (LookupError, ValidationError, TypeError, ValueError) as exc:
            return Outcome(OutcomeKind.FAILED, f"invalid payload: {_without_values(exc)}")
        except Exception as exc:
            if is_transient(exc):  # the database went away meanwhile: not the row's fault
                return Outcome(OutcomeKind.RELEASE, "render: database unavailable", delay=2.0)
            return self._transient(row, f"render failed: {type(exc).__name__}")

    async def _wait_turn(self, row: OutboxMessage) -> Outcome | None:
        """Wait for the limiter; an outcome instead when the row must not be sent now."""
        task = asyncio.current_task()
        assert task is not None
        self._waiting.add(task)
        try:
            await self.limiter.acquire(row.chat_id)
        except asyncio.CancelledError:
            if not self._stopping:
                raise
            return Outcome(OutcomeKind.RELEASE)  # our own cancel at stop: back to pending, not sent
        finally:
            self._waiting.discard(task)
        now = self.clock.now()
        if row.expires_at is not None and row.expires_at <= now:
            if not self._expiring:
                return Outcome(OutcomeKind.RELEASE, delay=UNTRUSTED_DEADLINE_WAIT.total_seconds())
            return Outcome(OutcomeKind.EXPIRED)
        if row.claimed_at is None or now - row.claimed_at > self.lease / 2:
            return Outcome(OutcomeKind.RELEASE, "claim too old to send safely")
        return None

    async def _send(
        self, row: OutboxMessage, method: Call, fallback: Call | None = None
    ) -> Outcome:
        """Call Telegram and classify the answer; a receipt the moment it is accepted."""
        try:
            result = await self.bot(method, request_timeout=self.request_timeout)
        except UNAVAILABLE as exc:
            return self._unavailable(row, getattr(exc, "message", None) or type(exc).__name__)
        except TelegramAPIError as exc:
            self.breaker.succeeded()  # an answer, if a refusal: Telegram is there
            return await self._refused(row, exc, fallback)
        except Exception as exc:  # answers aiogram cannot read
            return self._transient(row, repr(exc))
        self.breaker.succeeded()
        message_id = getattr(result, "message_id", None)
        await self._receipt(row.id, message_id)
        return Outcome(OutcomeKind.SENT, message_id=message_id)

    async def _refused(
        self, row: OutboxMessage, exc: TelegramAPIError, fallback: Call | None
    ) -> Outcome:
        """Telegram answered with an error: wait (429), give up (403, a final refusal, or
        the fallback call instead), or retry."""
        if isinstance(exc, TelegramRetryAfter):
            self.limiter.pause_for(exc.retry_after)
            self._rate_limited[row.id] += 1
            if self._rate_limited[row.id] > MAX_RATE_LIMITED:
                return Outcome(
                    OutcomeKind.FAILED, f"rate limited {MAX_RATE_LIMITED} times: {exc.message}"
                )
            return Outcome(OutcomeKind.RATE_LIMITED, exc.message, delay=exc.retry_after)
        if isinstance(exc, TelegramForbiddenError):
            return Outcome(OutcomeKind.UNREACHABLE, exc.message)
        if isinstance(exc, FINAL_ERRORS):  # "chat not found", bad markup, ...: retrying cannot help
            if fallback is not None:
                return await self._send(row, fallback)
            return Outcome(OutcomeKind.FAILED, exc.message)
        if isinstance(exc, TelegramUnauthorizedError):
            logger.error("outbox: Telegram rejects the bot token (%s); pausing 60 s", exc.message)
            self.limiter.pause_for(60)
            return Outcome(OutcomeKind.RELEASE, exc.message, delay=60)
        return self._transient(row, exc.message)

    def _unavailable(self, row: OutboxMessage, reason: str) -> Outcome:
        """5xx or no connection. In an outage (the breaker open) the row waits for its end,
        using up no attempt; alone, while others get through, it is retried with backoff."""
        if self.breaker.failed():
            return Outcome(OutcomeKind.RELEASE, f"Telegram unavailable: {reason}")
        self._unavailable_alone[row.id] += 1
        tries = self._unavailable_alone[row.id]
        if tries > MAX_UNAVAILABLE_ALONE:
            return Outcome(OutcomeKind.FAILED, f"{reason} ({tries} times while others were sent)")
        return Outcome(OutcomeKind.RELEASE, reason, delay=min(2.0**tries, BACKOFF_CAP))

    async def _receipt(self, row_id: int, message_id: int | None) -> None:
        """Telegram took it: say so durably now, not at the next cycle's commit."""
        try:
            await self.db.receipts.record(row_id, message_id)
        except Exception as error:  # the outcome is still recorded by the cycle
            logger.error(
                "outbox row %d: delivery receipt not written: %s", row_id, crash_trace(error)
            )

    def _transient(self, row: OutboxMessage, reason: str) -> Outcome:
        """A failure that is neither an outage nor a refusal: bounded by `max_attempts`."""
        attempts = row.attempts + 1
        if attempts >= self.max_attempts:
            return Outcome(OutcomeKind.FAILED, f"{reason} (gave up after {attempts} attempts)")
        return Outcome(OutcomeKind.RETRY, reason, delay=min(2.0**attempts, BACKOFF_CAP))


def _without_values(error: Exception) -> str:
    """Why a payload is invalid, for `last_error`: a validation error names the fields
    only, since its message quotes their values (names, answers)."""
    if isinstance(error, ValidationError):
        return "invalid " + ", ".join(
            ".".join(map(str, problem["loc"])) for problem in error.errors(include_input=False)
        )
    return str(error)
