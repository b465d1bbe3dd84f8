"""pytest fixtures for the fake Bot API.

Register them in a conftest with ``from tests.fake_bot_api.fixtures import fake_api`` (or
``pytest_plugins = ["tests.fake_bot_api.fixtures"]`` in the root conftest).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from .server import FakeBotAPI


def make_bot(fake: FakeBotAPI, **bot_kwargs: Any) -> Bot:
    """A real aiogram Bot talking to ``fake`` (close it with ``await bot.session.close()``)."""
    session = AiohttpSession(api=TelegramAPIServer.from_base(fake.url))
    return Bot(token=fake.token, session=session, **bot_kwargs)


@pytest_asyncio.fixture
async def fake_api() -> AsyncIterator[FakeBotAPI]:
    """A started FakeBotAPI; the test fails at teardown if the bot broke the Bot API schema.

    Tests that provoke violations on purpose must ``fake_api.violations.clear()``.
    """
    fake = FakeBotAPI()
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()
    if fake.violations:
        pytest.fail(
            "Bot API schema violations:\n" + "\n".join(f"  {v}" for v in fake.violations),
            pytrace=False,
        )


@pytest_asyncio.fixture
async def sender_bot(fake_api: FakeBotAPI) -> AsyncIterator[Bot]:
    """A plain Bot on the fake, for calls made the way the outbox sender makes them."""
    bot = make_bot(fake_api)
    yield bot
    await bot.session.close()
