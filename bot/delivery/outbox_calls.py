"""Outbox rows as Bot API calls, and what an attempt to send one ended in."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from aiogram import methods as m

from bot.crash_log import crash_trace
from bot.delivery.outbox import Outgoing
from storage.database import Database
from storage.outbox_repository import OutboxRepository

logger = logging.getLogger(__name__)

METHODS: dict[str, type[m.TelegramMethod[Any]]] = {
    "sendMessage": m.SendMessage,
    "sendPhoto": m.SendPhoto,
    "sendDocument": m.SendDocument,
    "sendVenue": m.SendVenue,
    "sendLocation": m.SendLocation,
    "copyMessage": m.CopyMessage,
    "editMessageText": m.EditMessageText,
    # An update's answers (bot.delivery.deferred_replies) left unsent by a crash:
    "editMessageReplyMarkup": m.EditMessageReplyMarkup,
    "answerCallbackQuery": m.AnswerCallbackQuery,
    "deleteMessage": m.DeleteMessage,
}


def build_method(outgoing: Outgoing, chat_id: int) -> m.TelegramMethod[Any]:
    """The aiogram call; its pydantic model validates params (reply_markup dicts too)."""
    method = METHODS[outgoing.method]
    if "chat_id" not in method.model_fields:  # answerCallbackQuery
        return method(**outgoing.params)
    return method(**{**outgoing.params, "chat_id": chat_id})


class OutcomeKind(StrEnum):
    """How an attempt ended; the sender's `stats` count these."""

    SENT = "sent"
    FAILED = "failed"  # for good: Telegram refused it, or retries ran out
    RETRY = "retry"  # transient error: back to pending after a backoff, counted as an attempt
    RATE_LIMITED = "rate_limited"  # 429: back to pending after retry_after, not counted
    RELEASE = "release"  # not sent (stopping, claim too old, handed over): back to pending
    UNREACHABLE = "unreachable"  # 403: the chat blocked the bot
    EXPIRED = "expired"  # too late to be useful
    SKIPPED = "skipped"  # the render hook said it is no longer relevant


@dataclass(frozen=True)
class Outcome:
    """What one attempt ended in, recorded by the next cycle; `delay` before a retry."""

    kind: OutcomeKind
    detail: str = ""
    message_id: int | None = None
    delay: float = 0.0


async def record_outcome(
    repo: OutboxRepository, row_id: int, chat_id: int, outcome: Outcome, now: datetime, me: str
) -> None:
    """Write the outcome, only while the claim is still ours (the lease was not lost)."""
    kind, detail = outcome.kind, outcome.detail
    match kind:
        case OutcomeKind.SENT:
            ours = await repo.mark_sent(row_id, outcome.message_id, now, worker_id=me)
        case OutcomeKind.FAILED:
            ours = await repo.mark_failed(row_id, detail, worker_id=me)
        case OutcomeKind.RETRY | OutcomeKind.RATE_LIMITED | OutcomeKind.RELEASE:
            later, counted = now + timedelta(seconds=outcome.delay), kind is OutcomeKind.RETRY
            ours = await repo.retry_later(row_id, later, detail, count=counted, worker_id=me)
        case OutcomeKind.UNREACHABLE:
            ours = await repo.mark_unreachable(row_id, detail, worker_id=me)
            await repo.mark_unreachable_chat(chat_id, detail)
        case OutcomeKind.EXPIRED:
            ours = await repo.expire(row_id, worker_id=me)
        case OutcomeKind.SKIPPED:
            ours = await repo.skip(row_id, detail, worker_id=me)
    if not ours:
        logger.warning("outbox row %d: claim lost before recording %s", row_id, kind)


async def write_receipt(db: Database, row_id: int, message_id: int | None) -> None:
    """Telegram took row `row_id`: say so durably now, not at the next commit.

    A receipt the database refuses is logged, not raised: the sent outcome is still
    recorded with the row's status (only a kill before that sends it again).
    """
    try:
        await db.receipts.record(row_id, message_id)
    except Exception as error:
        logger.error("outbox row %d: delivery receipt not written: %s", row_id, crash_trace(error))
