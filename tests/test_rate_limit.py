"""The limiter, on virtual time: no test here sleeps for real."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Awaitable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.delivery.rate_limit import RateLimiter
from tests.fake_bot_api.flood import FloodControl


class VirtualTime:
    """A clock whose sleepers wake in deadline order once every task is blocked.

    Time only moves when nothing else can run, so one caller's wait never makes time jump
    for the others (which a "sleep advances the clock" fake would do).
    """

    def __init__(self) -> None:
        self.now = 0.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        future = asyncio.get_running_loop().create_future()
        # Equal deadlines wake newest first: an unfair order the limiter must not depend on.
        heapq.heappush(self._sleepers, (self.now + max(seconds, 0.0), -next(self._order), future))
        await future

    async def run(self, *jobs: Awaitable[object]) -> list[object]:
        tasks = [asyncio.ensure_future(job) for job in jobs]
        while not all(task.done() for task in tasks):
            for _ in range(20):  # let every runnable task reach its next sleep
                await asyncio.sleep(0)
            if self._sleepers:  # wake everyone due at the earliest deadline
                self.now = self._sleepers[0][0]
                while self._sleepers and self._sleepers[0][0] == self.now:
                    heapq.heappop(self._sleepers)[2].set_result(None)
        return [task.result() for task in tasks]


def max_in_window(times: list[float], window: float = 1.0) -> int:
    ordered = sorted(times)
    return max(
        sum(1 for t in ordered[i:] if t - start <= window) for i, start in enumerate(ordered)
    )


async def grants(limiter: RateLimiter, clock: VirtualTime, chats: list[int]) -> list[float]:
    return [float(t) for t in await clock.run(*(limiter.acquire(chat) for chat in chats))]  # type: ignore[arg-type]


async def test_global_rate_is_paced_and_never_above_30_in_any_second() -> None:
    clock = VirtualTime()
    limiter = RateLimiter(29.5, 1.0, clock=clock, sleep=clock.sleep)
    times = await grants(limiter, clock, list(range(300)))
    assert max_in_window(times) == 30
    assert len(times) / (max(times) - min(times)) == pytest.approx(29.5, rel=0.01)


async def test_chat_gets_one_message_per_second_without_blocking_others() -> None:
    clock = VirtualTime()
    limiter = RateLimiter(29.5, 1.0, clock=clock, sleep=clock.sleep)
    chats = [7, 7, 7, *range(100, 120)]
    times = await grants(limiter, clock, chats)
    chat7 = times[:3]
    assert chat7[1] - chat7[0] >= 1.0 and chat7[2] - chat7[1] >= 1.0
    others = times[3:]
    assert max(others) < 1.0  # the 20 other chats went during chat 7's first wait
    assert sorted(times) == times[:1] + sorted(others) + times[1:3]


async def test_global_slots_are_granted_first_come_first_served() -> None:
    """No caller starves: a late arrival never overtakes one already waiting."""
    clock = VirtualTime()
    limiter = RateLimiter(29.5, 1.0, clock=clock, sleep=clock.sleep)
    times = await grants(limiter, clock, list(range(60)))
    assert times == sorted(times) and len(set(times)) == 60


async def test_pause_until_holds_every_chat() -> None:
    clock = VirtualTime()
    limiter = RateLimiter(29.5, 1.0, clock=clock, sleep=clock.sleep)
    limiter.pause_for(3)
    assert limiter.pause_remaining() == 3
    times = await grants(limiter, clock, [1, 2, 3])
    assert min(times) >= 3.0
    assert limiter.pause_remaining() == 0


async def test_cancelled_waiter_takes_no_slot() -> None:
    clock = VirtualTime()
    limiter = RateLimiter(1.0, 1.0, burst=0.0, clock=clock, sleep=clock.sleep)
    await limiter.acquire(1)
    waiter = asyncio.ensure_future(limiter.acquire(2))
    await asyncio.sleep(0)
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    assert limiter.ready_at(3) == 1.0  # the cancelled caller reserved nothing


async def test_cooling_chats_are_reported_for_claim_exclusion() -> None:
    clock = VirtualTime()
    limiter = RateLimiter(29.5, 1.0, burst=0.0, clock=clock, sleep=clock.sleep)
    await grants(limiter, clock, [1, 2])
    assert limiter.cooling_chats() == {1, 2}
    assert limiter.next_chat_ready_in() == pytest.approx(1.0 - 1 / 29.5)
    clock.now = 5.0
    assert limiter.cooling_chats() == set() and limiter.next_chat_ready_in() is None


@settings(max_examples=30, deadline=None)
@given(
    chats=st.lists(st.integers(min_value=1, max_value=15), min_size=1, max_size=120),
    rate=st.sampled_from([5.0, 29.5]),
    burst=st.sampled_from([0.0, 0.1, 0.4]),
)
def test_limits_hold_for_any_mix_of_chats(chats: list[int], rate: float, burst: float) -> None:
    async def scenario() -> list[float]:
        clock = VirtualTime()
        limiter = RateLimiter(rate, 1.0, burst=burst, clock=clock, sleep=clock.sleep)
        return await grants(limiter, clock, chats)

    times = asyncio.run(scenario())
    assert max_in_window(times) <= int(rate + burst) + 1
    by_chat: dict[int, list[float]] = {}
    for chat, t in zip(chats, times, strict=True):
        by_chat.setdefault(chat, []).append(t)
    for stamps in by_chat.values():
        stamps.sort()
        assert all(b - a >= 1.0 - 1e-9 for a, b in itertools.pairwise(stamps))


def test_fake_api_flood_control_answers_429_beyond_its_limits() -> None:
    """The fake the sender is benchmarked against: 30 deliveries per sliding second."""
    now = [0.0]
    flood = FloodControl(rate_limit=30, clock=lambda: now[0])
    for chat in range(30):
        assert flood.check(chat) is None
        flood.record(chat)
        now[0] += 0.01
    error = flood.check(99)
    assert error is not None and (error.error_code, error.retry_after) == (429, 1)
    now[0] = 1.001
    assert flood.check(99) is None  # the first delivery left the window
    flood.record(99)
    now[0] = 1.5
    too_soon = flood.check(99)
    assert too_soon is not None and too_soon.error_code == 429  # one per second per chat
    failing = FloodControl(error_rate=1.0, seed=1)
    assert (err := failing.check(1)) is not None and err.error_code == 500
