"""The periodic jobs run in one process of the bot, whichever holds the leader lock.

With several processes (webhook mode) each tries the lock every few seconds; the one that
gets it runs the jobs (reminders, escalation, retention, ...) until it stops or loses it.
PostgreSQL drops the lock with its holder's connection, so when the leader dies another
process takes over within `seconds`. A leader whose connection was lost while nobody
took the lock keeps leading; one that finds the lock taken stops its jobs first.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from contextlib import suppress
from typing import TypeVar

from bot.crash_log import crash_trace
from bot.runtime.background import stopped_within
from storage.database import Database
from storage.instance_lock import InstanceLock, LockState, try_leader_lock
from storage.transient_errors import describe, is_transient

logger = logging.getLogger(__name__)

Jobs = Callable[[asyncio.Event], Awaitable[object]]  # runs until the event is set
T = TypeVar("T")


class Leadership:
    """Runs `jobs` while this process holds the leader lock, until `stop`."""

    def __init__(self, db: Database, seconds: float) -> None:
        self.db, self.seconds = db, seconds
        self.terms = 0  # how often this process became the leader

    async def lead(self, jobs: Jobs, stop: asyncio.Event) -> None:
        while not stop.is_set():
            lock = await self._try(lambda: try_leader_lock(self.db), "taking")
            if lock is None:
                await stopped_within(stop, self.seconds)
                continue
            self.terms += 1
            logger.info("leader lock taken: this process runs the periodic jobs")
            try:
                await self._hold(lock, jobs, stop)
            finally:
                with suppress(Exception):  # a lost connection released it already
                    await lock.release()

    async def _hold(self, lock: InstanceLock, jobs: Jobs, stop: asyncio.Event) -> None:
        """Run `jobs` until `stop` or until another process holds the lock."""
        resign = asyncio.Event()
        running = asyncio.create_task(jobs(resign))
        try:
            while not await stopped_within(stop, self.seconds) and not running.done():
                state = await self._try(lock.check, "checking")
                if state is LockState.LOST:
                    logger.warning("leader lock: another process leads now; jobs stopped here")
                    break
                if state is LockState.TAKEN_AGAIN:
                    logger.warning("leader lock: its database connection was lost; taken again")
        finally:
            resign.set()
            await running

    async def _try(self, call: Callable[[], Awaitable[T]], what: str) -> T | None:
        """`call`'s answer, or None when the database failed (logged; tried next round)."""
        try:
            return await call()
        except Exception as error:
            if is_transient(error):
                logger.warning("leader lock %s: database unavailable (%s)", what, describe(error))
            else:
                logger.error("leader lock %s failed: %s", what, crash_trace(error))
            return None
