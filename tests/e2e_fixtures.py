"""Fixtures that start the bot for end-to-end tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.fake_bot_api import FakeBotAPI
from tests.harness import Chat, RunningBot, make_settings


@pytest.fixture
async def running_bot(
    fake_api: FakeBotAPI, database_url: str, redis_url: str | None, data_key: str
) -> AsyncIterator[RunningBot]:
    bot = RunningBot(make_settings(fake_api, database_url, redis_url, data_key))
    await bot.start()
    yield bot
    await bot.stop()


@pytest.fixture
def chat(fake_api: FakeBotAPI, running_bot: RunningBot) -> Chat:
    return Chat(fake_api, user_id=5001)
