"""The rate budget shared through Redis: two limiters (two processes) on one real Redis.

Grant times are the script's `now`, passed in by the test, so the limits are checked on
exact numbers: on a stepped clock where that is enough, on the wall clock where callers
really race each other through Redis.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import random
import time
from collections.abc import AsyncIterator, Callable

import pytest
from redis.asyncio import Redis

from bot.delivery.shared_rate_limit import SharedRateLimiter
from tests.tcp_proxy import TcpProxy
from tests.test_rate_limit import max_in_window

pytestmark = pytest.mark.redis_only


class SteppedClock:
    """Time moves only when a (sequential) caller sleeps: waits are exact."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(seconds, 0.0)


Make = Callable[..., SharedRateLimiter]


@pytest.fixture
async def make(redis_url: str) -> AsyncIterator[Make]:
    """Limiters of one bot (one key prefix), each on its own Redis client like a process."""
    made: list[SharedRateLimiter] = []

    def build(url: str = redis_url, **options: object) -> SharedRateLimiter:
        limiter = SharedRateLimiter(Redis.from_url(url), "blk-bot:{test}", **options)  # type: ignore[arg-type]
        made.append(limiter)
        return limiter

    yield build
    for limiter in made:
        await limiter.close()


def per_chat_gaps_hold(grants: list[tuple[int, float]], interval: float = 1.0) -> bool:
    by_chat: dict[int, list[float]] = {}
    for chat, t in grants:
        by_chat.setdefault(chat, []).append(t)
    return all(
        b - a >= interval - 1e-6
        for stamps in by_chat.values()
        for a, b in itertools.pairwise(sorted(stamps))
    )


async def test_two_processes_take_turns_in_one_budget(make: Make) -> None:
    clock = SteppedClock()
    first, second = (make(clock=clock, sleep=clock.sleep) for _ in range(2))
    times = [await (first, second)[i % 2].acquire_slot() for i in range(120)]
    assert max_in_window(times) == 30  # floor(29.5 + 0.1) + 1, as with one process
    # 119 slots, less the burst an idle limiter lets the second grant catch up
    assert times[-1] - times[0] == pytest.approx((119 - 0.1) / 29.5, abs=1e-5)
    assert first.shared_grants == second.shared_grants == 60


async def test_a_chat_waits_for_its_interval_whichever_process_sent_to_it(make: Make) -> None:
    clock = SteppedClock()
    first, second = (make(clock=clock, sleep=clock.sleep) for _ in range(2))
    sent = await first.acquire(7)
    other = await second.acquire(8)
    again = await second.acquire(7)
    assert other - sent < 0.1 and again - sent == pytest.approx(1.0, abs=1e-5)
    answer = await first.acquire_slot(7)  # an answer does not wait for the chat
    assert answer - again < 0.1
    assert await second.acquire(7) - answer == pytest.approx(1.0, abs=1e-5)


async def test_a_429_in_one_process_pauses_the_other(make: Make) -> None:
    clock = SteppedClock()
    first, second = (make(clock=clock, sleep=clock.sleep) for _ in range(2))
    start = await first.acquire_slot()
    first.pause_for(3)
    await asyncio.gather(*first._pausing)  # the pause is on its way to Redis
    assert await second.acquire(5) == pytest.approx(start + 3, abs=1e-5)
    assert second.pause_remaining() == pytest.approx(0.0, abs=1e-5)


async def test_racing_processes_never_exceed_the_budget_in_any_second(make: Make) -> None:
    """Two limiters on the wall clock, 75 sends to 25 chats started at once, as two
    senders would: Redis decides every grant, and the grant times keep both limits."""
    first, second = (make(clock=time.time) for _ in range(2))
    chats = [chat for chat in range(25) for _ in range(3)]
    random.Random(7).shuffle(chats)

    async def send(limiter: SharedRateLimiter, chat: int) -> tuple[int, float]:
        return chat, await limiter.acquire(chat)

    grants = await asyncio.gather(
        *(send((first, second)[i % 2], chat) for i, chat in enumerate(chats))
    )
    assert max_in_window([t for _, t in grants]) <= 30
    assert per_chat_gaps_hold(grants)
    assert first.shared_grants + second.shared_grants == 75
    assert first.local_grants == second.local_grants == 0


async def test_without_redis_a_process_sends_at_its_share_and_says_so_once(
    make: Make, redis_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    proxy = TcpProxy(
        "127.0.0.1", Redis.from_url(redis_url).connection_pool.connection_kwargs["port"]
    )
    await proxy.start()
    try:
        clock = SteppedClock()
        url = redis_url.replace(f":{proxy.target[1]}/", f":{proxy.port}/")
        limiter = make(url, clock=clock, sleep=clock.sleep, instances=2, retry_seconds=5.0)
        await limiter.acquire_slot()
        proxy.refuse = True
        proxy.cut()
        with caplog.at_level(logging.WARNING, "bot.delivery.shared_rate_limit"):
            times = [await limiter.acquire(chat) for chat in range(40)]
        assert limiter.local_grants == 40 and limiter.alone
        assert max_in_window(times) <= 16  # 29.5 / 2 instances, plus the burst's one
        assert [r.message for r in caplog.records].count(caplog.records[0].message) == 1
        assert "Redis unreachable" in caplog.records[0].message
        proxy.refuse = False
        clock.now += 5.0
        caplog.clear()
        with caplog.at_level(logging.WARNING, "bot.delivery.shared_rate_limit"):
            await limiter.acquire_slot()
        assert limiter.shared_grants == 2 and not limiter.alone
        assert ["budget is shared again" in r.message for r in caplog.records] == [True]
    finally:
        await proxy.stop()
