"""Telegram's dates on incoming updates, kept as the reference `bot.clock_sanity` checks the
server's clock against (Telegram's clock is not ours to set wrong)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from aiogram.types import CallbackQuery, Message, Update

from bot.clock import Clock
from bot.crash_log import crash_trace
from storage.clock_marks import ClockMarks
from storage.database import Database

logger = logging.getLogger(__name__)

# Written at most once per minute of Telegram time: a busy bot writes one row a minute.
STEP = timedelta(minutes=1)


def date_of(update: Update) -> datetime | None:
    """When Telegram says the update's message was sent (or edited); None without one.

    A button's message is the bot's own, sent earlier, but still dated by Telegram; an
    inaccessible one (too old) has no date.
    """
    event = update.event
    message = event.message if isinstance(event, CallbackQuery) else event
    if not isinstance(message, Message):
        return None
    if message.edit_date:  # Bot API gives edit_date as Unix time, date as a datetime
        return datetime.fromtimestamp(message.edit_date, UTC)
    return message.date


class TelegramDates:
    """Records the newest date seen, with the clock's reading then, in `clock_marks`."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        self._recorded: datetime | None = None

    async def saw(self, updates: Iterable[Update]) -> None:
        dates = [date for update in updates if (date := date_of(update)) is not None]
        if not dates:
            return
        newest = max(dates)
        if self._recorded is not None and newest < self._recorded + STEP:
            return
        try:
            async with self._db.transaction() as session:
                await ClockMarks(session).record_telegram_date(newest, self._clock.now())
        except Exception as error:  # a mark missed costs nothing: the next batch records it
            logger.warning("Telegram date not recorded: %s", crash_trace(error))
            return
        self._recorded = newest
