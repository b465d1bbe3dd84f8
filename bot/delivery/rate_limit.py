"""Pacing sends to Telegram's limits: ~30 messages/s per bot, ~1 message/s per chat.

The global limit is a smooth pacer (GCRA): one slot every 1/rate seconds. `burst` is how
many slots a late caller may catch up, so scheduler lateness does not cost throughput.
With rate r and burst b, any sliding second holds at most floor(r + b) + 1 grants: the
defaults (29.5, 0.1) give 30, Telegram's budget, without ever going over it.

The per-chat interval only delays messages to that chat: a caller first waits for its
chat, then queues (first come, first served) for a global slot, so a chat that has to wait
does not hold up the others, and no caller starves.

Limits are per process: `shared_rate_limit.SharedRateLimiter` keeps them in Redis so that
several processes of one bot share them.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


class RateLimiter:
    def __init__(
        self,
        rate: float = 29.5,
        per_chat_interval: float = 1.0,
        *,
        burst: float = 0.1,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.per_chat_interval = per_chat_interval
        self._slot = 1.0 / rate
        self._tolerance = max(burst, 0.0) * self._slot
        self._clock = clock
        self._sleep = sleep
        self._next_slot = -math.inf  # GCRA "theoretical arrival time"
        self._paused_until = -math.inf
        self._chat_ready: dict[int, float] = {}
        self._turn = asyncio.Lock()  # the global slot queue
        self._chat_locks: dict[int, asyncio.Lock] = {}
        self._chat_users: Counter[int] = Counter()

    def now(self) -> float:
        return self._clock()

    def ready_at(self, chat_id: int) -> float:
        """Earliest time a message to `chat_id` may go (ignoring other waiters)."""
        return max(self._next_slot, self._paused_until, self._chat_ready.get(chat_id, -math.inf))

    async def acquire(self, chat_id: int) -> float:
        """Wait until a message to `chat_id` may be sent now; returns the grant time.

        Messages to one chat go in call order (a lock per chat) and wait for their interval
        on their own; then callers take global slots first come, first served (one FIFO
        lock), so nobody starves. Deadlines are re-read after every sleep (a 429 pause may
        come meanwhile) and nothing is reserved while waiting: cancelling is safe.
        """
        async with self._chat_turn(chat_id):
            await self._sleep_until(lambda: self._chat_ready.get(chat_id, -math.inf))
            return await self.acquire_slot(chat_id)

    @asynccontextmanager
    async def _chat_turn(self, chat_id: int) -> AsyncIterator[None]:
        """Callers for one chat one at a time, in call order; the lock goes with the last."""
        lock = self._chat_locks.setdefault(chat_id, asyncio.Lock())
        self._chat_users[chat_id] += 1
        try:
            async with lock:
                yield
        finally:
            self._chat_users[chat_id] -= 1
            if not self._chat_users[chat_id]:
                del self._chat_users[chat_id], self._chat_locks[chat_id]

    async def acquire_slot(self, chat_id: int | None = None) -> float:
        """Wait for a global slot only, and start `chat_id`'s interval from it.

        For answers to a person's own message: they share the bot's budget with the
        outbox, but do not wait for their chat's interval (a button press may be answered
        with two messages, and the person is waiting for them).
        """
        async with self._turn:
            await self._sleep_until(lambda: max(self._next_slot, self._paused_until))
            now = self._clock()
            self._next_slot = max(self._next_slot, now - self._tolerance) + self._slot
        return self._granted(chat_id, now)

    def _granted(self, chat_id: int | None, now: float) -> float:
        """Start `chat_id`'s interval at `now`, the grant's time, and return it."""
        if chat_id is not None:
            self._chat_ready[chat_id] = now + self.per_chat_interval
        if len(self._chat_ready) > 512:
            self._forget_idle_chats(now)
        return now

    async def _sleep_until(self, deadline: Callable[[], float]) -> None:
        while (wait := deadline() - self._clock()) > 0:
            await self._sleep(wait)

    def pause_until(self, until: float) -> None:
        """Nothing is granted before `until` (Telegram answered 429 with retry_after)."""
        self._paused_until = max(self._paused_until, until)

    def pause_for(self, seconds: float) -> None:
        self.pause_until(self._clock() + seconds)

    def pause_remaining(self) -> float:
        return max(0.0, self._paused_until - self._clock())

    async def close(self) -> None:
        """Nothing to release here; the shared limiter closes its Redis client."""

    def cooling_chats(self) -> set[int]:
        """Chats that must still wait for their per-chat interval."""
        now = self._clock()
        return {chat for chat, ready in self._chat_ready.items() if ready > now}

    def next_chat_ready_in(self) -> float | None:
        """Seconds until the first cooling chat may be sent to again, None if none cools."""
        now = self._clock()
        waits = [ready - now for ready in self._chat_ready.values() if ready > now]
        return min(waits) if waits else None

    def _forget_idle_chats(self, now: float) -> None:
        self._chat_ready = {c: t for c, t in self._chat_ready.items() if t > now}
