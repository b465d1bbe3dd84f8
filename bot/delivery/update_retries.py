"""After a failed try of an update: try it again later, or give it up as poison.

A passing database fault (`storage.transient_errors`) says nothing about the update: it
is tried again, as often as it takes, and never recorded as handled. Any other failure
that escaped the errors router (which answers refusals and crashes inside handlers) is
probably a bug that fails every time: after `attempts` tries the update is recorded as
handled, with one log line, so one broken update cannot hold up every chat behind it.

Tries are counted in memory: after a restart a poison update gets `attempts` more, which
costs a few seconds once; counting durably would need a write that may itself fail.
"""

from __future__ import annotations

import logging
from collections import Counter

from bot.crash_log import crash_trace
from storage.transient_errors import describe, is_transient

logger = logging.getLogger(__name__)


class UpdateRetries:
    def __init__(self, attempts: int) -> None:
        self.attempts = attempts
        self._failures: Counter[int] = Counter()  # update_id → non-transient failures

    def forget(self, update_id: int) -> None:
        """It was handled, or its record as handled is committed."""
        self._failures.pop(update_id, None)

    def gives_up(self, update_id: int, error: Exception) -> bool:
        """Log the failure; True when the update is to be recorded as handled now."""
        if is_transient(error):
            logger.warning(
                "update %s: database unavailable (%s); tried again later",
                update_id,
                describe(error),
            )
            return False
        self._failures[update_id] += 1
        failures = self._failures[update_id]
        if failures < self.attempts:
            logger.warning(
                "update %s failed (%s), try %d of %d",
                update_id,
                type(error).__name__,
                failures,
                self.attempts,
            )
            return False
        logger.error(
            "update %s failed %d times; recorded as handled: %s",
            update_id,
            failures,
            crash_trace(error),
        )
        return True
