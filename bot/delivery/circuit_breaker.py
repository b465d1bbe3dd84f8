"""Waiting out a Telegram outage: the sender as a whole stops while Telegram cannot answer.

When Telegram answers 5xx or cannot be reached (network down, timeouts) `threshold`
times in a row, the breaker opens: the sender claims nothing, and rows already claimed
go back to pending unsent. After a backoff (doubling from `first_backoff` up to
`max_backoff`) one row is sent as a probe; its success closes the breaker and the sender
goes on at full rate, its failure opens it again for the next, longer backoff. So an
outage costs one call per backoff instead of every queued message's attempts, and a
message expires only by its own deadline. Per process, like the rate limiter.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from enum import StrEnum

logger = logging.getLogger(__name__)


class BreakerState(StrEnum):
    CLOSED = "closed"  # Telegram answers: send at full rate
    OPEN = "open"  # Telegram is away: send nothing until the probe is due
    PROBING = "probing"  # one row is on its way to find out whether Telegram is back


class CircuitBreaker:
    def __init__(
        self,
        *,
        threshold: int = 3,
        first_backoff: float = 1.0,
        max_backoff: float = 120.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if threshold < 1 or first_backoff <= 0 or max_backoff < first_backoff:
            raise ValueError("need threshold >= 1 and 0 < first_backoff <= max_backoff")
        self.threshold, self.first_backoff, self.max_backoff = threshold, first_backoff, max_backoff
        self._clock = clock
        self.state = BreakerState.CLOSED
        self._failures = 0  # transient failures in a row while closed
        self._backoff = first_backoff
        self._probe_at = 0.0
        self._opened_at = 0.0

    @property
    def is_open(self) -> bool:
        """Telegram is considered away (probing included): what reports tell coordinators."""
        return self.state is not BreakerState.CLOSED

    def admits(self, free: int, in_flight: int) -> int:
        """How many of `free` slots the sender may fill now: all when closed; one probe
        when open, its backoff over and nothing else in flight; else none."""
        if self.state is BreakerState.CLOSED:
            return free
        if self.state is BreakerState.OPEN and not in_flight and self._clock() >= self._probe_at:
            return min(free, 1)
        return 0

    def claimed(self, count: int) -> None:
        """The sender claimed `count` rows as `admits` allowed: when open, that is the probe."""
        if count and self.state is BreakerState.OPEN:
            self.state = BreakerState.PROBING

    def may_send(self) -> bool:
        """Whether a claimed row should still be sent (not when the breaker opened meanwhile)."""
        return self.state is not BreakerState.OPEN

    def probe_in(self) -> float | None:
        """Seconds until the probe may go while open, None otherwise (to time the sleep)."""
        if self.state is not BreakerState.OPEN:
            return None
        return max(0.0, self._probe_at - self._clock())

    def succeeded(self) -> None:
        """Telegram answered (with a message or a refusal): it is there."""
        if self.state is not BreakerState.CLOSED:
            logger.warning(
                "outbox: Telegram answers again after %.0f s; sending resumes",
                self._clock() - self._opened_at,
            )
        self.state, self._failures, self._backoff = BreakerState.CLOSED, 0, self.first_backoff

    def failed(self) -> bool:
        """Telegram answered 5xx or could not be reached; True when the breaker is open now
        (the row should wait for the outage's end rather than count an attempt)."""
        now = self._clock()
        match self.state:
            case BreakerState.CLOSED:
                self._failures += 1
                if self._failures >= self.threshold:
                    self._open(now, self.first_backoff)
                    logger.warning(
                        "outbox: Telegram unavailable (%d failures in a row); sending paused",
                        self._failures,
                    )
            case BreakerState.PROBING:
                self._open(now, min(self._backoff * 2, self.max_backoff))
            case BreakerState.OPEN:
                pass  # a row sent before the breaker opened: no news
        return self.is_open

    def _open(self, now: float, backoff: float) -> None:
        if self.state is BreakerState.CLOSED:
            self._opened_at = now
        self.state, self._backoff, self._probe_at = BreakerState.OPEN, backoff, now + backoff
