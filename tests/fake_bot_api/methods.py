"""Bot-side behaviour: what each Bot API method returns, realistic enough for aiogram to parse.

Params arrive already validated and decoded (see :mod:`.schema`).  Besides success results,
methods raise :class:`ApiError` where Telegram answers with an error for a *valid* call
(message to edit not found, message is not modified, query ID is invalid, ...): those are
behaviour the bot must cope with, not schema violations, so they do not fail the test.
"""

from __future__ import annotations

import contextlib
import mimetypes
from collections.abc import Awaitable, Callable, Mapping
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlparse

from .html_check import HtmlParseError, parse_html
from .model import UploadedFile
from .state import FakeState

Params = Mapping[str, Any]
CONTENT_KEYS = (
    "text", "entities", "caption", "caption_entities", "document", "photo", "location",
    "venue", "contact", "sticker", "voice",
)  # fmt: skip
CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)


class ApiError(Exception):
    """A Telegram error envelope: ``{"ok": false, "error_code", "description"[, parameters]}``."""

    def __init__(self, error_code: int, description: str, retry_after: int | None = None):
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.retry_after = retry_after

    def envelope(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def formatted(text: str, parse_mode: Any, entities: Any) -> tuple[str, list[dict[str, Any]]]:
    """Plain text + entities as Telegram stores them (HTML parsed; Markdown left as sent)."""
    if isinstance(parse_mode, str) and parse_mode.lower() == "html":
        with contextlib.suppress(HtmlParseError):  # validation already reported it
            parsed = parse_html(text)
            return parsed.text, parsed.entities
    return text, list(entities) if isinstance(entities, list) else []


def _inline_markup(params: Params) -> dict[str, Any] | None:
    """Telegram echoes inline keyboards only; reply keyboards live on the client."""
    markup = params.get("reply_markup")
    if isinstance(markup, dict) and "inline_keyboard" in markup:
        return markup
    return None


class BotMethods(FakeState):
    """One coroutine per supported Bot API method, looked up by :meth:`handler`."""

    def handler(self, method: str) -> Callable[[Params], Awaitable[Any]] | None:
        name = "m_" + method
        return getattr(self, name, None)

    # -- helpers -------------------------------------------------------------------

    def _target_chat(self, params: Params, key: str = "chat_id") -> dict[str, Any]:
        return self.chat(params[key])

    def _bot_message(self, params: Params, content: dict[str, Any]) -> dict[str, Any]:
        chat = self._target_chat(params)
        message: dict[str, Any] = {
            "message_id": self.new_message_id(),
            "from": self.bot_user,
            "chat": chat,
            "date": self.now(),
        }
        reply = params.get("reply_parameters")
        if isinstance(reply, dict):
            replied = self.messages.get((chat["id"], reply.get("message_id", 0)))
            if replied is not None:
                message["reply_to_message"] = {
                    k: v for k, v in replied.items() if k != "reply_to_message"
                }
        message.update({k: v for k, v in content.items() if v not in (None, [])})
        if markup := _inline_markup(params):
            message["reply_markup"] = markup
        return self.store_message(message)

    def _caption(self, params: Params) -> dict[str, Any]:
        if "caption" not in params:
            return {}
        text, entities = formatted(
            params["caption"], params.get("parse_mode"), params.get("caption_entities")
        )
        return {"caption": text, "caption_entities": entities}

    def _existing(self, params: Params, chat_key: str, error: str) -> dict[str, Any]:
        chat_id = self.chat(params[chat_key])["id"]
        message = self.messages.get((chat_id, params["message_id"]))
        if message is None:
            raise ApiError(400, f"Bad Request: {error}")
        return message

    def _input_file(self, value: Any, kind: str, file_name: str, mime: str) -> dict[str, Any]:
        """Document-like dict for an uploaded part, a known file_id or an HTTP URL."""
        if isinstance(value, UploadedFile):
            name = value.filename or file_name
            mime = value.content_type
            if mime == "application/octet-stream":  # aiogram never sets one; Telegram sniffs
                mime = mimetypes.guess_type(name)[0] or mime
            return self.add_file(self.new_file_id(kind), value.content, name, mime)
        if value in self.files:
            return self.files[value].document()
        if isinstance(value, str) and urlparse(value).scheme in {"http", "https"}:
            name = PurePosixPath(urlparse(value).path).name or file_name
            return self.add_file(self.new_file_id(kind), b"", name, mime)
        raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")

    # -- updates & bot --------------------------------------------------------------

    async def m_getMe(self, params: Params) -> dict[str, Any]:
        return self.bot_user | {
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def m_getUpdates(self, params: Params) -> list[dict[str, Any]]:
        if self.polling:
            raise ApiError(409, CONFLICT)
        self.polling = True
        self.polls += 1
        self.changed.notify()
        try:
            if "allowed_updates" in params:
                self.allowed_updates = list(params["allowed_updates"]) or None
            if isinstance(params.get("offset"), int):
                self.confirm(params["offset"])
            limit = min(max(int(params.get("limit", 100)), 1), 100)
            timeout = max(int(params.get("timeout", 0)), 0)
            if timeout and not self.deliverable():
                with contextlib.suppress(TimeoutError):
                    await self.changed.wait_for(
                        lambda: self.closing or bool(self.deliverable()), timeout
                    )
            return [] if self.closing else self.deliverable()[:limit]
        finally:
            self.polling = False
            self.changed.notify()

    async def m_deleteWebhook(self, params: Params) -> bool:
        if params.get("drop_pending_updates"):
            self.pending_updates.clear()
        return True

    def _commands_key(self, params: Params) -> tuple[str, int | str | None, str]:
        scope = params.get("scope") or {"type": "default"}
        return scope["type"], scope.get("chat_id"), params.get("language_code") or ""

    async def m_setMyCommands(self, params: Params) -> bool:
        self.my_commands[self._commands_key(params)] = list(params["commands"])
        return True

    async def m_deleteMyCommands(self, params: Params) -> bool:
        self.my_commands.pop(self._commands_key(params), None)
        return True

    async def m_getChat(self, params: Params) -> dict[str, Any]:
        gifts = ("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription")
        return self._target_chat(params) | {
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": dict.fromkeys((*gifts, "gifts_from_channels"), False),
        }

    async def m_getFile(self, params: Params) -> dict[str, Any]:
        stored = self.files.get(params["file_id"])
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        return stored.file()

    # -- sending ----------------------------------------------------------------------

    async def m_sendMessage(self, params: Params) -> dict[str, Any]:
        text, entities = formatted(params["text"], params.get("parse_mode"), params.get("entities"))
        return self._bot_message(params, {"text": text, "entities": entities})

    async def m_sendLocation(self, params: Params) -> dict[str, Any]:
        location = {"latitude": params["latitude"], "longitude": params["longitude"]}
        return self._bot_message(params, {"location": location})

    async def m_sendVenue(self, params: Params) -> dict[str, Any]:
        location = {"latitude": params["latitude"], "longitude": params["longitude"]}
        venue = {"location": location, "title": params["title"], "address": params["address"]}
        return self._bot_message(params, {"location": location, "venue": venue})

    async def m_sendDocument(self, params: Params) -> dict[str, Any]:
        document = self._input_file(
            params["document"], "document", "document", "application/octet-stream"
        )
        return self._bot_message(params, {"document": document, **self._caption(params)})

    async def m_sendPhoto(self, params: Params) -> dict[str, Any]:
        doc = self._input_file(params["photo"], "photo", "photo.jpg", "image/jpeg")
        size = {
            "file_id": doc["file_id"],
            "file_unique_id": doc["file_unique_id"],
            "width": 800,
            "height": 600,
            "file_size": doc["file_size"],
        }
        return self._bot_message(params, {"photo": [size], **self._caption(params)})

    async def m_sendChatAction(self, params: Params) -> bool:
        return True

    async def m_copyMessage(self, params: Params) -> dict[str, Any]:
        source = self._existing(params, "from_chat_id", "message to copy not found")
        content = {k: source[k] for k in CONTENT_KEYS if k in source}
        if "caption" in params:
            content.update(self._caption(params))
        return {"message_id": self._bot_message(params, content)["message_id"]}

    async def m_forwardMessage(self, params: Params) -> dict[str, Any]:
        source = self._existing(params, "from_chat_id", "message to forward not found")
        content = {k: source[k] for k in CONTENT_KEYS if k in source}
        if "from" in source:
            origin = {"type": "user", "sender_user": source["from"], "date": source["date"]}
        else:
            origin = {
                "type": "channel",
                "chat": source["chat"],
                "message_id": source["message_id"],
                "date": source["date"],
            }
        return self._bot_message(params, {**content, "forward_origin": origin})

    # -- editing ----------------------------------------------------------------------

    def _editable(self, params: Params) -> dict[str, Any]:
        message = self._existing(params, "chat_id", "message to edit not found")
        if message.get("from", {}).get("id") != self.bot_id:
            raise ApiError(400, "Bad Request: message can't be edited")
        return message

    async def m_editMessageText(self, params: Params) -> dict[str, Any] | bool:
        if params.get("inline_message_id") is not None:
            return True
        message = self._editable(params)
        if "text" not in message:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        text, entities = formatted(
            params.get("text", ""), params.get("parse_mode"), params.get("entities")
        )
        markup = _inline_markup(params)
        if (text, entities, markup) == (
            message["text"],
            message.get("entities", []),
            message.get("reply_markup"),
        ):
            raise ApiError(400, NOT_MODIFIED)
        message.update(text=text, entities=entities, edit_date=self.now())
        self._set_markup(message, markup)
        return message

    async def m_editMessageReplyMarkup(self, params: Params) -> dict[str, Any] | bool:
        if params.get("inline_message_id") is not None:
            return True
        message = self._editable(params)
        markup = _inline_markup(params)
        if markup == message.get("reply_markup"):
            raise ApiError(400, NOT_MODIFIED)
        message["edit_date"] = self.now()
        self._set_markup(message, markup)
        return message

    @staticmethod
    def _set_markup(message: dict[str, Any], markup: dict[str, Any] | None) -> None:
        if markup is None:
            message.pop("reply_markup", None)
        else:
            message["reply_markup"] = markup

    async def m_deleteMessage(self, params: Params) -> bool:
        message = self._existing(params, "chat_id", "message to delete not found")
        del self.messages[(message["chat"]["id"], message["message_id"])]
        return True

    async def m_answerCallbackQuery(self, params: Params) -> bool:
        query_id = params["callback_query_id"]
        if query_id not in self.callback_queries or query_id in self.answered_callbacks:
            raise ApiError(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
            )
        self.answered_callbacks.add(query_id)
        return True
