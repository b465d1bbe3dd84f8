"""The console's Telegram app: every Bot API call the bot makes, as the person would see it.

Answers to updates and everything the outbox sender delivers (broadcasts, reminders,
ticket answers, waitlist promotions) come through here alike. Each call gets what the
Bot API would return, with real message ids, so later edits and button presses refer to
the right message.
"""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import count
from typing import Any, TextIO

from bot.runtime.console_text import plain

Button = dict[str, Any]

BOT_USER = {"id": 1000000, "is_bot": True, "first_name": "BLK Bot", "username": "blk_bot"}
# Calls whose result is the Message sent or edited.
MESSAGE_METHODS = frozenset(
    {"sendMessage", "sendPhoto", "sendDocument", "sendVenue", "sendLocation", "editMessageText"}
)
MEDIA_LABELS = {"sendPhoto": "foto", "sendDocument": "file", "copyMessage": "salinan pesan"}


class ConsoleScreen:
    """Prints calls and remembers the buttons shown last, for the person to press."""

    def __init__(self, out: TextIO, user_id: int) -> None:
        self.out = out
        self.user_id = user_id
        self.buttons: list[Button] = []
        # The message the inline buttons are under: a press is a callback on it.
        self.keyboard_message: dict[str, Any] | None = None
        self._ids = count(1)

    def next_message_id(self) -> int:
        """Ids are shared by the bot's messages and the person's, as in one Telegram chat."""
        return next(self._ids)

    def show(self, name: str, params: dict[str, Any]) -> Any:
        """Print one call; returns its result as the Bot API's JSON.

        `params` are as sent over HTTP (`method_params`): numbers are strings there.
        """
        if name == "getMe":
            return BOT_USER
        if name == "answerCallbackQuery":
            if params.get("text"):
                self.print(f"[!] {params['text']}")
            return True
        if name == "editMessageReplyMarkup":
            self._edited(params)
            return True
        if name == "copyMessage":  # its result is only the new message's id
            return {"message_id": self._message(name, params)["message_id"]}
        if name in MESSAGE_METHODS:
            return self._message(name, params)
        return True  # setMyCommands, deleteWebhook, deleteMessage, ...

    def print(self, line: str) -> None:
        print(line, file=self.out, flush=True)

    def _edited(self, params: dict[str, Any]) -> None:
        """An edit without buttons takes them off the message, as in Telegram."""
        shown = self.keyboard_message
        ours = shown is not None and str(shown["message_id"]) == params.get("message_id")
        if ours and not params.get("reply_markup"):
            self.buttons, self.keyboard_message = [], None

    def _message(self, name: str, params: dict[str, Any]) -> dict[str, Any]:
        text = _as_text(name, params)
        self.print(text)
        message_id = self.next_message_id()
        if name == "editMessageText":
            message_id = int(params.get("message_id") or message_id)
            self._edited(params)
        message = {
            "message_id": message_id,
            "date": int(datetime.now(UTC).timestamp()),
            "chat": {"id": self.user_id, "type": "private"},
            "text": text or "-",
        }
        self._show_keyboard(params.get("reply_markup"), message)
        return message

    def _show_keyboard(self, markup: dict[str, Any] | None, message: dict[str, Any]) -> None:
        if not markup:
            return
        if markup.get("remove_keyboard"):
            self.buttons = []
            return
        rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
        self.buttons = [button for row in rows for button in row]
        if "inline_keyboard" in markup:
            self.keyboard_message = message | {"reply_markup": markup}
        for number, button in enumerate(self.buttons, start=1):
            self.print(f"  [{number}] {button['text']}")


def _as_text(name: str, params: dict[str, Any]) -> str:
    """A message as one line: a label for a file, photo or map, then its text or caption."""
    text = plain(params.get("text") or params.get("caption") or "")
    if name in {"sendLocation", "sendVenue"}:
        place = f"{params.get('title', '')} {params.get('address', '')}".strip()
        return f"[peta: {params['latitude']}, {params['longitude']}] {place}"
    if name not in MEDIA_LABELS:
        return text
    label = MEDIA_LABELS[name]
    if name == "sendDocument":
        label = f"{label}: {params.get('document', 'dokumen')}"
    return f"[{label}] {text}".rstrip()
