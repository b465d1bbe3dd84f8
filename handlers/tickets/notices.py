"""The outbox render hook for ticket rows, in front of the other notices.

Written when sent, in the recipient's language then; a ticket erased meanwhile is skipped.
"""

from __future__ import annotations

from aiogram.utils.i18n import I18n

from bot.delivery.outbox import Outgoing
from bot.services import Services
from bot.tickets.rules import Event
from bot.tickets.service import TEMPLATE
from bot.training.reminders import template_of
from handlers.delivery.notices import Render
from handlers.tickets.render import notice_markup, notice_text
from storage.models import OutboxMessage


class TicketNotices:
    """`render(row)` for the sender: ticket rows here, every other row to `fallback`."""

    def __init__(self, services: Services, i18n: I18n, fallback: Render) -> None:
        self._services = services
        self._i18n = i18n
        self._fallback = fallback

    async def __call__(self, row: OutboxMessage) -> Outgoing | None:
        payload = template_of(row.payload)
        if payload is None or payload.get("template") != TEMPLATE:
            return await self._fallback(row)
        tickets = self._services.tickets
        notice = await tickets.notice(
            int(payload["ticket"]), int(payload["message"]), Event(payload["event"])
        )
        if notice is None:
            return None
        locale = await self._services.preferences.locale(row.chat_id)
        hours = int(tickets.escalate_after.total_seconds() // 3600)
        with self._i18n.context(), self._i18n.use_locale(locale or self._i18n.default_locale):
            text = notice_text(notice, tickets.timezone, hours)
            markup = notice_markup(notice)
        return Outgoing.text(text, markup.model_dump(exclude_none=True))
