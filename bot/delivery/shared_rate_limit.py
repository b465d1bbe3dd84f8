"""One rate budget for all the bot's processes: Telegram's limits are per bot, not per process.

The GCRA of `RateLimiter` runs as one Lua script in Redis, so a grant is atomic across
processes: the next global slot, a 429's pause and each chat's next allowed time are Redis
keys (expiring on their own), read and moved in one step. The script reads Redis's own
clock, so hosts' clocks do not matter; tests pass `now` instead and can count grants
exactly. Within a process callers still queue first come, first served (one lock) and
one chat's messages go in call order, as with the local limiter.

Redis unreachable is not a reason to stop sending: the process paces itself at
rate / instances (each of the expected processes taking its share) with one log line,
and asks Redis again every `retry_seconds`.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from dataclasses import dataclass

from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.delivery.rate_limit import Clock, RateLimiter, Sleep

logger = logging.getLogger(__name__)

# KEYS: next global slot, pause end, the chat's next allowed time (absent: no chat).
# ARGV: now ("" = Redis's clock), slot, tolerance, per-chat interval, "1" to wait for the chat.
# Answer: granted (1/0), grant time or seconds to wait, "chat" when the chat is what waits,
# seconds of pause left. Numbers go as strings: Redis would cut Lua numbers to integers.
GRANT = """
local function clock(arg)
  if arg ~= '' then return tonumber(arg) end
  local t = redis.call('TIME')
  return tonumber(t[1]) + tonumber(t[2]) / 1000000
end
local function put(key, value, seconds)
  redis.call('SET', key, string.format('%.17g', value), 'PX', math.ceil(seconds * 1000) + 10000)
end
local now = clock(ARGV[1])
local slot, tolerance, interval = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local none = -1e18
local slot_at = tonumber(redis.call('GET', KEYS[1])) or none
local paused = tonumber(redis.call('GET', KEYS[2])) or none
local chat_at = none
if KEYS[3] and ARGV[5] == '1' then chat_at = tonumber(redis.call('GET', KEYS[3])) or none end
local pause_left = string.format('%.17g', math.max(paused - now, 0))
local ready = math.max(slot_at, paused)
if ready > now or chat_at > now then
  local why = chat_at > ready and 'chat' or ''
  return {0, string.format('%.17g', math.max(ready, chat_at) - now), why, pause_left}
end
local next_slot = math.max(slot_at, now - tolerance) + slot
put(KEYS[1], next_slot, next_slot - now)
if KEYS[3] then put(KEYS[3], now + interval, interval) end
return {1, string.format('%.17g', now), '', pause_left}
"""

# KEYS: pause end. ARGV: now ("" = Redis's clock), seconds. Answer: seconds of pause left.
PAUSE = """
local now = tonumber(ARGV[1])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) + tonumber(t[2]) / 1000000
end
local until_ = now + tonumber(ARGV[2])
local paused = tonumber(redis.call('GET', KEYS[1])) or -1e18
if until_ > paused then
  redis.call('SET', KEYS[1], string.format('%.17g', until_), 'PX',
    math.ceil(tonumber(ARGV[2]) * 1000) + 10000)
  paused = until_
end
return string.format('%.17g', paused - now)
"""

REDIS_DOWN = (RedisError, OSError, TimeoutError)


@dataclass(frozen=True)
class Answer:
    granted: bool
    value: float  # the grant's time (the script's clock) or seconds to wait
    chat_waits: bool  # what waits is the chat's interval, not the global slot
    pause_left: float


class SharedRateLimiter(RateLimiter):
    """`RateLimiter` whose slots, pauses and per-chat intervals live in Redis under `prefix`
    (one bot's keys: give every process of the bot the same prefix)."""

    def __init__(
        self,
        redis: Redis,
        prefix: str,
        rate: float = 29.5,
        per_chat_interval: float = 1.0,
        *,
        burst: float = 0.1,
        instances: int = 2,
        retry_seconds: float = 5.0,
        clock: Clock | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        local_clock = clock or time.monotonic
        super().__init__(rate, per_chat_interval, burst=burst, clock=local_clock, sleep=sleep)
        self.redis, self.prefix = redis, prefix
        self.retry_seconds = retry_seconds
        # The script's `now`: Redis's clock unless a test gives one.
        self._shared_clock = clock
        self.fallback = RateLimiter(
            rate / max(instances, 1), per_chat_interval, burst=burst, clock=local_clock, sleep=sleep
        )
        self._grant = redis.register_script(GRANT)
        self._pause = redis.register_script(PAUSE)
        self._alone_until = -math.inf  # Redis failed: the local pacer until then
        self._pausing: set[asyncio.Task[None]] = set()
        self.shared_grants = 0
        self.local_grants = 0

    @property
    def alone(self) -> bool:
        """Whether this process paces itself for now (Redis failed recently)."""
        return self._clock() < self._alone_until

    async def acquire(self, chat_id: int) -> float:
        async with self._chat_turn(chat_id):
            return await self._take(chat_id, wait_for_chat=True)

    async def acquire_slot(self, chat_id: int | None = None) -> float:
        return await self._take(chat_id, wait_for_chat=False)

    async def _take(self, chat_id: int | None, *, wait_for_chat: bool) -> float:
        """A grant from Redis, or from the local pacer while Redis is away.

        A chat's interval is waited for outside the queue (it holds up nobody else); a
        global slot or a pause inside it, so callers keep their order. Nothing is reserved
        while waiting: cancelling is safe.
        """
        while True:
            if wait_for_chat and chat_id is not None:
                await self._sleep_until(lambda: self._chat_ready.get(chat_id, -math.inf))
            if self.alone:
                await self._sleep_until(lambda: self._paused_until)
                return await self._take_alone(chat_id, wait_for_chat=wait_for_chat)
            async with self._turn:
                await self._sleep_until(lambda: self._paused_until)
                if self.alone:
                    continue  # went alone while this caller queued
                answer = await self._ask(chat_id, wait_for_chat)
                if answer is None:
                    continue  # Redis failed just now: alone from the next round
                now = self._clock()
                if answer.pause_left:
                    self._paused_until = max(self._paused_until, now + answer.pause_left)
                if answer.granted:
                    self.shared_grants += 1
                    granted = answer.value if self._shared_clock is not None else now
                    return self._granted(chat_id, granted)
                if answer.chat_waits and chat_id is not None:
                    self._chat_ready[chat_id] = now + answer.value  # another process sent to it
                    continue
                await self._sleep(answer.value)

    async def _take_alone(self, chat_id: int | None, *, wait_for_chat: bool) -> float:
        if wait_for_chat and chat_id is not None:
            granted = await self.fallback.acquire(chat_id)
        else:
            granted = await self.fallback.acquire_slot(chat_id)
        self.local_grants += 1
        return self._granted(chat_id, granted)

    async def _ask(self, chat_id: int | None, wait_for_chat: bool) -> Answer | None:
        keys = [self._key("slot"), self._key("pause")]
        if chat_id is not None:
            keys.append(self._key(f"chat:{chat_id}"))
        args = [self._now_arg(), self._slot, self._tolerance, self.per_chat_interval]
        try:
            raw = await self._grant(keys=keys, args=[*args, "1" if wait_for_chat else "0"])
        except REDIS_DOWN as error:
            self._went_alone(error)
            return None
        self._back()
        granted, value, why, pause_left = (_text(part) for part in raw)
        return Answer(granted == "1", float(value), why == "chat", float(pause_left))

    def pause_until(self, until: float) -> None:
        """Pause here at once, and every process of the bot through Redis (a 429 is the
        bot's, whichever process got it)."""
        super().pause_until(until)
        self.fallback.pause_until(until)
        seconds = until - self._clock()
        if seconds > 0 and not self.alone:
            task = asyncio.get_running_loop().create_task(self._share_pause(seconds))
            self._pausing.add(task)
            task.add_done_callback(self._pausing.discard)

    async def _share_pause(self, seconds: float) -> None:
        try:
            await self._pause(keys=[self._key("pause")], args=[self._now_arg(), seconds])
        except REDIS_DOWN as error:
            self._went_alone(error)

    def _went_alone(self, error: BaseException) -> None:
        if not self.alone:
            logger.warning(
                "rate limiter: Redis unreachable (%s); this process sends at most %.1f "
                "messages/s on its own until Redis answers (tried every %.0f s)",
                type(error).__name__,
                self.fallback.rate,
                self.retry_seconds,
            )
        self._alone_until = self._clock() + self.retry_seconds

    def _back(self) -> None:
        if self._alone_until > -math.inf:
            logger.warning("rate limiter: Redis answers again; the budget is shared again")
            self._alone_until = -math.inf

    def _key(self, name: str) -> str:
        return f"{self.prefix}:rate:{name}"

    def _now_arg(self) -> str:
        return "" if self._shared_clock is None else repr(self._shared_clock())

    async def close(self) -> None:
        for task in list(self._pausing):
            task.cancel()
        await self.redis.aclose()


def _text(value: bytes | str | int) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
