"""Whether the clock can be trusted to delete by age.

A server clock set a year ahead makes every registration look expired, and retention
would erase them within seconds. Before a destructive job (retention, pruning by age) the
clock is compared with the newest `date` Telegram put on an incoming message, which no
server's clock moves, and with the newest timestamps the bot's own clock wrote. More than the
tolerance (a day) ahead of or behind Telegram's date (or, before any Telegram date was
recorded, of the bot's own newest stamp), and the job does not run this time.

Telegram's date wins over the stored stamps: after a clock that ran ahead is corrected,
the stamps it wrote lie in the future, but Telegram agrees with the corrected clock.
A bot nobody wrote to for longer than the tolerance cannot confirm its clock, so it
waits with deleting until the next message arrives.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.clock import Clock
from storage.clock_marks import TELEGRAM_DATE, ClockMarks
from storage.database import Database

logger = logging.getLogger(__name__)

TOLERANCE = timedelta(days=1)


@dataclass(frozen=True)
class ClockReadings:
    """The clock and what it is checked against; None where nothing was recorded yet."""

    now: datetime
    telegram_date: datetime | None
    own_stamp: datetime | None


@dataclass(frozen=True)
class ClockVerdict:
    trusted: bool
    reason: str = ""  # why not, or what looked odd although the clock is trusted


def judge(readings: ClockReadings, tolerance: timedelta = TOLERANCE) -> ClockVerdict:
    """Trust the clock within `tolerance` of Telegram's newest date; before any was
    recorded, within `tolerance` of the bot's own newest stamp."""
    now, telegram, stamp = readings.now, readings.telegram_date, readings.own_stamp
    if telegram is not None:
        if now - telegram > tolerance:
            return ClockVerdict(False, f"ahead of the newest Telegram message date {_at(telegram)}")
        if telegram - now > tolerance:
            return ClockVerdict(False, f"behind the newest Telegram message date {_at(telegram)}")
        if stamp is not None and stamp - now > tolerance:
            return ClockVerdict(
                True, f"stored timestamps up to {_at(stamp)} were written by a clock running ahead"
            )
        return ClockVerdict(True)
    if stamp is not None and now - stamp > tolerance:
        return ClockVerdict(False, f"ahead of the newest stored timestamp {_at(stamp)}")
    if stamp is not None and stamp - now > tolerance:
        return ClockVerdict(False, f"behind the newest stored timestamp {_at(stamp)}")
    return ClockVerdict(True)


def _at(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


class ClockSanity:
    """The check a destructive job runs first; it logs one line when it refuses."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        tolerance: timedelta = TOLERANCE,
        *,
        recheck_seconds: float = 60,
    ) -> None:
        self._db = db
        self._clock = clock
        self.tolerance = tolerance
        self._noted = ""  # the oddity last logged: said once, not at every run
        self._recheck_seconds = recheck_seconds
        self._checked: tuple[float, bool] | None = None  # (monotonic time, verdict)

    async def readings(self) -> ClockReadings:
        async with self._db.transaction() as session:
            marks = ClockMarks(session)
            telegram = await marks.get(TELEGRAM_DATE)
            stamp = await marks.newest_clock_stamp()
        return ClockReadings(self._clock.now(), telegram, stamp)

    async def trusted(self) -> bool:
        """The verdict without a log line, read again at most every `recheck_seconds`: for
        the sender, which asks before it takes a message's deadline as passed."""
        moment = time.monotonic()
        if self._checked is None or moment - self._checked[0] >= self._recheck_seconds:
            self._checked = (moment, judge(await self.readings(), self.tolerance).trusted)
        return self._checked[1]

    async def allows(self, job: str) -> bool:
        """Whether `job` (a name for the log) may delete by age now."""
        readings = await self.readings()
        verdict = judge(readings, self.tolerance)
        if not verdict.trusted:
            logger.error(
                "%s not run: the clock (%s) is %s; it runs once they agree within %g h",
                job,
                _at(readings.now),
                verdict.reason,
                self.tolerance / timedelta(hours=1),
            )
        elif verdict.reason and verdict.reason != self._noted:
            logger.warning("%s runs, but %s", job, verdict.reason)
        self._noted = verdict.reason if verdict.trusted else ""
        return verdict.trusted
