"""An update's answers in the outbox: held in its transaction, sent right after commit."""

from __future__ import annotations

import logging
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.methods import TelegramMethod
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.deferred_replies import as_outgoing
from storage.database import Database
from storage.models import OutboxMessage, utcnow
from storage.outbox_repository import REPLY

logger = logging.getLogger(__name__)


async def hold(
    session: AsyncSession, bot: Bot, chat_id: int, calls: list[TelegramMethod[Any]], worker: str
) -> list[tuple[int, TelegramMethod[Any]]]:
    """Write the answers as claimed outbox rows; the sender only takes them after a crash."""
    now = utcnow()
    rows = [
        OutboxMessage(
            chat_id=chat_id,
            kind=REPLY,
            payload=as_outgoing(bot, call).to_json(),
            status="sending",
            claimed_by=worker,
            claimed_at=now,
            not_before=now,
        )
        for call in calls
    ]
    session.add_all(rows)
    await session.flush()
    return [(row.id, call) for row, call in zip(rows, calls, strict=True)]


async def deliver_now(
    db: Database, bot: Bot, rows: list[tuple[int, TelegramMethod[Any]]], worker: str
) -> None:
    """Send in order and record each outcome; an error does not stop the later answers."""
    if not rows:
        return
    outcomes: dict[int, tuple[str, str | None]] = {}
    for row_id, call in rows:
        try:
            await bot(call)
            outcomes[row_id] = ("sent", None)
        except TelegramAPIError as exc:
            logger.warning("answer %s not delivered: %s", row_id, type(exc).__name__)
            outcomes[row_id] = ("failed", str(exc)[:300])
    async with db.transaction() as session:
        for row_id, (status, error) in outcomes.items():
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == row_id, OutboxMessage.claimed_by == worker)
                .values(status=status, last_error=error, sent_at=utcnow())
            )
