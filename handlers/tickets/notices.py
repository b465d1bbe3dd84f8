"""The builder of `Template.TICKET`: a question, answer or escalation about a ticket.

Written when sent; a ticket erased meanwhile is skipped.
"""

from __future__ import annotations

from bot.delivery.outbox import Outgoing
from bot.delivery.templates import Payload
from bot.services import Services
from bot.tickets.rules import Event
from handlers.tickets.render import notice_markup, notice_text


class TicketNotices:
    def __init__(self, services: Services) -> None:
        self._services = services

    async def __call__(self, chat_id: int, payload: Payload) -> Outgoing | None:
        tickets = self._services.tickets
        notice = await tickets.notice(
            int(payload["ticket"]), int(payload["message"]), Event(payload["event"])
        )
        if notice is None:
            return None
        hours = int(tickets.escalate_after.total_seconds() // 3600)
        text = notice_text(notice, tickets.timezone, hours)
        return Outgoing.text(text, notice_markup(notice).model_dump(exclude_none=True))
