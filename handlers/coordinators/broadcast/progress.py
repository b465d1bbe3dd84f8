"""Builders of the broadcast templates: the coordinator's progress message and final report.

`BroadcastService.update_progress` queues them (the report in the transaction that closes
the broadcast); the sender writes them in the coordinator's language and delivers them,
retrying like any other message.
"""

from __future__ import annotations

from aiogram.types import BufferedInputFile
from aiogram.utils.i18n import gettext as _

from bot.coordinators.broadcasts import Progress
from bot.delivery.outbox import Outgoing
from bot.delivery.templates import Payload
from bot.services import Services
from handlers.coordinators.broadcast.render import (
    cancel_button,
    progress_text,
    report_text,
    retry_button,
)


class BroadcastNotices:
    def __init__(self, services: Services) -> None:
        self._broadcasts = services.broadcasts

    async def progress(self, chat_id: int, payload: Payload) -> Outgoing | None:
        """The count as queued, edited into the progress message; the report supersedes it."""
        info = await self._broadcasts.get(int(payload["broadcast"]))
        if info is None or info.finished_at is not None or info.progress_message_id is None:
            return None
        progress = Progress.queued(info.id, info.total, payload)
        markup = None if payload["cancelled"] else cancel_button(info.id)
        return Outgoing.edit_text(
            info.progress_message_id,
            progress_text(progress),
            markup.model_dump(exclude_none=True) if markup else None,
        )

    async def report(self, chat_id: int, payload: Payload) -> Outgoing | None:
        """The final counts in place of the progress message, or anew if it was deleted;
        with "Kirim ulang yang gagal" when some failed."""
        info = await self._broadcasts.get(int(payload["broadcast"]))
        if info is None:
            return None
        progress = await self._broadcasts.progress(info.id)
        markup = retry_button(info.id).model_dump(exclude_none=True) if progress.failed else None
        anew = Outgoing.text(report_text(progress), markup)
        if info.progress_message_id is None:
            return anew
        text = anew.params["text"]
        return Outgoing.edit_text(info.progress_message_id, text, markup, fallback=anew)

    async def failures(self, chat_id: int, payload: Payload) -> Outgoing | None:
        """The undelivered rows (chat id, status, Telegram's reason) as a CSV file."""
        broadcast_id = int(payload["broadcast"])
        csv = await self._broadcasts.failures_csv(broadcast_id)
        document = BufferedInputFile(csv, filename=f"siaran-{broadcast_id}-tidak-terkirim.csv")
        return Outgoing("sendDocument", {"document": document, "caption": _("bc-failures-caption")})
