"""Each Dispatcher gets its own handler tree, so several in one process all answer."""

from __future__ import annotations

import asyncio

from aiogram import Dispatcher

from bot.runtime.app import App, create_app
from bot.runtime.dispatcher import build_bot, build_dispatcher
from bot.runtime.runner import poll, prepare
from handlers import root_router
from tests.fake_bot_api import FakeBotAPI
from tests.harness import Chat, make_settings


def test_every_tree_is_new() -> None:
    first, second = root_router(), root_router()
    assert first.parent_router is None and second.parent_router is None
    assert not {id(r) for r in first.chain_tail} & {id(r) for r in second.chain_tail}
    assert [r.name for r in first.chain_tail] == [r.name for r in second.chain_tail]


async def _answers_start(app: App, dp: Dispatcher, fake: FakeBotAPI, user_id: int) -> None:
    bot = build_bot(app.settings.require_token(), app.settings.telegram_api_url)
    started, stop = asyncio.Event(), asyncio.Event()
    dp.startup.register(started.set)
    task = asyncio.create_task(poll(app, bot, dp, stop))
    try:
        await started.wait()
        await Chat(fake, user_id).send("/start", "gratis")
    finally:
        stop.set()
        await task
        await bot.session.close()


async def test_an_earlier_dispatcher_still_answers_after_a_later_one_is_built(
    fake_api: FakeBotAPI, database_url: str, redis_url: str | None, data_key: str
) -> None:
    """The console and the tests build a Dispatcher per (re)start in one process."""
    app = create_app(make_settings(fake_api, database_url, redis_url, data_key))
    try:
        await prepare(app)
        first, second = build_dispatcher(app), build_dispatcher(app)
        await _answers_start(app, second, fake_api, user_id=5001)
        await _answers_start(app, first, fake_api, user_id=5002)
    finally:
        await app.close()
