"""The baseline of bench/update_path.py: a bare aiogram bot that answers every message with
one sendMessage (its text back) and every button press with one answerCallbackQuery, with
aiogram's own polling and nothing else (no database, no state, no middleware), so the
bench can say what the real bot's update path costs beyond aiogram itself.

    BOT_TOKEN=… TELEGRAM_API_URL=http://127.0.0.1:PORT python bench/echo_bot.py
"""

from __future__ import annotations

import asyncio
import os

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import CallbackQuery, Message

dispatcher = Dispatcher()


@dispatcher.message()
async def echo(message: Message) -> None:
    await message.answer(message.text or "?")


@dispatcher.callback_query()
async def press(query: CallbackQuery) -> None:
    await query.answer()


async def main() -> None:
    api = TelegramAPIServer.from_base(os.environ["TELEGRAM_API_URL"])
    bot = Bot(os.environ["BOT_TOKEN"], session=AiohttpSession(api=api))
    await dispatcher.start_polling(bot)  # stops cleanly on SIGTERM


if __name__ == "__main__":
    asyncio.run(main())
