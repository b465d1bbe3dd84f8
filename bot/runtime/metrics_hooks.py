"""Where the metrics are counted: one dispatcher middleware for updates and handler errors,
one Bot session middleware for every Bot API call (the sender's, the answers', the rest).

Both hold nothing but `Metrics`, so polling and webhook mode count the same way: the
dispatcher middleware sees each update whichever way it came, the session middleware is
put on a Bot by the dispatcher's startup (`watch_bots`).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import TelegramObject, Update
from aiogram.types.update import UpdateTypeLookupError

from bot.delivery.call_source import current_source
from bot.errors import DomainError
from bot.runtime.metrics import Metrics
from storage.transient_errors import is_transient

# Calls that deliver nothing to a person: polling, start-up, menus, the webhook, downloads.
CONTROL_METHODS = frozenset(
    {
        "getUpdates",
        "getMe",
        "deleteWebhook",
        "setWebhook",
        "getWebhookInfo",
        "setMyCommands",
        "deleteMyCommands",
        "getFile",
        "close",
        "logOut",
    }
)


class UpdateMetrics(BaseMiddleware):
    """An outer middleware on the dispatcher's updates: counts each update by type and
    outcome and times it. It sits inside aiogram's errors middleware, so it sees a
    handler's exception before the errors router answers it, and lets it go on."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        kind = _update_type(event)
        started = time.perf_counter()
        outcome = "failed"
        try:
            result = await handler(event, data)
            outcome = "unhandled" if result is UNHANDLED else "handled"
            return result
        except DomainError:
            outcome = "refused"
            raise
        except Exception as error:
            outcome = "database" if is_transient(error) else "failed"
            self.metrics.handler_errors.labels("database" if is_transient(error) else "crash").inc()
            raise
        finally:
            self.metrics.updates.labels(kind, outcome).inc()
            self.metrics.update_seconds.labels(kind).observe(time.perf_counter() - started)


def _update_type(event: TelegramObject) -> str:
    """The update's kind (message, callback_query, ...); "unknown" for one aiogram does
    not know (a newer Bot API)."""
    try:
        return event.event_type if isinstance(event, Update) else type(event).__name__
    except UpdateTypeLookupError:
        return "unknown"


class TelegramCallMetrics(BaseRequestMiddleware):
    """Counts every Bot API call that reaches Telegram by source, method and result.

    Registered after `DeferRepliesMiddleware`, so an answer held back during its update is
    counted when it is really sent, not as the placeholder the handler got.
    """

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    async def __call__(
        self,
        make_request: Callable[[Bot, TelegramMethod[TelegramType]], Awaitable[TelegramType]],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> TelegramType:
        name = method.__api_method__
        source = "control" if name in CONTROL_METHODS else current_source()
        result = "error"
        try:
            answer = await make_request(bot, method)
            result = "ok"
            return answer
        except TelegramRetryAfter:
            result = "flood_wait"
            self.metrics.flood_waits.labels(source).inc()
            raise
        except TelegramForbiddenError:
            result = "unreachable"
            self.metrics.unreachable.labels(source).inc()
            raise
        except TelegramBadRequest:
            result = "refused"
            raise
        except (TelegramServerError, TelegramNetworkError, TimeoutError):
            result = "unavailable"
            raise
        finally:
            self.metrics.telegram_calls.labels(source, name, result).inc()


def watch_bots(metrics: Metrics) -> Callable[..., Awaitable[None]]:
    """A dispatcher startup hook that counts the calls of every Bot it serves, once each."""

    async def watch(bots: list[Bot] | None = None, bot: Bot | None = None) -> None:
        for one in bots or ([bot] if bot is not None else []):
            middlewares = one.session.middleware
            if not any(isinstance(m, TelegramCallMetrics) for m in middlewares):
                middlewares(TelegramCallMetrics(metrics))

    return watch
