"""The deferred-replies contract (bot/delivery/deferred_replies.py): which calls an update
holds until its commit, what they return meanwhile, and which go out at once."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.types import BufferedInputFile, Message

from bot.delivery.deferred_replies import DEFERRED_METHODS, deferring, send_now
from bot.runtime.dispatcher import build_bot
from tests.fake_bot_api import FakeBotAPI

CHAT = 4242
# Every method an update holds, in the order the placeholder test calls them.
HELD = (
    "sendMessage",
    "sendVenue",
    "sendLocation",
    "editMessageText",
    "editMessageReplyMarkup",
    "answerCallbackQuery",
    "deleteMessage",
)


@pytest.fixture
async def bot(fake_api: FakeBotAPI) -> AsyncIterator[Bot]:
    """The Bot of `blk-bot run`, with the deferring middleware."""
    bot = build_bot(fake_api.token, fake_api.url)
    yield bot
    await bot.session.close()


def sent_methods(fake: FakeBotAPI) -> list[str]:
    return [call.method for call in fake.calls if call.method != "getUpdates"]


def test_the_deferred_methods() -> None:
    assert set(HELD) == DEFERRED_METHODS


async def test_held_calls_return_placeholders_and_reach_telegram_only_later(
    fake_api: FakeBotAPI, bot: Bot
) -> None:
    with deferring() as deferred:
        messages = [
            await bot.send_message(CHAT, "Halo"),
            await bot.send_venue(CHAT, -6.2, 106.8, "BLK Jakarta", "Jl. Raya"),
            await bot.send_location(CHAT, -6.2, 106.8),
            await bot.edit_message_text("Hai", chat_id=CHAT, message_id=7),
        ]
        flags = [
            await bot.edit_message_reply_markup(chat_id=CHAT, message_id=7),
            await bot.answer_callback_query("query-1"),
            await bot.delete_message(CHAT, 7),
        ]
    for message in messages:
        assert isinstance(message, Message)
        assert (message.message_id, message.chat.id, message.text) == (0, CHAT, None)
    assert flags == [True, True, True]
    assert tuple(call.__api_method__ for call in deferred.calls) == HELD
    assert sent_methods(fake_api) == []


async def test_other_calls_and_send_now_go_out_at_once_with_real_results(
    fake_api: FakeBotAPI, bot: Bot
) -> None:
    with deferring() as deferred:
        await bot.send_message(CHAT, "Data Anda:")
        document = await bot.send_document(CHAT, BufferedInputFile(b"{}", "data.json"))
        with send_now():
            progress = await bot.send_message(CHAT, "Terkirim 0 / 3")
    assert document.message_id > 0 and progress.message_id > 0
    assert progress.text == "Terkirim 0 / 3"
    # Both overtook the held "Data Anda:", which waits for the commit.
    assert sent_methods(fake_api) == ["sendDocument", "sendMessage"]
    assert [call.__api_method__ for call in deferred.calls] == ["sendMessage"]


async def test_outside_an_update_nothing_is_held(fake_api: FakeBotAPI, bot: Bot) -> None:
    sent = await bot.send_message(CHAT, "Pengingat")
    assert sent.message_id > 0
    assert sent_methods(fake_api) == ["sendMessage"]
