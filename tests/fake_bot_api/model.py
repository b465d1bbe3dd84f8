"""Plain data shared by the fake's modules: uploaded files, violations and recorded calls."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

# Methods whose call is "the bot answering the user" — what ``FakeBotAPI.reply`` waits for.
REPLY_METHODS: frozenset[str] = frozenset(
    {"sendMessage", "editMessageText", "sendLocation", "sendVenue", "sendDocument", "sendPhoto"}
)


@dataclass(frozen=True)
class UploadedFile:
    """A multipart file part; stands in for an ``InputFile`` value in decoded params."""

    name: str
    filename: str
    content: bytes
    content_type: str = "application/octet-stream"

    def __repr__(self) -> str:  # keep dumps short: never print the bytes
        return f"UploadedFile({self.filename!r}, {len(self.content)} bytes)"


@dataclass(frozen=True)
class Violation:
    """One way a call breaks the Bot API contract, plus the error Telegram would answer."""

    method: str
    path: str
    message: str
    error: str = ""
    status: int = 400

    @property
    def description(self) -> str:
        """The ``description`` of the error envelope sent back to the bot."""
        return self.error or f"Bad Request: {self.message}"

    def __str__(self) -> str:
        where = f"{self.method}.{self.path}" if self.path else self.method
        return f"{where}: {self.message}"


@dataclass
class ApiCall:
    """A request the bot made, decoded, with the response the fake returned."""

    seq: int
    method: str
    params: dict[str, Any]
    chat_id: int | None
    response: dict[str, Any]
    status: int = 200
    violations: list[Violation] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.response.get("ok"))

    @property
    def result(self) -> Any:
        return self.response.get("result")

    @property
    def files(self) -> dict[str, UploadedFile]:
        """Uploaded files by field name, e.g. ``call.files["document"].content``."""
        return {k: v for k, v in self.params.items() if isinstance(v, UploadedFile)}

    @property
    def text(self) -> str | None:
        """Text as the bot sent it (``text``, else ``caption``), markup included."""
        value = self.params.get("text", self.params.get("caption"))
        return value if isinstance(value, str) else None

    @property
    def reply_markup(self) -> dict[str, Any] | None:
        markup = self.params.get("reply_markup")
        return markup if isinstance(markup, dict) else None

    @property
    def keyboard_kind(self) -> str | None:
        """``'inline'``, ``'reply'``, ``'remove'``, ``'force_reply'`` or None (no markup)."""
        markup = self.reply_markup or {}
        if "inline_keyboard" in markup:
            return "inline"
        if "keyboard" in markup:
            return "reply"
        if markup.get("remove_keyboard"):
            return "remove"
        if markup.get("force_reply"):
            return "force_reply"
        return None

    @property
    def buttons(self) -> list[tuple[str, str | None]]:
        """Flat ``(text, callback_data or None)`` list of the inline or reply keyboard."""
        markup = self.reply_markup or {}
        rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
        flat: list[tuple[str, str | None]] = []
        for row in rows if isinstance(rows, list) else []:
            for button in row if isinstance(row, list) else []:
                if isinstance(button, str):
                    flat.append((button, None))
                elif isinstance(button, dict):
                    flat.append((str(button.get("text", "")), button.get("callback_data")))
        return flat

    def button_data(self, text_substring: str) -> str:
        """callback_data of the first inline button whose text contains ``text_substring``."""
        for text, data in self.buttons:
            if text_substring in text and data is not None:
                return data
        raise AssertionError(
            f"no inline button containing {text_substring!r} with callback_data in call "
            f"#{self.seq} {self.method}; buttons: {self.buttons!r}"
        )

    def describe(self, width: int = 160) -> str:
        """One line for failure dumps."""
        shown = {k: v for k, v in self.params.items() if k not in {"chat_id", "reply_markup"}}
        body = json.dumps(shown, ensure_ascii=False, default=repr)
        if self.buttons:
            body += f" buttons={self.buttons!r}"
        elif self.keyboard_kind:
            body += f" keyboard={self.keyboard_kind}"
        if len(body) > width:
            body = body[: width - 1] + "…"
        status = "ok" if self.ok else f"{self.status} {self.response.get('description', '')}"
        return f"#{self.seq} {self.method} chat={self.chat_id} [{status}] {body}"
