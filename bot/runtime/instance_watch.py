"""Keeping the instance lock while `blk-bot run` polls.

PostgreSQL drops the advisory lock with its connection, and the bot would not notice: a
second process could then start and both would poll. The lock is checked every few
seconds; a lost one is taken again at once; when another process holds it now, this one
stops (`InstanceLockTaken` after an orderly stop) rather than poll beside it. While the
database cannot be reached the check is tried again with backoff, and the bot keeps
running: its updates wait for the database anyway.
"""

from __future__ import annotations

import asyncio
import logging

from bot.backoff import Backoff
from bot.crash_log import crash_trace
from bot.delivery.polling import RETRY_CAP
from bot.runtime.background import stopped_within
from storage.instance_lock import InstanceLock, LockState
from storage.transient_errors import describe, is_transient

logger = logging.getLogger(__name__)


class InstanceLockKeeper:
    """Checks `lock` every `seconds` until `stop`; sets `stop` and `taken` when it is lost."""

    def __init__(self, lock: InstanceLock, seconds: float, backoff: Backoff | None = None) -> None:
        self.lock, self.seconds = lock, seconds
        self.backoff = backoff or Backoff(cap=RETRY_CAP)
        self.taken = False

    async def run(self, stop: asyncio.Event) -> None:
        while not await stopped_within(stop, self.seconds):
            state = await self._check(stop)
            if state is LockState.TAKEN_AGAIN:
                logger.warning("instance lock: its database connection was lost; taken again")
            elif state is LockState.LOST:
                self.taken = True
                stop.set()

    async def _check(self, stop: asyncio.Event) -> LockState | None:
        """The lock's state, tried again while the database is unreachable; None if
        `stop` came first. A failure that is not a database fault is logged and counts
        as held: the next round checks again."""
        self.backoff.reset()
        while not stop.is_set():
            try:
                return await self.lock.check()
            except Exception as error:
                if not is_transient(error):
                    logger.error("instance lock check failed: %s", crash_trace(error))
                    return LockState.HELD
                logger.warning(
                    "instance lock: database unreachable (%s); trying again in %.0f s",
                    describe(error),
                    self.backoff.delay,
                )
            await self.backoff.wait(stop)
        return None
