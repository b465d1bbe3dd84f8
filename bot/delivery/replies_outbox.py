"""An update's answers in the outbox: held in its transaction, sent right after commit.

They share the bot's rate budget with the outbox sender (one RateLimiter). An answer
Telegram cannot take now (429, 5xx, network) is handed to the sender, with every answer
after it so their order holds; the sender retries it with backoff.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import TelegramMethod
from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.deferred_replies import as_outgoing
from bot.delivery.outbox_calls import Outcome, OutcomeKind, write_receipt
from bot.delivery.rate_limit import RateLimiter
from storage.database import Database
from storage.outbox_repository import REPLY, OutboxRepository

logger = logging.getLogger(__name__)


NOT_MESSAGES = frozenset({"answerCallbackQuery"})  # outside Telegram's message limits


@dataclass
class HeldAnswers:
    chat_id: int
    rows: list[tuple[int, TelegramMethod[Any]]] = field(default_factory=list)


async def hold(
    session: AsyncSession,
    bot: Bot,
    chat_id: int,
    calls: list[TelegramMethod[Any]],
    worker: str,
    now: datetime,
    expires_at: datetime | None = None,
) -> HeldAnswers:
    """Write the answers as outbox rows claimed at `now`; the sender only takes them after
    a crash or while Telegram is unavailable, until `expires_at`."""
    payloads = [as_outgoing(bot, call).to_json() for call in calls]
    ids = await OutboxRepository(session).add_claimed(
        chat_id, REPLY, payloads, worker, now, expires_at
    )
    return HeldAnswers(chat_id, list(zip(ids, calls, strict=True)))


async def deliver_now(
    db: Database, bot: Bot, held: HeldAnswers, limiter: RateLimiter
) -> dict[int, Outcome]:
    """Send in order, each with its receipt at once; returns the outcomes by row id, for
    the caller to record (`record_outcome`; a handed-over answer is due after its delay).

    The receipt, not the status update after the loop, is what keeps a crash from
    sending an answer twice (storage.receipts).
    """
    outcomes: dict[int, Outcome] = {}
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
            outcomes[row_id] = Outcome(OutcomeKind.FAILED, str(exc))
            continue
        message_id = getattr(result, "message_id", None)
        await write_receipt(db, row_id, message_id)
        outcomes[row_id] = Outcome(OutcomeKind.SENT, message_id=message_id)
    return outcomes


def _to_sender(delay: float) -> Outcome:
    """Back to pending, so the outbox sender delivers it with its retries and backoff."""
    return Outcome(OutcomeKind.RELEASE, delay=delay)
