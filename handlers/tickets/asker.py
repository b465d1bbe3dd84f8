"""The asker's side of "Tanya petugas": ask (/tanya or a button), follow up, close, /tiket."""

from __future__ import annotations

from typing import Any

from aiogram import Bot, F
from aiogram.filters import BaseFilter, Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from bot.services import Services
from bot.tickets.rules import MAX_TEXT, Origin, ticket_number_in
from bot.tickets.views import TicketNotFound, TooManyOpenTickets
from handlers.common import paused
from handlers.common.blueprint import Blueprint
from handlers.common.callbacks import AskCb, TicketAction, TicketCb
from handlers.common.replies import alert, close_keyboard
from handlers.coordinators.broadcast.render import number
from handlers.tickets.conversation import (
    read_text,
    send_detail,
    start_typing,
    submit_text,
    typed_ticket,
)
from handlers.tickets.render import asker_buttons, list_buttons, list_text
from handlers.tickets.states import Asking
from handlers.tickets.unstaffed import unstaffed_buttons, unstaffed_text

router = Blueprint(name=__name__)

FREE = StateFilter(None, Asking)  # a new question does not break another conversation


class RepliesToOwnTicket(BaseFilter):
    """A Telegram reply to the bot's message about the sender's own open ticket."""

    async def __call__(
        self, message: Message, bot: Bot, services: Services
    ) -> bool | dict[str, Any]:
        replied = message.reply_to_message
        if replied is None or replied.from_user is None or replied.from_user.id != bot.id:
            return False
        ticket_id = ticket_number_in(replied.text or replied.caption)
        if ticket_id is None or not await services.tickets.owns_open(
            message.from_user.id, ticket_id
        ):
            return False
        return {"ticket_id": ticket_id}


async def ask_question(
    bot: Bot, chat_id: int, state: FSMContext, origin: Origin, services: Services
) -> None:
    """Asks for the question, unless nobody could receive it: then says so and offers help.
    Refused (TooManyOpenTickets) while the person already waits for enough answers."""
    await services.tickets.may_ask(chat_id)
    reach = await services.tickets.reach(chat_id)
    if not reach.staffed:
        await bot.send_message(chat_id, unstaffed_text(reach), reply_markup=unstaffed_buttons())
        return
    await state.set_state(Asking.question)
    await state.set_data({"origin": origin.value})
    await bot.send_message(chat_id, _("ticket-ask").format(limit=number(MAX_TEXT)))


@router.message(Command("tanya"), FREE)
async def cmd_tanya(message: Message, state: FSMContext, services: Services) -> None:
    await ask_question(message.bot, message.chat.id, state, Origin.COMMAND, services)


@router.callback_query(AskCb.filter(), FREE)
async def ask_chosen(
    callback: CallbackQuery, callback_data: AskCb, state: FSMContext, services: Services
) -> None:
    """A "Tanya petugas" button (menu, FAQ or PHK answer)."""
    origin = Origin.parse(callback_data.origin)
    await ask_question(callback.bot, callback.from_user.id, state, origin, services)


@router.callback_query(AskCb.filter())
async def ask_in_flow(callback: CallbackQuery, callback_answer: CallbackAnswer) -> None:
    alert(callback_answer, _("error-menu-in-flow"))


@router.message(Asking.question)
async def question_written(message: Message, state: FSMContext, services: Services) -> None:
    """Stores the ticket, queues it for the coordinators; says its number."""
    text = await read_text(message)
    if text is None:
        return
    origin = Origin.parse((await state.get_data()).get("origin", ""))
    try:
        ticket = await services.tickets.ask(message.from_user.id, text, origin)
    except TooManyOpenTickets:
        await state.clear()  # told why by the errors router; not asked again
        raise
    await state.clear()
    await message.answer(_("ticket-created").format(id=ticket.id))
    if flow := await paused.paused_flow(state):
        await message.answer(_("resume-after-help"), reply_markup=paused.resume_buttons(flow))


@router.message(RepliesToOwnTicket(), StateFilter(None))
async def replied_to_answer(message: Message, ticket_id: int, services: Services) -> None:
    """The asker answered the coordinator with Telegram's reply: a follow-up."""
    await _follow_up(message, ticket_id, services)


@router.callback_query(TicketCb.filter(F.action == TicketAction.REPLY), FREE)
async def reply_chosen(
    callback: CallbackQuery,
    callback_data: TicketCb,
    state: FSMContext,
    services: Services,
    callback_answer: CallbackAnswer,
) -> None:
    if not await services.tickets.owns_open(callback.from_user.id, callback_data.ticket):
        alert(callback_answer, _("error-stale-button"))
        return
    prompt = _("ticket-follow-up-ask")
    await start_typing(callback, state, Asking.follow_up, callback_data.ticket, prompt)


@router.message(Asking.follow_up)
async def follow_up_written(message: Message, state: FSMContext, services: Services) -> None:
    if await _follow_up(message, await typed_ticket(state), services):
        await state.clear()


async def _follow_up(message: Message, ticket_id: int, services: Services) -> bool:
    # A ticket gone (erased, or never the asker's) reads to the asker as closed.
    closed = _("ticket-already-closed")
    return await submit_text(
        message,
        ticket_id,
        services.tickets.follow_up,
        _("ticket-follow-up-sent"),
        {TicketNotFound: closed},
    )


@router.callback_query(TicketCb.filter(F.action == TicketAction.CLOSE))
async def close_chosen(
    callback: CallbackQuery, callback_data: TicketCb, services: Services
) -> None:
    """Someone else's or an already closed ticket is told by the errors router."""
    ticket = await services.tickets.close(callback.from_user.id, callback_data.ticket)
    await close_keyboard(callback)
    await callback.bot.send_message(callback.from_user.id, _("ticket-closed").format(id=ticket.id))


@router.callback_query(TicketCb.filter(F.action == TicketAction.VIEW))
async def ticket_viewed(
    callback: CallbackQuery, callback_data: TicketCb, services: Services
) -> None:
    detail = await services.tickets.detail_for_asker(callback.from_user.id, callback_data.ticket)
    buttons = asker_buttons(detail.ticket.id)
    await send_detail(callback, detail, services.tickets.timezone, buttons, TicketAction.LIST)


@router.message(Command("tiket"), StateFilter(None))
@router.callback_query(TicketCb.filter(F.action == TicketAction.LIST))
async def cmd_tiket(event: Message | CallbackQuery, services: Services) -> None:
    """The asker's tickets, newest first, each with a button to open it."""
    user_id = event.from_user.id
    tickets = await services.tickets.mine(user_id)
    if not tickets.tickets:
        await event.bot.send_message(user_id, _("ticket-list-empty"))
        return
    await event.bot.send_message(
        user_id,
        list_text(_("ticket-list-mine-title"), tickets, services.tickets.timezone),
        reply_markup=list_buttons(tickets, TicketAction.VIEW),
    )
