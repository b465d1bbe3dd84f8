"""Builds the Dispatcher and the Bot: routers, middlewares and dependencies in one place."""

from __future__ import annotations

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.types import ErrorEvent, LinkPreviewOptions
from aiogram.utils.callback_answer import CallbackAnswerMiddleware

from bot.delivery.deferred_replies import DeferRepliesMiddleware
from bot.runtime.app import App
from bot.runtime.draining import DrainingDispatcher
from bot.runtime.flood_middleware import FloodMiddleware
from bot.runtime.i18n import UserLocaleMiddleware
from bot.runtime.metrics_hooks import UpdateMetrics, watch_bots
from handlers import root_router
from storage.transient_errors import is_transient


def build_dispatcher(app: App) -> DrainingDispatcher:
    dp = DrainingDispatcher(storage=app.storage, events_isolation=app.isolation)
    dp["services"] = app.services
    dp["preferences"] = app.services.preferences
    dp["settings"] = app.settings
    # Every update counted and timed, however it arrived; every Bot API call of the bots
    # this dispatcher starts with (polling or webhook) counted.
    dp.update.outer_middleware(UpdateMetrics(app.metrics))
    dp.startup.register(watch_bots(app.metrics))
    UserLocaleMiddleware(app.i18n, app.services.preferences).setup(dp)
    # After the locale (its "slow down" is translated), before any filter or handler.
    flood = FloodMiddleware(app.flood, app.services.roles)
    dp.message.outer_middleware(flood)
    dp.callback_query.outer_middleware(flood)
    dp.callback_query.middleware(CallbackAnswerMiddleware())
    # Checked before the handlers' errors router, which answers refusals and crashes.
    dp.errors.register(try_again_later, lambda event: is_transient(event.exception))
    dp.include_router(root_router())
    return dp


async def try_again_later(event: ErrorEvent) -> None:
    """A passing database fault is neither the user's mistake nor a crash to apologise
    for: it leaves the dispatcher, the update's transaction rolls back with everything
    the handler held back, and the poller tries the update again."""
    raise event.exception


def build_bot(token: str, api_url: str) -> Bot:
    """A Bot that talks to `api_url`: Telegram, a local Bot API server, or the test fake."""
    return bot_on(AiohttpSession(api=TelegramAPIServer.from_base(api_url)), token)


def bot_on(session: BaseSession, token: str) -> Bot:
    """The Bot of every mode (`run`, console, tests) over `session`: answers to an update
    are held until its transaction commits (`deferred_replies`)."""
    session.middleware(DeferRepliesMiddleware())
    return Bot(
        token=token,
        session=session,
        # link_preview, not link_preview_is_disabled: the latter sends the removed
        # `disable_web_page_preview` parameter.
        default=DefaultBotProperties(
            parse_mode=ParseMode.HTML, link_preview=LinkPreviewOptions(is_disabled=True)
        ),
    )
