"""Waiting between tries while something keeps failing (the database, Telegram's getUpdates)."""

from __future__ import annotations

import asyncio
from contextlib import suppress


class Backoff:
    """Waits that double from `first` up to `cap` seconds, back to `first` after a success.

    A wait ends early when `stop` is set, so a process told to stop while the database is
    away stops at once.
    """

    def __init__(self, first: float = 1.0, cap: float = 30.0) -> None:
        self.first, self.cap = first, cap
        self.delay = first

    def reset(self) -> None:
        self.delay = self.first

    async def wait(self, stop: asyncio.Event) -> None:
        """Wait the current delay (or until `stop`), and double the next one."""
        with suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), self.delay)
        self.delay = min(self.delay * 2, self.cap)
