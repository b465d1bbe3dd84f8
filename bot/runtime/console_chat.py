"""What the person types in the console, as the updates a Telegram client would send.

Text, a button's number, or `:kontak 0812...` (own contact), `:kontak-lain 0812...`
(someone else's), `:lokasi -6.2 106.8`, `:stiker`, `:foto [keterangan]`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from itertools import count
from typing import Any

from bot.runtime.console_screen import Button, ConsoleScreen

_STICKER = {
    "file_id": "console-sticker", "file_unique_id": "s1", "type": "regular",
    "width": 512, "height": 512, "is_animated": False, "is_video": False,
}  # fmt: skip
_PHOTO = {"file_id": "console-photo", "file_unique_id": "p1", "width": 90, "height": 90}


class ConsoleChat:
    """Turns typed lines into updates; button numbers refer to what the screen shows now."""

    def __init__(self, screen: ConsoleScreen, user_id: int, language: str) -> None:
        self.screen = screen
        self.user = {"id": user_id, "is_bot": False, "first_name": "Pengguna"}
        self.user["language_code"] = language
        # Handled update ids are logged in the database (bot.delivery.polling) for days:
        # each run starts above the last one's, as Telegram's ids only grow.
        self._update_ids = count(time.time_ns() // 1000)
        self._contact_next = False  # "send my number" was pressed: the next line is it

    def to_update(self, line: str) -> dict[str, Any] | None:
        """The update for one typed line; None when the line is no update (yet).

        Raises ValueError for a malformed `:lokasi`.
        """
        line = line.strip()
        if not line:
            return None
        update: dict[str, Any] = {"update_id": next(self._update_ids)}
        if self._contact_next:
            self._contact_next = False
            return update | self._contact(line, own=True)
        buttons = self.screen.buttons
        if line.isdigit() and 1 <= int(line) <= len(buttons):
            pressed = self._press(buttons[int(line) - 1])
            return None if pressed is None else update | pressed
        command, _, rest = line.partition(" ")
        special: dict[str, Callable[[], dict[str, Any]]] = {
            ":kontak": lambda: self._contact(rest, own=True),
            ":kontak-lain": lambda: self._contact(rest, own=False),
            ":lokasi": lambda: self._location(rest),
            ":stiker": lambda: {"message": self._message(sticker=_STICKER)},
            ":foto": lambda: {"message": self._message(photo=[_PHOTO], **_caption(rest))},
        }
        if command in special:
            return update | special[command]()
        entities = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        extra = {"entities": entities} if line.startswith("/") else {}
        return update | {"message": self._message(text=line, **extra)}

    def _message(self, **content: Any) -> dict[str, Any]:
        return {
            "message_id": self.screen.next_message_id(),
            "date": int(datetime.now(UTC).timestamp()),
            "chat": {"id": self.user["id"], "type": "private"},
            "from": self.user,
            **content,
        }

    def _press(self, button: Button) -> dict[str, Any] | None:
        if "callback_data" in button:
            callback = {
                "id": str(next(self._update_ids)),
                "from": self.user,
                "chat_instance": "console",
                "data": button["callback_data"],
                "message": self.screen.keyboard_message,
            }
            return {"callback_query": callback}
        if button.get("request_contact"):
            self.screen.print("nomor telepon kontak Anda:")
            self._contact_next = True
            return None
        return {"message": self._message(text=button["text"])}

    def _contact(self, phone: str, own: bool) -> dict[str, Any]:
        contact = {"phone_number": phone.strip() or "-", "first_name": "Kontak"}
        contact["user_id"] = self.user["id"] if own else self.user["id"] + 1
        return {"message": self._message(contact=contact)}

    def _location(self, text: str) -> dict[str, Any]:
        lat, _, lon = text.replace(",", " ").partition(" ")
        location = {"latitude": float(lat), "longitude": float(lon.strip())}
        return {"message": self._message(location=location)}


def _caption(text: str) -> dict[str, str]:
    return {"caption": text.strip()} if text.strip() else {}
