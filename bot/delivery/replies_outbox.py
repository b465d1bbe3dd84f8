"""An update's answers in the outbox: held in its transaction, sent right after commit.

They share the bot's rate budget with the outbox sender (one RateLimiter). An answer
Telegram cannot take now (429, 5xx, network) is handed to the sender, with every answer
after it so their order holds; the sender retries it with backoff.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import TelegramMethod
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.deferred_replies import as_outgoing
from bot.delivery.rate_limit import RateLimiter
from storage.database import Database
from storage.models import OutboxMessage, utcnow
from storage.outbox_repository import REPLY

logger = logging.getLogger(__name__)


NOT_MESSAGES = frozenset({"answerCallbackQuery"})  # outside Telegram's message limits


@dataclass
class HeldAnswers:
    chat_id: int
    rows: list[tuple[int, TelegramMethod[Any]]] = field(default_factory=list)


async def hold(
    session: AsyncSession, bot: Bot, chat_id: int, calls: list[TelegramMethod[Any]], worker: str
) -> HeldAnswers:
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
    return HeldAnswers(chat_id, [(row.id, call) for row, call in zip(rows, calls, strict=True)])


async def deliver_now(
    db: Database, bot: Bot, held: HeldAnswers, worker: str, limiter: RateLimiter
) -> None:
    """Send in order, each with its receipt at once, then record the outcomes.

    The receipt, not the status update after the loop, is what keeps a crash from
    sending an answer twice (storage.receipts).
    """
    if not held.rows:
        return
    outcomes: dict[int, dict[str, Any]] = {}
    handed_over = False
    for row_id, call in held.rows:
        if handed_over:
            outcomes[row_id] = _to_sender(0)
            continue
        if call.__api_method__ not in NOT_MESSAGES:
            await limiter.acquire_slot(held.chat_id)
        try:
            result = await bot(call)
        except TelegramRetryAfter as exc:
            limiter.pause_for(exc.retry_after)
            outcomes[row_id], handed_over = _to_sender(exc.retry_after), True
            continue
        except (TelegramServerError, TelegramNetworkError) as exc:
            logger.warning("answer %s handed to the sender: %s", row_id, type(exc).__name__)
            outcomes[row_id], handed_over = _to_sender(2), True
            continue
        except TelegramAPIError as exc:
            logger.warning("answer %s not delivered: %s", row_id, type(exc).__name__)
            outcomes[row_id] = {"status": "failed", "last_error": str(exc)[:300]}
            continue
        message_id = getattr(result, "message_id", None)
        await db.receipts.record(row_id, message_id)
        outcomes[row_id] = {"status": "sent", "telegram_message_id": message_id}
    async with db.transaction() as session:
        for row_id, values in outcomes.items():
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == row_id, OutboxMessage.claimed_by == worker)
                .values(**values)
            )


def _to_sender(delay: float) -> dict[str, Any]:
    """Back to pending, so the outbox sender delivers it with its retries and backoff."""
    later = utcnow() + timedelta(seconds=delay)
    return {"status": "pending", "claimed_by": None, "claimed_at": None, "not_before": later}
