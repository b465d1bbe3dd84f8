"""What a participant is told when a coordinator moved or cancelled their seat from the
desk (`Template.STAFF_MOVED_SEAT`, `STAFF_CANCELLED_SEAT`), written when sent."""

from __future__ import annotations

from aiogram import html
from aiogram.utils.i18n import gettext as _

from bot.delivery.outbox import Outgoing
from bot.delivery.templates import Payload
from bot.services import Services
from handlers.training.render import placement_text


class StaffSeatNotices:
    def __init__(self, services: Services) -> None:
        self._services = services

    async def moved(self, chat_id: int, payload: Payload) -> Outgoing | None:
        """The new seat as it is now; nothing once it is gone again."""
        placement = await self._services.enrollment.active_placement(int(payload["enrollment_id"]))
        if placement is None:
            return None
        text = "\n\n".join(
            [_("staff-moved-seat"), placement_text(placement), _("batch-reminder-note")]
        )
        return Outgoing.text(text)

    async def cancelled(self, chat_id: int, payload: Payload) -> Outgoing | None:
        batch = await self._services.enrollment.batch(int(payload["batch_id"]))
        if batch is None:
            return None
        text = _("staff-cancelled-seat").format(
            title=html.quote(batch.title), blk=html.quote(batch.blk_name)
        )
        return Outgoing.text(text)
