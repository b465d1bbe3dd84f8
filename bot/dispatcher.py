"""Builds the Dispatcher and the Bot: routers, middlewares and dependencies in one place."""

from __future__ import annotations

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.utils.callback_answer import CallbackAnswerMiddleware

from bot.app import App
from bot.i18n import UserLocaleMiddleware
from handlers import get_routers


def build_dispatcher(app: App) -> Dispatcher:
    dp = Dispatcher(storage=app.storage, events_isolation=app.isolation)
    dp["services"] = app.services
    dp["preferences"] = app.preferences
    dp["settings"] = app.settings
    UserLocaleMiddleware(app.i18n, app.preferences).setup(dp)
    dp.callback_query.middleware(CallbackAnswerMiddleware())
    dp.include_routers(*get_routers())
    return dp


def build_bot(token: str, api_url: str) -> Bot:
    """A Bot that talks to `api_url`: Telegram, a local Bot API server, or the test fake."""
    session = AiohttpSession(api=TelegramAPIServer.from_base(api_url))
    return Bot(
        token=token,
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True),
    )
