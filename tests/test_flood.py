"""The flood guard and its middleware on a hand-driven clock: no test here waits for real."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

import pytest
from aiogram.types import Chat, Message, User
from hypothesis import given
from hypothesis import strategies as st

from bot.coordinators.roles import COUNTRY, Scope
from bot.runtime.flood import FloodGuard, Verdict
from bot.runtime.flood_middleware import ROLE_CACHE_SECONDS, FloodMiddleware

ALLOW, WARN, IGNORE = Verdict.ALLOW, Verdict.WARN, Verdict.IGNORE


class Clock:
    """Stands still until a test moves it."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def guard(clock: Clock, *, max_updates: int = 3, max_users: int = 1000) -> FloodGuard:
    return FloodGuard(max_updates, 10, 30, max_users=max_users, clock=clock)


def test_first_excess_warns_then_the_cooldown_ignores_then_a_clean_slate() -> None:
    clock = Clock()
    flood = guard(clock)
    assert [flood.check(1) for _ in range(5)] == [ALLOW, ALLOW, ALLOW, WARN, IGNORE]
    clock.now += 29.9
    assert flood.check(1) is IGNORE
    clock.now += 0.1
    assert [flood.check(1) for _ in range(4)] == [ALLOW, ALLOW, ALLOW, WARN]


def test_the_window_slides() -> None:
    clock = Clock()
    flood = guard(clock)
    for _ in range(3):
        assert flood.check(1) is ALLOW
        clock.now += 4
    # 12 s after the first: only the last two are still in the 10 s window.
    assert flood.check(1) is ALLOW
    assert flood.check(1) is WARN


def test_users_are_counted_apart() -> None:
    clock = Clock()
    flood = guard(clock)
    assert [flood.check(1) for _ in range(4)][-1] is WARN
    assert [flood.check(2) for _ in range(3)] == [ALLOW, ALLOW, ALLOW]
    assert flood.check(1) is IGNORE


def test_quiet_users_are_forgotten_and_the_cap_holds() -> None:
    clock = Clock()
    flood = guard(clock, max_users=50)
    for user in range(40):
        flood.check(user)
    clock.now += 30  # past both the window and the cool-down
    flood.check(1000)
    assert len(flood) == 1
    for user in range(200):
        flood.check(user)
    assert len(flood) == 50


def test_a_flooder_in_cool_down_is_not_forgotten_early() -> None:
    clock = Clock()
    flood = FloodGuard(1, 1, 60, clock=clock)
    assert [flood.check(1), flood.check(1)] == [ALLOW, WARN]
    clock.now += 30  # past the window, inside the cool-down
    flood.check(2)
    assert flood.check(1) is IGNORE


@pytest.mark.parametrize(
    "limits", [(0, 10, 30), (3, 0, 30), (3, 10, -1)], ids=["max", "window", "cooldown"]
)
def test_limits_must_make_sense(limits: tuple[int, float, float]) -> None:
    with pytest.raises(ValueError):
        FloodGuard(*limits)


@given(
    st.lists(
        st.tuples(st.integers(1, 3), st.floats(0, 5, allow_nan=False)), min_size=1, max_size=300
    )
)
def test_never_more_than_the_limit_in_a_window_and_one_warning_per_cool_down(
    events: list[tuple[int, float]],
) -> None:
    clock = Clock()
    flood = FloodGuard(4, 10, 20, clock=clock)
    seen: dict[int, list[tuple[float, Verdict]]] = {}
    for user, step in events:
        clock.now += step
        seen.setdefault(user, []).append((clock.now, flood.check(user)))
    for history in seen.values():
        allowed = [t for t, verdict in history if verdict is ALLOW]
        for i, start in enumerate(allowed):
            assert sum(1 for t in allowed[i:] if t - start < 10) <= 4
        warnings = [t for t, verdict in history if verdict is WARN]
        assert all(b - a >= 20 for a, b in itertools.pairwise(warnings))
        quiet_until = float("-inf")
        for t, verdict in history:
            assert (verdict is IGNORE) == (t < quiet_until)
            if verdict is WARN:
                quiet_until = t + 20


class CountingRoles:
    """Stands in for RoleService: user 7 is a coordinator; counts the lookups."""

    def __init__(self) -> None:
        self.lookups = 0

    async def scope_of(self, telegram_id: int) -> Scope | None:
        self.lookups += 1
        return COUNTRY if telegram_id == 7 else None


def message_from(user_id: int) -> Message:
    user = User(id=user_id, is_bot=False, first_name="Budi")
    chat = Chat(id=user_id, type="private")
    return Message(message_id=1, date=datetime(2026, 1, 1, tzinfo=UTC), chat=chat, from_user=user)


async def test_roles_are_looked_up_only_over_the_limit_and_cached_briefly() -> None:
    clock = Clock()
    roles = CountingRoles()
    middleware = FloodMiddleware(guard(clock), roles)  # type: ignore[arg-type]
    handled: list[int] = []

    async def handler(event: Any, data: dict[str, Any]) -> None:
        handled.append(data["event_from_user"].id)

    async def send(user_id: int) -> None:
        event = message_from(user_id)
        await middleware(handler, event, {"event_from_user": event.from_user})

    for _ in range(20):
        await send(7)
    assert (len(handled), roles.lookups) == (20, 1)
    clock.now += ROLE_CACHE_SECONDS  # the cache expired; the next excess asks again
    for _ in range(4):
        await send(7)
    assert (len(handled), roles.lookups) == (24, 2)
