"""The moments the bot checks its clock against: Telegram's newest message date (with the
clock's reading when it was seen) and the newest timestamps its own clock wrote."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ClockMark, ConversationActivity, OutboxMessage, Registration

TELEGRAM_DATE = "telegram_date"  # the newest `date` of an incoming message
CLOCK_AT_TELEGRAM_DATE = "clock"  # the clock's reading when that date was recorded


class ClockMarks:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, name: str) -> datetime | None:
        row = await self.session.get(ClockMark, name)
        return row.at if row else None

    async def record_telegram_date(self, date: datetime, clock: datetime) -> None:
        """Keep the newest Telegram date (dates may arrive out of order) and the clock now."""
        newest = await self.get(TELEGRAM_DATE)
        await self._set(TELEGRAM_DATE, max(date, newest) if newest else date)
        await self._set(CLOCK_AT_TELEGRAM_DATE, clock)

    async def _set(self, name: str, at: datetime) -> None:
        row = await self.session.get(ClockMark, name)
        if row is None:
            self.session.add(ClockMark(name=name, at=at))
        else:
            row.at = at

    async def newest_clock_stamp(self) -> datetime | None:
        """The newest moment the bot's clock wrote where it records activity: consents,
        conversations, sent messages and the clock mark (columns written from the app's
        clock, not the database's defaults)."""
        stamps = [
            await self.get(CLOCK_AT_TELEGRAM_DATE),
            *[
                await self.session.scalar(select(func.max(column)))
                for column in (
                    Registration.consent_at,
                    ConversationActivity.last_activity_at,
                    OutboxMessage.sent_at,
                )
            ],
        ]
        found = [stamp for stamp in stamps if stamp is not None]
        return max(found) if found else None
