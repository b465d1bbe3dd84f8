"""The one way tests set the time: a `Clock` that stands still until a test moves it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from bot.clock import PROGRAMME_ZONE, Clock

if TYPE_CHECKING:
    from tests.fake_bot_api import FakeBotAPI

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


def telegram_dates_follow(fake: FakeBotAPI, clock: Clock) -> None:
    """The fake Telegram dates its messages by the test's clock, as the real one agrees with
    a right clock (`bot.clock_sanity` checks the bot's clock against those dates)."""
    fake.now = lambda: int(clock.now().timestamp())  # type: ignore[method-assign]
