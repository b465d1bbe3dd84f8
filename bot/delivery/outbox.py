"""Queueing messages the bot sends on its own initiative (reminders, broadcasts, notices).

Callers enqueue inside the transaction of the event that causes the message, so the
message exists if and only if the event was committed. The sender (`bot.delivery.sender`)
delivers them within Telegram's limits.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from storage.outbox_repository import OutboxRepository


@dataclass(frozen=True)
class Outgoing:
    """A Bot API call: `method` ("sendMessage", "sendPhoto", "sendDocument", "sendVenue",
    "copyMessage", "editMessageText", ...) and its parameters as JSON-ready values
    (reply_markup as a dict; a render hook's result, which is not stored, may upload an
    InputFile). `fallback` is sent instead when Telegram refuses the call for good, such
    as an edit of a message the chat deleted."""

    method: str
    params: dict[str, Any] = field(default_factory=dict)
    fallback: Outgoing | None = None

    def to_json(self) -> str:
        return json.dumps(self._as_dict(), ensure_ascii=False)

    def _as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"method": self.method, "params": self.params}
        if self.fallback is not None:
            data["fallback"] = self.fallback._as_dict()
        return data

    @classmethod
    def from_json(cls, raw: str) -> Outgoing:
        return cls.from_dict(json.loads(raw))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Outgoing:
        fallback = data.get("fallback")
        return cls(
            data["method"], data.get("params") or {}, cls.from_dict(fallback) if fallback else None
        )

    @classmethod
    def text(cls, text: str, reply_markup: dict[str, Any] | None = None) -> Outgoing:
        params: dict[str, Any] = {"text": text, "parse_mode": "HTML"}
        if reply_markup:
            params["reply_markup"] = reply_markup
        return cls("sendMessage", params)

    @classmethod
    def edit_text(
        cls,
        message_id: int,
        text: str,
        reply_markup: dict[str, Any] | None = None,
        *,
        fallback: Outgoing | None = None,
    ) -> Outgoing:
        """Replace the text (and buttons: none unless given) of a message sent before."""
        params: dict[str, Any] = {"message_id": message_id, "text": text, "parse_mode": "HTML"}
        if reply_markup:
            params["reply_markup"] = reply_markup
        return cls("editMessageText", params, fallback)


async def enqueue(
    session: AsyncSession,
    chat_id: int,
    kind: str,
    message: Outgoing | dict[str, Any],
    *,
    not_before: datetime,
    dedupe_key: str | None = None,
    expires_at: datetime | None = None,
    broadcast_id: int | None = None,
    enrollment_id: int | None = None,
    subject_id: int | None = None,
) -> bool:
    """Queue one message, due at `not_before` (the caller's clock's now for at once);
    False when `dedupe_key` was queued before (nothing added).

    `message` is a ready call, stored encrypted, or a template (a dict of ids) the
    sender's render hook turns into one when it is sent. `subject_id` is the person the
    message is about when that is not its recipient, so erasing them takes it too.
    """
    ready = isinstance(message, Outgoing)
    return await OutboxRepository(session).add(
        chat_id,
        kind,
        message.to_json() if ready else json.dumps(message),
        dedupe_key=dedupe_key,
        not_before=not_before,
        expires_at=expires_at,
        broadcast_id=broadcast_id,
        enrollment_id=enrollment_id,
        subject_id=subject_id,
        readable=not ready,
    )


async def pending_for_enrollment(session: AsyncSession, enrollment_id: int, kind: str) -> bool:
    """Whether a message of `kind` about the seat is still waiting to go."""
    return await OutboxRepository(session).pending_for_enrollment(enrollment_id, kind)


async def drop_pending_for_enrollment(session: AsyncSession, enrollment_id: int) -> int:
    """Cancelling or moving a seat removes its reminders that were not sent yet."""
    return await OutboxRepository(session).drop_pending_for_enrollment(enrollment_id)
