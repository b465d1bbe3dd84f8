"""Per-user flood limiting: too many updates in a short time are answered once, then dropped.

A sliding window per user counts their recent updates. The first update over the limit
gets one polite "slow down" (`Verdict.WARN`); every update after it is dropped silently
(`Verdict.IGNORE`) until a cool-down has passed, so a flooder costs one reply, not one
per message.

The counts live in this process's memory, on purpose: they are transient protection,
not state. Losing them on a restart only forgives a flooder early; with several bot
processes each one limits the updates it handles, and Telegram already spreads one
user's updates to the process polling them. Memory stays bounded: users are kept in
order of their last update, those silent for longer than the window and the cool-down
are evicted as new updates arrive, and at most `max_users` are tracked at all.
"""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

Clock = Callable[[], float]

DEFAULT_MAX_USERS = 100_000


class Verdict(StrEnum):
    ALLOW = "allow"
    WARN = "warn"  # the first update over the limit: answer "slow down" once
    IGNORE = "ignore"  # during the cool-down: drop silently


@dataclass
class _Recent:
    """One user's update times inside the window, and the end of their cool-down."""

    times: deque[float] = field(default_factory=deque)
    quiet_until: float = float("-inf")
    last_seen: float = float("-inf")


class FloodGuard:
    def __init__(
        self,
        max_updates: int,
        window_seconds: float,
        cooldown_seconds: float,
        *,
        max_users: int = DEFAULT_MAX_USERS,
        clock: Clock = time.monotonic,
    ) -> None:
        if max_updates < 1 or window_seconds <= 0 or cooldown_seconds < 0 or max_users < 1:
            raise ValueError("flood limits must be positive")
        self.max_updates = max_updates
        self.window = window_seconds
        self.cooldown = cooldown_seconds
        self.max_users = max_users
        self.clock = clock
        self._users: OrderedDict[int, _Recent] = OrderedDict()

    def __len__(self) -> int:
        """How many users are tracked now (for tests of the memory bound)."""
        return len(self._users)

    def check(self, user_id: int) -> Verdict:
        """Count one update of `user_id` and say what to do with it."""
        now = self.clock()
        recent = self._users.pop(user_id, None) or _Recent()
        self._users[user_id] = recent  # most recently seen last
        recent.last_seen = now
        self._evict(now)
        if now < recent.quiet_until:
            return Verdict.IGNORE
        times = recent.times
        while times and times[0] <= now - self.window:
            times.popleft()
        times.append(now)
        if len(times) <= self.max_updates:
            return Verdict.ALLOW
        times.clear()  # after the cool-down the user starts with a clean slate
        recent.quiet_until = now + self.cooldown
        return Verdict.WARN

    def _evict(self, now: float) -> None:
        """Forget the least recently seen users once they no longer matter, or beyond the cap."""
        horizon = now - max(self.window, self.cooldown)
        while self._users:
            user_id, oldest = next(iter(self._users.items()))
            stale = oldest.last_seen <= horizon and oldest.quiet_until <= now
            if not stale and len(self._users) <= self.max_users:
                return
            del self._users[user_id]
