"""The console's Telegram side: every call the outbox sender can make is shown, and button
numbers keep pointing at the keyboard shown last when other messages arrive in between."""

from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass

import pytest
from aiogram import Bot

from bot.delivery.outbox import Outgoing
from bot.delivery.outbox_calls import METHODS, build_method
from bot.runtime.console import CONSOLE_TOKEN, ConsoleSession, TypedLines
from bot.runtime.console_chat import ConsoleChat
from bot.runtime.console_screen import ConsoleScreen
from bot.runtime.dispatcher import bot_on

USER = 4242
MENU = {"inline_keyboard": [[{"text": "Ya", "callback_data": "demo:yes"}]]}


@dataclass
class Console:
    out: io.StringIO
    chat: ConsoleChat
    bot: Bot

    async def receive(self, outgoing: Outgoing) -> object:
        return await self.bot(build_method(outgoing, USER))


@pytest.fixture
async def console() -> Console:
    out = io.StringIO()
    screen = ConsoleScreen(out, USER)
    chat = ConsoleChat(screen, USER, "id")
    lines = TypedLines(io.StringIO())
    session = ConsoleSession(screen, chat, lines, asyncio.Event(), echo=False)
    return Console(out, chat, bot_on(session, CONSOLE_TOKEN))


VENUE = {"latitude": -6.2, "longitude": 106.8, "title": "BBPVP Bekasi", "address": "Jl. Guntur"}
SENDER_CALLS = [
    (Outgoing.text("<b>Siaran</b> &amp; info"), "Siaran & info"),
    (Outgoing("sendPhoto", {"photo": "p1", "caption": "<i>Gratis</i>"}), "[foto] Gratis"),
    (Outgoing("sendDocument", {"document": "d1", "caption": "Jadwal"}), "[file: d1] Jadwal"),
    (Outgoing("sendVenue", VENUE), "[peta: -6.2, 106.8] BBPVP Bekasi Jl. Guntur"),
    (Outgoing("sendLocation", {"latitude": -3.7, "longitude": 128.2}), "[peta: -3.7, 128.2]"),
    (Outgoing("copyMessage", {"from_chat_id": 77, "message_id": 5}), "[salinan pesan]"),
    (Outgoing("editMessageText", {"message_id": 3, "text": "Terkirim 1"}), "Terkirim 1"),
    (Outgoing("editMessageReplyMarkup", {"message_id": 3}), ""),
    (Outgoing("deleteMessage", {"message_id": 3}), ""),
    (Outgoing("answerCallbackQuery", {"callback_query_id": "1", "text": "Oke"}), "[!] Oke"),
]


def test_every_method_the_sender_knows_is_covered() -> None:
    assert {outgoing.method for outgoing, _ in SENDER_CALLS} == set(METHODS)


@pytest.mark.parametrize(
    ("outgoing", "shown"), SENDER_CALLS, ids=[o.method for o, _ in SENDER_CALLS]
)
async def test_a_sender_call_is_shown_and_answered_as_telegram_would(
    console: Console, outgoing: Outgoing, shown: str
) -> None:
    await console.receive(outgoing)  # the result validates as the Bot API's
    assert console.out.getvalue().strip() == shown


async def test_a_number_presses_the_last_keyboard_even_after_a_broadcast(
    console: Console,
) -> None:
    menu = await console.receive(Outgoing.text("Lanjut?", MENU))
    await console.receive(Outgoing("sendPhoto", {"photo": "photo-1", "caption": "Siaran"}))
    update = console.chat.to_update("1")
    assert update is not None
    callback = update["callback_query"]
    assert callback["data"] == "demo:yes"
    assert callback["message"]["message_id"] == menu.message_id  # type: ignore[attr-defined]


async def test_an_edit_without_buttons_takes_them_away(console: Console) -> None:
    menu = await console.receive(Outgoing.text("Lanjut?", MENU))
    message_id = menu.message_id  # type: ignore[attr-defined]
    await console.receive(Outgoing("editMessageReplyMarkup", {"message_id": message_id + 1}))
    assert "callback_query" in (console.chat.to_update("1") or {})  # another message's edit
    await console.receive(Outgoing("editMessageReplyMarkup", {"message_id": message_id}))
    update = console.chat.to_update("1")
    assert update is not None and update["message"]["text"] == "1"
