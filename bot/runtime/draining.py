"""A Dispatcher that knows which updates are still being handled."""

from __future__ import annotations

import asyncio
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.types import Update


class DrainingDispatcher(Dispatcher):
    """Counts updates in flight, so shutdown can wait for them.

    aiogram handles each update in its own task and does not wait for those tasks
    when polling stops, and its shutdown hooks close the FSM storage: Redis or the
    database would be closed under them (the FSM lock is released after every
    middleware, hence counting at this level).
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()

    async def feed_update(self, bot: Bot, update: Update, **kwargs: Any) -> Any:
        self._in_flight += 1
        self._idle.clear()
        try:
            return await super().feed_update(bot, update, **kwargs)
        finally:
            self._in_flight -= 1
            if self._in_flight == 0:
                self._idle.set()

    async def drain(self) -> None:
        await self._idle.wait()

    async def emit_shutdown(self, *args: Any, **kwargs: Any) -> None:
        await self.drain()
        await super().emit_shutdown(*args, **kwargs)
