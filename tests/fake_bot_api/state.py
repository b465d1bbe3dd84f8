"""The fake's world: chats, users, messages, files, the update queue — shared by the mixins."""

from __future__ import annotations

import asyncio
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, TypeVar

T = TypeVar("T")

DEFAULT_TOKEN = "123456789:TEST-token-abcdefghijklmnopqrstuvwxyz"
DEFAULT_BOT_USERNAME = "blk_test_bot"
# Telegram sends every update type except these when allowed_updates is empty/unset.
NOT_DEFAULT_UPDATES: frozenset[str] = frozenset(
    {"chat_member", "message_reaction", "message_reaction_count"}
)


class Signal:
    """Wakes every waiter whenever anything changes.

    An asyncio.Condition needs its lock held to notify, which sync helpers such as
    ``fake.message(...)`` cannot do; swapping in a fresh Event on each notify gives the same
    "re-check your predicate" semantics and can be called from plain functions.
    """

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait_for(self, predicate: Callable[[], T], seconds: float) -> T:
        """Return the first truthy ``predicate()``; TimeoutError after ``seconds``."""
        async with asyncio.timeout(seconds):
            while True:
                if result := predicate():
                    return result
                await self._event.wait()  # no await between the check and this: no lost wakeups


@dataclass
class StoredFile:
    """A file the bot can getFile/download: pushed by the test or uploaded by the bot."""

    file_id: str
    file_unique_id: str
    content: bytes
    file_name: str
    mime_type: str
    file_path: str

    def document(self) -> dict[str, Any]:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_name": self.file_name,
            "mime_type": self.mime_type,
            "file_size": len(self.content),
        }

    def file(self) -> dict[str, Any]:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.content),
            "file_path": self.file_path,
        }


class FakeState:
    """State shared by the update builders (test side) and the Bot API methods (bot side)."""

    def __init__(self, token: str, bot_username: str) -> None:
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.bot_username = bot_username
        self.changed = Signal()
        self.closing = False
        self.polling = False  # a getUpdates is being served right now
        self.polls = 0  # getUpdates served so far, counted as each begins
        self.pending_updates: list[dict[str, Any]] = []
        self.confirmed_offset = 0  # highest offset a getUpdates confirmed
        self.allowed_updates: list[str] | None = None
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.last_bot_message: dict[int, int] = {}
        self.last_user_message: dict[int, int] = {}
        self.users: dict[int, dict[str, Any]] = {}
        self.chats: dict[int, dict[str, Any]] = {}
        self.files: dict[str, StoredFile] = {}
        self.callback_queries: dict[str, int] = {}  # callback_query id -> chat id
        self.answered_callbacks: set[str] = set()
        self.my_commands: dict[tuple[str, int | str | None, str], list[dict[str, Any]]] = {}
        self._next_update_id = 1000
        self._next_message_id = 1
        self._next_file = 1

    # -- identities ----------------------------------------------------------------

    @property
    def bot_user(self) -> dict[str, Any]:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "BLK Test Bot",
            "username": self.bot_username,
        }

    @staticmethod
    def now() -> int:
        return int(time.time())

    def new_message_id(self) -> int:
        self._next_message_id += 1
        return self._next_message_id - 1

    def new_update_id(self) -> int:
        self._next_update_id += 1
        return self._next_update_id - 1

    def chat(self, chat_id: int | str) -> dict[str, Any]:
        """The chat object for ``chat_id``: known from updates, else a plausible one."""
        if isinstance(chat_id, str):  # "@username" of a channel/supergroup
            numeric = -1_000_000_000_000 - zlib.crc32(chat_id.encode()) % 10**9
            return self.chats.get(numeric) or {
                "id": numeric,
                "type": "channel",
                "title": chat_id.lstrip("@"),
                "username": chat_id.lstrip("@"),
            }
        if chat_id in self.chats:
            return dict(self.chats[chat_id])
        if chat_id > 0:
            user = self.users.get(chat_id, {})
            return {"id": chat_id, "type": "private", "first_name": user.get("first_name", "User")}
        kind = "supergroup" if chat_id <= -1_000_000_000_000 else "group"
        return {"id": chat_id, "type": kind, "title": "Test Group"}

    def store_message(self, message: dict[str, Any]) -> dict[str, Any]:
        chat_id = message["chat"]["id"]
        self.messages[(chat_id, message["message_id"])] = message
        sender = message.get("from") or {}
        if sender.get("id") == self.bot_id:
            self.last_bot_message[chat_id] = message["message_id"]
        else:
            self.last_user_message[chat_id] = message["message_id"]
        return message

    # -- files ----------------------------------------------------------------------

    def add_file(
        self,
        file_id: str,
        content: bytes,
        file_name: str,
        mime_type: str = "application/octet-stream",
    ) -> dict[str, Any]:
        """Register bytes for getFile + download; returns the Document object for updates."""
        folder = "documents"
        if mime_type.startswith("image/"):
            folder = "photos"
        elif mime_type.startswith("audio/"):
            folder = "voice"
        suffix = PurePosixPath(file_name).suffix
        stored = StoredFile(
            file_id=file_id,
            file_unique_id=f"U{zlib.crc32(file_id.encode()):08x}",
            content=content,
            file_name=file_name,
            mime_type=mime_type,
            file_path=f"{folder}/file_{len(self.files)}{suffix}",
        )
        self.files[file_id] = stored
        return stored.document()

    def new_file_id(self, kind: str) -> str:
        self._next_file += 1
        return f"{kind}-{self.bot_id}-{self._next_file - 1:06d}"

    def file_by_path(self, path: str) -> StoredFile | None:
        return next((f for f in self.files.values() if f.file_path == path), None)

    # -- update queue -----------------------------------------------------------------

    def push_update(self, update: dict[str, Any]) -> int:
        """Queue a raw Update (``update_id`` assigned if missing); returns the update_id."""
        update = dict(update)
        if "update_id" not in update:
            update["update_id"] = self.new_update_id()
        else:
            self._next_update_id = max(self._next_update_id, int(update["update_id"]) + 1)
        self.pending_updates.append(update)
        self.pending_updates.sort(key=lambda u: u["update_id"])
        self.changed.notify()
        return int(update["update_id"])

    def confirm(self, offset: int) -> None:
        """Apply getUpdates' ``offset``: drop confirmed updates, forever."""
        if offset > 0:
            self.pending_updates = [u for u in self.pending_updates if u["update_id"] >= offset]
            self.confirmed_offset = max(self.confirmed_offset, offset)
        elif offset < 0:
            self.pending_updates = self.pending_updates[offset:]
            if self.pending_updates:
                first = self.pending_updates[0]["update_id"]
                self.confirmed_offset = max(self.confirmed_offset, first)
        self.changed.notify()

    def deliverable(self) -> list[dict[str, Any]]:
        """Pending updates of the types the bot asked for (``allowed_updates``)."""
        allowed = set(self.allowed_updates or ())

        def wanted(update: dict[str, Any]) -> bool:
            kinds = set(update) - {"update_id"}
            if allowed:
                return bool(kinds & allowed)
            return not kinds <= NOT_DEFAULT_UPDATES

        return [u for u in self.pending_updates if wanted(u)]
