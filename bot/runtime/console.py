"""`blk-bot console`: chat with the real dispatcher in a terminal, without Telegram.

The bot's outgoing calls are printed (keyboards as numbered buttons) instead of sent;
what the person types becomes updates: text, a button number, or `:kontak 0812...`,
`:kontak-lain 0812...`, `:lokasi -6.2 106.8`, `:stiker`, `:foto`, `:keluar`.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import AsyncGenerator, Callable
from datetime import UTC, datetime
from itertools import count
from typing import Any, TextIO

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.base import BaseSession
from aiogram.enums import ParseMode
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import Update

from bot.delivery.deferred_replies import method_params
from bot.runtime.app import create_app
from bot.runtime.config import Settings
from bot.runtime.console_text import plain
from bot.runtime.demo import load_demo_batches
from bot.runtime.dispatcher import build_dispatcher
from bot.runtime.runner import prepare

CONSOLE_TOKEN = "1000000:console-mode-no-telegram-token"
CONSOLE_FLOOD_LIMIT = 1_000_000

Button = dict[str, Any]


class ConsoleSession(BaseSession):
    """Prints what the bot would send and answers like the Bot API would."""

    def __init__(self, out: TextIO, user_id: int) -> None:
        super().__init__()
        self.out = out
        self.user_id = user_id
        self.buttons: list[Button] = []
        self.last_message: dict[str, Any] | None = None
        self._ids = count(1)

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
        files: dict[str, Any] = {}
        params = method_params(bot, method, files)
        for upload in files.values():
            params["document"] = upload.filename
        result = self._show(method.__api_method__, params)
        response = self.check_response(bot, method, 200, json.dumps({"ok": True, "result": result}))
        return response.result  # type: ignore[return-value]

    def _show(self, name: str, params: dict[str, Any]) -> Any:
        if name == "getMe":
            return {"id": 1000000, "is_bot": True, "first_name": "BLK Bot", "username": "blk_bot"}
        if name == "answerCallbackQuery":
            if params.get("text"):
                self._print(f"[!] {params['text']}")
            return True
        if name == "editMessageReplyMarkup":
            if not params.get("reply_markup"):
                self.buttons = []
            return True
        if name in {"sendMessage", "sendDocument", "sendLocation", "sendVenue", "editMessageText"}:
            return self._message(name, params)
        return True

    def _message(self, name: str, params: dict[str, Any]) -> dict[str, Any]:
        text = params.get("text") or params.get("caption") or ""
        if name == "sendDocument":
            text = f"[file: {params.get('document', 'dokumen')}] {text}"
        if name in {"sendLocation", "sendVenue"}:
            text = f"[peta: {params['latitude']}, {params['longitude']}] {params.get('title', '')}"
        self._print(plain(text))
        self._show_keyboard(params.get("reply_markup"))
        message = {
            "message_id": next(self._ids),
            "date": int(datetime.now(UTC).timestamp()),
            "chat": {"id": self.user_id, "type": "private"},
            "text": text or "-",
        }
        if (markup := params.get("reply_markup")) and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        self.last_message = message
        return message

    def _show_keyboard(self, markup: dict[str, Any] | None) -> None:
        if not markup:
            return
        if markup.get("remove_keyboard"):
            self.buttons = []
            return
        rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
        self.buttons = [button for row in rows for button in row]
        for number, button in enumerate(self.buttons, start=1):
            self._print(f"  [{number}] {button['text']}")

    def _print(self, line: str) -> None:
        print(line, file=self.out, flush=True)


class ConsoleChat:
    """Turns typed lines into the updates a Telegram client would send."""

    def __init__(self, session: ConsoleSession, user_id: int, language: str) -> None:
        self.session = session
        self.user = {"id": user_id, "is_bot": False, "first_name": "Pengguna"}
        self.user["language_code"] = language
        self._update_ids = count(1)

    def _message(self, **content: Any) -> dict[str, Any]:
        return {
            "message_id": next(self.session._ids),
            "date": int(datetime.now(UTC).timestamp()),
            "chat": {"id": self.user["id"], "type": "private"},
            "from": self.user,
            **content,
        }

    def to_update(self, line: str) -> dict[str, Any] | None:
        """The update for one typed line; None for an empty line."""
        line = line.strip()
        if not line:
            return None
        update: dict[str, Any] = {"update_id": next(self._update_ids)}
        if line.isdigit() and 1 <= int(line) <= len(self.session.buttons):
            return update | self._press(self.session.buttons[int(line) - 1])
        command, _, rest = line.partition(" ")
        special: dict[str, Callable[[], dict[str, Any]]] = {
            ":kontak": lambda: self._contact(rest, own=True),
            ":kontak-lain": lambda: self._contact(rest, own=False),
            ":lokasi": lambda: self._location(rest),
            ":stiker": lambda: {"message": self._message(sticker=_STICKER)},
            ":foto": lambda: {"message": self._message(photo=[_PHOTO])},
        }
        if command in special:
            return update | special[command]()
        entities = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        extra = {"entities": entities} if line.startswith("/") else {}
        return update | {"message": self._message(text=line, **extra)}

    def _press(self, button: Button) -> dict[str, Any]:
        if "callback_data" in button:
            callback = {
                "id": str(next(self._update_ids)),
                "from": self.user,
                "chat_instance": "console",
                "data": button["callback_data"],
                "message": self.session.last_message,
            }
            return {"callback_query": callback}
        if button.get("request_contact"):
            return self._contact(input("nomor telepon kontak Anda: "), own=True)
        return {"message": self._message(text=button["text"])}

    def _contact(self, phone: str, own: bool) -> dict[str, Any]:
        contact = {"phone_number": phone.strip() or "-", "first_name": "Kontak"}
        contact["user_id"] = self.user["id"] if own else self.user["id"] + 1
        return {"message": self._message(contact=contact)}

    def _location(self, text: str) -> dict[str, Any]:
        lat, _, lon = text.replace(",", " ").partition(" ")
        location = {"latitude": float(lat), "longitude": float(lon.strip())}
        return {"message": self._message(location=location)}


_STICKER = {
    "file_id": "console-sticker", "file_unique_id": "s1", "type": "regular",
    "width": 512, "height": 512, "is_animated": False, "is_video": False,
}  # fmt: skip
_PHOTO = {"file_id": "console-photo", "file_unique_id": "p1", "width": 90, "height": 90}


async def _read_line() -> str | None:
    line = await asyncio.to_thread(sys.stdin.readline)
    return line if line else None


async def run_console(settings: Settings, user_id: int, language: str) -> None:
    # One person at a keyboard, or a script piped in at full speed: no flood to limit.
    app = create_app(settings.model_copy(update={"flood_max_updates": CONSOLE_FLOOD_LIMIT}))
    session = ConsoleSession(sys.stdout, user_id)
    bot = Bot(
        token=CONSOLE_TOKEN,
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )
    try:
        await prepare(app)
        await load_demo_batches(app.services.batch_importer, app.services.enrollment.today())
        dp = build_dispatcher(app)
        chat = ConsoleChat(session, user_id, language)
        print("BLK bot console. Ketik /start. Keluar: :keluar", flush=True)
        while (line := await _read_line()) is not None and line.strip() != ":keluar":
            try:
                raw = chat.to_update(line)
            except ValueError:
                print("(format: :lokasi -6.2 106.8)", flush=True)
                continue
            if raw is not None:
                if not sys.stdin.isatty():
                    print(f"> {line.strip()}", flush=True)  # piped input: show what was sent
                await dp.feed_update(bot, Update.model_validate(raw, context={"bot": bot}))
    finally:
        await app.close()
