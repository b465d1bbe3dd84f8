"""Optional flood control and random failures, for sender tests and benchmarks.

Telegram allows about 30 messages per second per bot and about one per second per chat,
and answers 429 with ``parameters.retry_after`` beyond that. The fake counts *successful*
deliveries (``send*``, ``copyMessage``, ``forwardMessage``) in a sliding one-second window,
strictly for the bot as a whole; per chat it accepts 50 ms of network jitter below the
interval (Telegram itself tolerates short bursts to a chat).
"""

from __future__ import annotations

import math
import random
import time
from collections import deque
from collections.abc import Callable

from .methods import ApiError

WINDOW = 1.0
CHAT_JITTER = 0.05


class FloodControl:
    """Decides 429s and injected 5xx for delivering calls; ``record`` each success."""

    def __init__(
        self,
        rate_limit: int | None = None,
        chat_interval: float = 1.0,
        error_rate: float = 0.0,
        seed: int | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate_limit = rate_limit
        self.chat_interval = chat_interval
        self.error_rate = error_rate
        self._random = random.Random(seed)
        self._clock = clock
        self._recent: deque[float] = deque()
        self._last_by_chat: dict[int, float] = {}
        self.attempts: list[float] = []  # clock time of every delivering call checked
        self.deliveries: list[tuple[float, int | None]] = []  # (clock time, chat id)

    def check(self, chat_id: int | None) -> ApiError | None:
        """The error Telegram would answer before delivering, or None."""
        now = self._clock()
        self.attempts.append(now)
        if self.rate_limit is not None:
            while self._recent and self._recent[0] <= now - WINDOW:
                self._recent.popleft()
            if len(self._recent) >= self.rate_limit:
                return self._too_many(self._recent[0] + WINDOW - now)
            last = self._last_by_chat.get(chat_id) if chat_id is not None else None
            if last is not None and now - last < self.chat_interval - CHAT_JITTER:
                return self._too_many(last + self.chat_interval - now)
        if self.error_rate and self._random.random() < self.error_rate:
            return ApiError(500, "Internal Server Error")
        return None

    def record(self, chat_id: int | None) -> None:
        """A delivering call succeeded: it counts against the limits."""
        now = self._clock()
        self.deliveries.append((now, chat_id))
        if self.rate_limit is None:
            return
        self._recent.append(now)
        if chat_id is not None:
            self._last_by_chat[chat_id] = now

    @staticmethod
    def _too_many(wait: float) -> ApiError:
        seconds = max(1, math.ceil(wait))
        return ApiError(429, f"Too Many Requests: retry after {seconds}", retry_after=seconds)
