"""`blk-bot console`: the bot exactly as `blk-bot run` serves it, with this terminal as Telegram.

`serve` runs unchanged: the lossless poller (each update in one transaction, its answers
held in the outbox and sent after the commit), the outbox sender and the periodic jobs.
Only the Bot's session differs: getUpdates returns what the person types
(`console_chat`), and every other call, whoever makes it, is printed (`console_screen`).
`:keluar` or the end of the input stops it as SIGTERM stops `run`: sends in flight finish,
and what is still queued stays in the database for the next start.
"""

from __future__ import annotations

import asyncio
import json
import sys
import threading
from collections.abc import AsyncGenerator
from contextlib import suppress
from typing import Any, TextIO

from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.methods import GetUpdates, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import InputFile

from bot.delivery.deferred_replies import method_params
from bot.runtime.app import create_app
from bot.runtime.config import Settings
from bot.runtime.console_chat import ConsoleChat
from bot.runtime.console_screen import ConsoleScreen
from bot.runtime.demo import load_demo_batches
from bot.runtime.dispatcher import bot_on, build_dispatcher
from bot.runtime.runner import prepare, serve

CONSOLE_TOKEN = "1000000:console-mode-no-telegram-token"
CONSOLE_FLOOD_LIMIT = 1_000_000
QUIT = ":keluar"


class TypedLines:
    """Lines from `stream`, read by a daemon thread so quitting never waits for an Enter."""

    def __init__(self, stream: TextIO) -> None:
        self._lines: asyncio.Queue[str | None] = asyncio.Queue()
        loop = asyncio.get_running_loop()

        def put(line: str | None) -> None:
            with suppress(RuntimeError):  # the console has ended and its loop is closed
                loop.call_soon_threadsafe(self._lines.put_nowait, line)

        def read() -> None:
            for line in iter(stream.readline, ""):
                put(line)
            put(None)

        threading.Thread(target=read, name="console-input", daemon=True).start()

    async def next(self) -> str | None:
        """The next line; None at the end of the input."""
        return await self._lines.get()


class ConsoleSession(BaseSession):
    """The Bot API as this terminal plays it."""

    def __init__(
        self,
        screen: ConsoleScreen,
        chat: ConsoleChat,
        lines: TypedLines,
        stop: asyncio.Event,
        *,
        echo: bool,
    ) -> None:
        super().__init__()
        self.screen, self.chat, self.lines, self.stop = screen, chat, lines, stop
        self.echo = echo  # piped input: show each line as it is sent

    async def close(self) -> None:
        """Nothing to close: no network."""

    async def stream_content(self, *args: Any, **kwargs: Any) -> AsyncGenerator[bytes, None]:
        yield b""

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,  # noqa: ASYNC109 (aiogram's signature)
    ) -> TelegramType:
        if isinstance(method, GetUpdates):
            result: Any = await self._typed_updates(method.timeout or 0)
        else:
            files: dict[str, Any] = {}
            params = _name_uploads(method_params(bot, method, files), files)
            result = self.screen.show(method.__api_method__, params)
        response = self.check_response(bot, method, 200, json.dumps({"ok": True, "result": result}))
        return response.result  # type: ignore[return-value]

    async def _typed_updates(self, wait: float) -> list[dict[str, Any]]:
        """One update per call, so a button number means the buttons the answers to the
        previous update showed (the poller asks again only once those were sent)."""
        while not self.stop.is_set():
            try:
                async with asyncio.timeout(wait):
                    line = await self.lines.next()
            except TimeoutError:
                return []
            if line is None or line.strip() == QUIT:
                self.stop.set()
                break
            try:
                update = self.chat.to_update(line)
            except ValueError:
                self.screen.print("(format: :lokasi -6.2 106.8)")
                continue
            if update is not None:
                if self.echo:
                    self.screen.print(f"> {line.strip()}")
                return [update]
        return []


def _name_uploads(params: dict[str, Any], files: dict[str, InputFile]) -> dict[str, Any]:
    """Uploaded files (/datasaya, a broadcast's failures) shown by their file name."""
    for key, value in params.items():
        if isinstance(value, str) and value.startswith("attach://"):
            upload = files[value.removeprefix("attach://")]
            params[key] = upload.filename or key
    return params


async def run_console(settings: Settings, user_id: int, language: str) -> None:
    """Serve the person at this terminal until `:keluar` or the end of the input."""
    # One person at a keyboard, or a script piped in at full speed: no flood to limit.
    app = create_app(settings.model_copy(update={"flood_max_updates": CONSOLE_FLOOD_LIMIT}))
    screen = ConsoleScreen(sys.stdout, user_id)
    stop = asyncio.Event()
    chat = ConsoleChat(screen, user_id, language)
    session = ConsoleSession(screen, chat, TypedLines(sys.stdin), stop, echo=not sys.stdin.isatty())
    try:
        await prepare(app)
        await load_demo_batches(app.services.batch_importer, app.services.enrollment.today())
        screen.print(f"BLK bot console. Ketik /start. Keluar: {QUIT}")
        await serve(app, bot_on(session, CONSOLE_TOKEN), build_dispatcher(app), stop)
    finally:
        await app.close()
