"""Steps both sides share: ask for a text about a ticket, check it, hand it on, show a ticket."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from bot.errors import DomainError
from bot.tickets.rules import MAX_TEXT, TicketStatus
from bot.tickets.views import Detail
from handlers.common.callbacks import TicketAction
from handlers.common.errors import error_text
from handlers.coordinators.broadcast.render import number
from handlers.tickets.render import detail_text, with_back_to_list

# A service call taking (who, ticket id, text): `follow_up` or `answer`.
Submit = Callable[[int, int, str], Awaitable[object]]


async def read_text(message: Message) -> str | None:
    """The typed text, or None after saying what is wrong (the question stays the same)."""
    text = (message.text or "").strip()
    if not text or text.startswith("/"):
        await message.answer(_("ticket-text-only").format(limit=number(MAX_TEXT)))
        return None
    if len(text) > MAX_TEXT:
        await message.answer(
            _("ticket-too-long").format(limit=number(MAX_TEXT), length=number(len(text)))
        )
        return None
    return text


async def start_typing(
    callback: CallbackQuery, state: FSMContext, step: State, ticket_id: int, prompt: str
) -> None:
    """Remembers the ticket and asks for the text (`prompt` has {id} and {limit})."""
    await state.set_state(step)
    await state.set_data({"ticket": ticket_id})
    text = prompt.format(id=ticket_id, limit=number(MAX_TEXT))
    await callback.bot.send_message(callback.from_user.id, text)


async def typed_ticket(state: FSMContext) -> int:
    return int((await state.get_data())["ticket"])


async def submit_text(
    message: Message,
    ticket_id: int,
    submit: Submit,
    sent: str,
    refusals: Mapping[type[DomainError], str],
) -> bool:
    """Hands the text on and says how it went; False when it must be typed again.

    A refusal ends the typing too; `refusals` words those this side says its own way.
    """
    text = await read_text(message)
    if text is None:
        return False
    try:
        await submit(message.from_user.id, ticket_id, text)
    except DomainError as exc:
        refusal = refusals.get(type(exc))
        await message.answer(refusal.format(id=ticket_id) if refusal else error_text(exc))
    else:
        await message.answer(sent.format(id=ticket_id))
    return True


async def send_detail(
    callback: CallbackQuery,
    detail: Detail,
    zone: str,
    buttons: InlineKeyboardMarkup,
    back: TicketAction,
) -> None:
    """The whole ticket with the way back to the list (`back`); a closed one has only that."""
    closed = detail.ticket.status is TicketStatus.CLOSED
    markup = with_back_to_list(None if closed else buttons, back, detail.ticket.id)
    await callback.bot.send_message(
        callback.from_user.id, detail_text(detail, zone), reply_markup=markup
    )
