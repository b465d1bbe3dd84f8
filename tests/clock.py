"""The one way tests set the time: a `Clock` that stands still until a test moves it."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.clock import PROGRAMME_ZONE, Clock

# 24 Nov 2026, 10:00 WIB: ages, PHK months and dates in texts stay the same in every run.
NOW = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)


class FixedClock(Clock):
    def __init__(self, at: datetime = NOW, timezone: str = PROGRAMME_ZONE) -> None:
        super().__init__(timezone)
        self.at = at

    def now(self) -> datetime:
        return self.at

    def set(self, at: datetime) -> None:
        self.at = at
