"""Jobs `blk-bot run` keeps going beside polling, each until the stop event."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from contextlib import suppress

from bot.crash_log import crash_trace
from storage.transient_errors import describe, is_transient

logger = logging.getLogger(__name__)


async def every(seconds: float, job: Callable[[], Awaitable[object]], stop: asyncio.Event) -> None:
    """Run `job` now and then every `seconds`; a failing round is logged, not fatal (a
    database that is away in one line: the next round tries again)."""
    while not stop.is_set():
        try:
            await job()
        except Exception as error:
            name = getattr(job, "__name__", job)
            if is_transient(error):
                logger.warning(
                    "background job %s: database unavailable (%s)", name, describe(error)
                )
            else:
                logger.error("background job %s failed: %s", name, crash_trace(error))
        await stopped_within(stop, seconds)


async def stopped_within(stop: asyncio.Event, seconds: float) -> bool:
    """Wait for `stop` at most `seconds`; whether it is set."""
    with suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
    return stop.is_set()
