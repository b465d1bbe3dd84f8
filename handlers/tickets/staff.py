"""Coordinators' side of "Tanya petugas": answer by Telegram reply or "Balas", /tiket.

Everyone else falls through these handlers (`HasRole`), so they learn nothing; the
service re-checks role and scope inside the transaction of every look and answer.
"""

from __future__ import annotations

from typing import Any

from aiogram import Bot, F
from aiogram.filters import BaseFilter, Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.errors import NotPermitted
from bot.services import Services
from bot.tickets.rules import ticket_number_in
from bot.tickets.views import TicketNotFound
from handlers.common.blueprint import Blueprint
from handlers.common.callbacks import TicketAction, TicketCb
from handlers.common.filters import HasRole
from handlers.coordinators.broadcast.render import number
from handlers.tickets.conversation import send_detail, start_typing, submit_text, typed_ticket
from handlers.tickets.render import list_buttons, list_text, staff_buttons
from handlers.tickets.states import Answering

router = Blueprint(name=__name__)


class RepliesToTicket(BaseFilter):
    """A Telegram reply to one of the bot's messages that opens with a ticket number."""

    async def __call__(self, message: Message, bot: Bot) -> bool | dict[str, Any]:
        replied = message.reply_to_message
        if replied is None or replied.from_user is None or replied.from_user.id != bot.id:
            return False
        ticket_id = ticket_number_in(replied.text or replied.caption)
        return {"ticket_id": ticket_id} if ticket_id is not None else False


@router.message(RepliesToTicket(), HasRole())
async def replied_to_ticket(message: Message, ticket_id: int, services: Services) -> None:
    """The coordinator answered the ticket's message with Telegram's reply."""
    await _answer(message, ticket_id, services)


@router.callback_query(TicketCb.filter(F.action == TicketAction.ANSWER), HasRole())
async def answer_chosen(
    callback: CallbackQuery,
    callback_data: TicketCb,
    state: FSMContext,
    services: Services,
) -> None:
    """Checks the ticket is still answerable here (else the errors router says why); asks
    for the answer."""
    await services.tickets.answerable(callback.from_user.id, callback_data.ticket)
    prompt = _("ticket-answer-ask")
    await start_typing(callback, state, Answering.answer, callback_data.ticket, prompt)


@router.message(Answering.answer)
async def answer_written(message: Message, state: FSMContext, services: Services) -> None:
    if await _answer(message, await typed_ticket(state), services):
        await state.clear()


async def _answer(message: Message, ticket_id: int, services: Services) -> bool:
    outside = _("ticket-not-in-scope")
    return await submit_text(
        message,
        ticket_id,
        services.tickets.answer,
        _("ticket-answer-sent"),
        {TicketNotFound: outside, NotPermitted: outside},
    )


@router.callback_query(TicketCb.filter(F.action == TicketAction.STAFF_VIEW), HasRole())
async def ticket_viewed(
    callback: CallbackQuery, callback_data: TicketCb, services: Services
) -> None:
    detail = await services.tickets.detail_for_staff(callback.from_user.id, callback_data.ticket)
    buttons = staff_buttons(detail.ticket.id)
    await send_detail(callback, detail, services.tickets.timezone, buttons, TicketAction.STAFF_LIST)


@router.message(Command("tiket"), StateFilter(None), HasRole())
@router.callback_query(TicketCb.filter(F.action == TicketAction.STAFF_LIST), HasRole())
async def cmd_tiket(event: Message | CallbackQuery, services: Services) -> None:
    """Open tickets in the coordinator's scope, the longest waiting first."""
    user_id = event.from_user.id
    tickets = await services.tickets.in_scope(user_id)
    if not tickets.tickets:
        await event.bot.send_message(user_id, _("ticket-staff-list-empty"))
        return
    title = _("ticket-staff-list-title").format(count=number(tickets.total))
    await event.bot.send_message(
        user_id,
        list_text(title, tickets, services.tickets.timezone),
        reply_markup=list_buttons(tickets, TicketAction.STAFF_VIEW),
    )
