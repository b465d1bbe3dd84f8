"""Test-side helpers that push realistic updates (what a user does) into the fake's queue."""

from __future__ import annotations

import re
from types import EllipsisType
from typing import Any

from .html_check import utf16_len
from .state import FakeState

_COMMAND_RE = re.compile(r"/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,64})?")
# Small but real magic numbers, so code that sniffs the bytes is not surprised.
FAKE_JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00fake-jpeg\xff\xd9"
FAKE_OGG = b"OggS\x00fake-voice"
FAKE_WEBP = b"RIFF\x10\x00\x00\x00WEBPfake-sticker"


def make_user(
    user_id: int, *, first_name: str = "Budi", language_code: str | None = "id", **extra: Any
) -> dict[str, Any]:
    """A human User object."""
    user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
    if language_code:
        user["language_code"] = language_code
    return user | extra


def private_chat(user: dict[str, Any]) -> dict[str, Any]:
    chat = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
    chat.update({k: user[k] for k in ("last_name", "username") if k in user})
    return chat


def command_entities(text: str) -> list[dict[str, Any]]:
    """The ``bot_command`` entity Telegram adds for a leading ``/command[@bot]``."""
    match = _COMMAND_RE.match(text)
    if match is None:
        return []
    return [{"type": "bot_command", "offset": 0, "length": utf16_len(match.group())}]


def text_content(text: str) -> dict[str, Any]:
    content: dict[str, Any] = {"text": text}
    if entities := command_entities(text):
        content["entities"] = entities
    return content


class UpdateBuilders(FakeState):
    """``fake.message(...)``, ``fake.callback(...)`` & co.; each returns the update_id."""

    def _user(self, user_id: int, first_name: str | None, language_code: str | None) -> dict:
        known = self.users.get(user_id, {})
        user = make_user(
            user_id,
            first_name=first_name or known.get("first_name", "Budi"),
            language_code=language_code
            if language_code is not None
            else known.get("language_code", "id"),
        )
        self.users[user_id] = user
        return user

    def _push_message(
        self,
        chat: dict[str, Any],
        sender: dict[str, Any] | None,
        content: dict[str, Any],
        kind: str = "message",
    ) -> int:
        message: dict[str, Any] = {
            "message_id": self.new_message_id(),
            "date": self.now(),
            "chat": chat,
        }
        if sender is not None:
            message["from"] = sender
        message.update(content)
        self.chats.setdefault(chat["id"], chat)
        self.store_message(message)
        return self.push_update({kind: message})

    def _private(
        self,
        user_id: int,
        content: dict[str, Any],
        *,
        first_name: str | None = None,
        language_code: str | None = None,
    ) -> int:
        user = self._user(user_id, first_name, language_code)
        return self._push_message(private_chat(user), user, content)

    def message(
        self,
        user_id: int,
        text: str,
        *,
        language_code: str = "id",
        first_name: str = "Budi",
        **extra: Any,
    ) -> int:
        """A private-chat text message (chat id = user id); ``extra`` goes into the Message."""
        return self._private(
            user_id,
            text_content(text) | extra,
            first_name=first_name,
            language_code=language_code,
        )

    def callback(
        self,
        user_id: int,
        data: str,
        message_id: int | None = None,
        *,
        chat_id: int | None = None,
    ) -> int:
        """A button press on ``message_id`` (default: the bot's last message in the chat)."""
        user = self._user(user_id, None, None)
        chat_id = user_id if chat_id is None else chat_id
        query_id = str(4_000_000_000_000_000_000 + self.new_update_id())
        query: dict[str, Any] = {
            "id": query_id,
            "from": user,
            "chat_instance": str(abs(hash((self.bot_id, chat_id)))),
            "data": data,
        }
        message_id = self.last_bot_message.get(chat_id) if message_id is None else message_id
        if message_id is not None:
            stored = self.messages.get((chat_id, message_id))
            # Unknown messages arrive as InaccessibleMessage (date 0), like really old ones.
            query["message"] = (
                dict(stored)
                if stored is not None
                else {"chat": self.chat(chat_id), "message_id": message_id, "date": 0}
            )
        self.callback_queries[query_id] = chat_id
        return self.push_update({"callback_query": query})

    def contact(
        self,
        user_id: int,
        phone_number: str,
        contact_user_id: int | EllipsisType | None = ...,
        first_name: str = "Budi",
    ) -> int:
        """A shared contact; by default the user's own (``user_id`` set, as the button does)."""
        contact: dict[str, Any] = {"phone_number": phone_number, "first_name": first_name}
        owner = user_id if contact_user_id is ... else contact_user_id
        if owner is not None:
            contact["user_id"] = owner
        return self._private(user_id, {"contact": contact})

    def location(self, user_id: int, latitude: float, longitude: float) -> int:
        return self._private(user_id, {"location": {"latitude": latitude, "longitude": longitude}})

    def sticker(self, user_id: int) -> int:
        file_id = self.new_file_id("sticker")
        doc = self.add_file(file_id, FAKE_WEBP, "sticker.webp", "image/webp")
        sticker = {
            "file_id": file_id,
            "file_unique_id": doc["file_unique_id"],
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": "👍",
        }
        return self._private(user_id, {"sticker": sticker})

    def photo(self, user_id: int, caption: str | None = None) -> int:
        sizes = []
        for width in (90, 800):
            file_id = self.new_file_id("photo")
            doc = self.add_file(file_id, FAKE_JPEG, f"photo_{width}.jpg", "image/jpeg")
            sizes.append(
                {
                    "file_id": file_id,
                    "file_unique_id": doc["file_unique_id"],
                    "width": width,
                    "height": width * 3 // 4,
                    "file_size": len(FAKE_JPEG),
                }
            )
        content: dict[str, Any] = {"photo": sizes}
        if caption is not None:
            content["caption"] = caption
        return self._private(user_id, content)

    def voice(self, user_id: int, duration: int = 3) -> int:
        file_id = self.new_file_id("voice")
        doc = self.add_file(file_id, FAKE_OGG, "voice.ogg", "audio/ogg")
        voice = {
            "file_id": file_id,
            "file_unique_id": doc["file_unique_id"],
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": len(FAKE_OGG),
        }
        return self._private(user_id, {"voice": voice})

    def document(
        self,
        user_id: int,
        content: bytes,
        file_name: str,
        mime_type: str = "text/csv",
        caption: str | None = None,
    ) -> int:
        """A document upload; the bytes are served by getFile + the file download URL."""
        document = self.add_file(self.new_file_id("document"), content, file_name, mime_type)
        message: dict[str, Any] = {"document": document}
        if caption is not None:
            message["caption"] = caption
        return self._private(user_id, message)

    def edited_message(self, user_id: int, text: str, message_id: int | None = None) -> int:
        """The user edits ``message_id`` (default: their last message) to ``text``."""
        user = self._user(user_id, None, None)
        if message_id is None:
            message_id = self.last_user_message.get(user_id) or self.new_message_id()
        original = self.messages.get((user_id, message_id), {})
        message = {
            "message_id": message_id,
            "date": original.get("date", self.now()),
            "edit_date": self.now(),
            "chat": private_chat(user),
            "from": user,
            **text_content(text),
        }
        self.messages[(user_id, message_id)] = message
        return self.push_update({"edited_message": message})

    def group_message(
        self, chat_id: int, user_id: int, text: str, title: str = "Test Group"
    ) -> int:
        """A text message by ``user_id`` in group ``chat_id`` (supergroup if -100...)."""
        user = self._user(user_id, None, None)
        kind = "supergroup" if chat_id <= -1_000_000_000_000 else "group"
        chat = self.chats.get(chat_id) or {"id": chat_id, "type": kind, "title": title}
        return self._push_message(chat, user, text_content(text))

    def channel_post(self, chat_id: int, text: str, title: str = "Test Channel") -> int:
        chat = self.chats.get(chat_id) or {"id": chat_id, "type": "channel", "title": title}
        return self._push_message(chat, None, {"text": text, "sender_chat": chat}, "channel_post")
