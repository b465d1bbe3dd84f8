"""Outbox rows as Bot API calls, and what an attempt to send one ended in."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from aiogram import methods as m

from bot.delivery.outbox import Outgoing
from storage.models import OutboxMessage
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


@dataclass(frozen=True)
class Outcome:
    """What one attempt ended in, recorded by the next cycle.

    `status`: sent, failed, retry (counted, backoff `delay`), rate_limited (429, not
    counted), release (back to pending unsent), unreachable, expired or skipped.
    """

    status: str
    detail: str = ""
    message_id: int | None = None
    delay: float = 0.0


async def record_outcome(
    repo: OutboxRepository, row: OutboxMessage, outcome: Outcome, now: datetime, me: str
) -> None:
    """Write the outcome, only while the claim is still ours (the lease was not lost)."""
    status, detail = outcome.status, outcome.detail
    if status == "sent":
        ours = await repo.mark_sent(row.id, outcome.message_id, now, worker_id=me)
    elif status == "failed":
        ours = await repo.mark_failed(row.id, detail, worker_id=me)
    elif status in {"retry", "rate_limited", "release"}:
        later, counted = now + timedelta(seconds=outcome.delay), status == "retry"
        ours = await repo.retry_later(row.id, later, detail, count=counted, worker_id=me)
    elif status == "unreachable":
        ours = await repo.mark_unreachable(row.id, detail, worker_id=me)
        await repo.mark_unreachable_chat(row.chat_id, detail)
    elif status == "expired":
        ours = await repo.expire(row.id, worker_id=me)
    else:
        ours = await repo.skip(row.id, detail, worker_id=me)
    if not ours:
        logger.warning("outbox row %d: claim lost before recording %s", row.id, status)
