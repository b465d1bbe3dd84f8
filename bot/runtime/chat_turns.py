"""One person's updates handled one at a time, however many arrive at once.

Long polling groups a batch by person itself; a webhook gets updates on parallel
connections, so each takes its person's turn first (`update_handling.chat_key`), for its
whole transaction and the sending of its answers. Within one process a lock per person
does it, first come first served; with REDIS_URL the turn is also taken in Redis, so that
processes sharing the webhook's deliveries take turns too. That lock has keys of its own:
the dispatcher's conversation lock (aiogram's event isolation) is taken inside it.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, suppress
from typing import Protocol

# A process that dies holding a Redis turn keeps the person waiting this long at most.
TURN_SECONDS = 30
# A delivery waiting longer than this for its turn is answered 503: Telegram sends it again.
WAIT_SECONDS = 20


class TurnNotFree(Exception):
    """Another process held the person's turn past `WAIT_SECONDS`, or Redis is away."""


class ChatTurns(Protocol):
    def turn(self, chat: int) -> AbstractAsyncContextManager[None]: ...

    async def close(self) -> None: ...


class LocalTurns:
    """A lock per person in this process, dropped when nobody waits for it."""

    def __init__(self) -> None:
        self._locks: dict[int, asyncio.Lock] = {}
        self._users: Counter[int] = Counter()

    @asynccontextmanager
    async def turn(self, chat: int) -> AsyncIterator[None]:
        lock = self._locks.setdefault(chat, asyncio.Lock())
        self._users[chat] += 1
        try:
            async with lock:
                yield
        finally:
            self._users[chat] -= 1
            if not self._users[chat]:
                del self._users[chat], self._locks[chat]

    async def close(self) -> None:
        """Nothing to release."""


class SharedTurns(LocalTurns):
    """The local turn, then a Redis lock on the person shared by every process of the bot."""

    def __init__(self, redis_url: str, bot_id: int) -> None:
        from redis.asyncio import Redis

        super().__init__()
        self._redis = Redis.from_url(redis_url)
        self._prefix = f"blk:turn:{bot_id}:"

    @asynccontextmanager
    async def turn(self, chat: int) -> AsyncIterator[None]:
        from redis.exceptions import RedisError

        async with super().turn(chat):
            lock = self._redis.lock(
                f"{self._prefix}{chat}", timeout=TURN_SECONDS, blocking_timeout=WAIT_SECONDS
            )
            try:
                acquired = await lock.acquire()
            except RedisError as error:
                raise TurnNotFree from error
            if not acquired:
                raise TurnNotFree
            try:
                yield
            finally:
                with suppress(RedisError):  # expired meanwhile: the work is done anyway
                    await lock.release()

    async def close(self) -> None:
        await self._redis.aclose()


def chat_turns(redis_url: str | None, bot_id: int) -> ChatTurns:
    return SharedTurns(redis_url, bot_id) if redis_url else LocalTurns()
