"""Running the bot against the Bot API with long polling."""

from __future__ import annotations

import logging

from aiogram import Bot, Dispatcher

from bot.app import App, create_app
from bot.commands import publish_commands
from bot.config import Settings
from bot.dispatcher import build_bot, build_dispatcher
from storage.migrate import upgrade

logger = logging.getLogger(__name__)


async def prepare(app: App) -> None:
    """Fail fast on an unreachable database, bring its schema and reference data up to date."""
    await app.db.ping()
    await upgrade(app.db)
    await app.directory.sync_reference_data()


async def poll(app: App, bot: Bot, dp: Dispatcher, *, handle_signals: bool = False) -> None:
    """Serve updates until stopped; used by `blk-bot run` and the end-to-end tests."""
    await publish_commands(bot, app.i18n)
    await bot.delete_webhook(drop_pending_updates=False)
    await dp.start_polling(
        bot,
        allowed_updates=dp.resolve_used_update_types(),
        handle_signals=handle_signals,
        close_bot_session=False,
    )


async def run(settings: Settings) -> None:
    token = settings.require_token()
    app = create_app(settings)
    bot = build_bot(token, settings.telegram_api_url)
    try:
        await prepare(app)
        dp = build_dispatcher(app)
        me = await bot.get_me()
        logger.info("bot @%s is polling %s", me.username, settings.telegram_api_url)
        await poll(app, bot, dp, handle_signals=True)
    finally:
        await bot.session.close()
        await app.close()
