"""Holding back the bot's answers to an update until the update's transaction commits.

While an update is handled (`deferring()`), the calls in `DEFERRED_METHODS` are recorded
instead of sent. The poller writes them to the outbox in the update's own transaction
and sends them right after the commit; after a crash the sender delivers what was
committed but not sent. So an update's answers exist exactly when its database effects
do. The contract a handler works with (pinned by tests/test_deferred_replies.py):

- sendMessage, sendVenue, sendLocation and editMessageText return a placeholder
  Message: `message_id` 0, the current date and the target chat, nothing else (no
  text, no buttons). Do not keep, edit, delete or reply to it.
- editMessageReplyMarkup, answerCallbackQuery and deleteMessage return True.
- Every other call (sendPhoto, sendDocument with an upload as in /datasaya,
  copyMessage, getChat, ...) and every call inside `send_now()` goes out at once and
  returns Telegram's real result, even if the update's transaction then fails, and it
  overtakes the deferred calls made before it, which wait for the commit.
- Deferred calls go out in the order they were made, once, and only if the
  transaction commits. A handler that needs the real message (its id, to edit it
  later) wraps the call in `send_now()`.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiogram import Bot
from aiogram.client.session.base import Response
from aiogram.client.session.middlewares.base import BaseRequestMiddleware
from aiogram.methods import (
    AnswerCallbackQuery,
    DeleteMessage,
    EditMessageReplyMarkup,
    EditMessageText,
    GetUpdates,
    SendLocation,
    SendMessage,
    SendVenue,
    TelegramMethod,
)
from aiogram.methods.base import TelegramType
from aiogram.types import Message

from bot.delivery.outbox import Outgoing

DEFERRED_METHODS = frozenset(
    {
        "sendMessage", "sendVenue", "sendLocation", "editMessageText",
        "editMessageReplyMarkup", "answerCallbackQuery", "deleteMessage",
    }
)  # fmt: skip
_MESSAGE_RESULTS = frozenset({"sendMessage", "sendVenue", "sendLocation", "editMessageText"})
# pydantic caches aiogram's `Response[T]` (built for every answer sent) only weakly: with
# no reference left, a garbage collection drops it and the next answer builds it again
# (a schema build, milliseconds). These are the answers' result types, and the poll's.
_RESPONSE_TYPES = tuple(
    Response[method.__returning__]
    for method in (
        SendMessage, SendVenue, SendLocation, EditMessageText,
        EditMessageReplyMarkup, AnswerCallbackQuery, DeleteMessage, GetUpdates,
    )
)  # fmt: skip


@dataclass
class Deferred:
    calls: list[TelegramMethod[Any]] = field(default_factory=list)


_current: ContextVar[Deferred | None] = ContextVar("deferred_replies", default=None)


@contextmanager
def deferring() -> Iterator[Deferred]:
    deferred = Deferred()
    token = _current.set(deferred)
    try:
        yield deferred
    finally:
        _current.reset(token)


@contextmanager
def send_now() -> Iterator[None]:
    """Send immediately inside an update (its answer is then not exactly-once)."""
    token = _current.set(None)
    try:
        yield
    finally:
        _current.reset(token)


def method_params(
    bot: Bot, method: TelegramMethod[Any], files: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The call's parameters as the Bot API receives them, with objects as plain JSON.

    Uploaded files are collected in `files` (attach name → InputFile).
    """
    files = {} if files is None else files
    params: dict[str, Any] = {}
    for key, value in method.model_dump(warnings=False).items():
        prepared = bot.session.prepare_value(value, bot=bot, files=files)
        if prepared is None:
            continue
        if isinstance(prepared, str) and prepared[:1] in "[{":
            prepared = json.loads(prepared)
        params[key] = prepared
    return params


def as_outgoing(bot: Bot, method: TelegramMethod[Any]) -> Outgoing:
    return Outgoing(method.__api_method__, method_params(bot, method))


def stand_in(bot: Bot, method: TelegramMethod[TelegramType]) -> TelegramType:
    """What the Bot API would return, minus what only Telegram knows (the message id).

    Built directly rather than through the session's `check_response`: validating a
    `Response[T]` per held answer cost more than the rest of holding it."""
    if method.__api_method__ not in _MESSAGE_RESULTS:
        return True  # type: ignore[return-value]
    chat_id = getattr(method, "chat_id", None)
    message = {
        "message_id": 0,
        "date": int(datetime.now(UTC).timestamp()),
        "chat": {"id": int(chat_id) if chat_id is not None else 0, "type": "private"},
    }
    return Message.model_validate(message, context={"bot": bot})  # type: ignore[return-value]


class DeferRepliesMiddleware(BaseRequestMiddleware):
    async def __call__(
        self,
        make_request: Callable[[Bot, TelegramMethod[TelegramType]], Awaitable[TelegramType]],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> TelegramType:
        deferred = _current.get()
        if deferred is None or method.__api_method__ not in DEFERRED_METHODS:
            return await make_request(bot, method)
        deferred.calls.append(method)
        return stand_in(bot, method)
