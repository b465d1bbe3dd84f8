"""Catch-alls for a conversation: say what is wanted and ask the open question again.

`retry_routers` gives two routers: the commands one goes before the conversation's
steps, so "/status" is never taken for an answer; the other goes after them and sees
only what no step accepted. /batal and /bantuan are answered earlier, in any state.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiogram import F
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n.lazy_proxy import LazyProxy

from bot.services import Services
from handlers.common.blueprint import Blueprint
from handlers.common.replies import alert

Repeat = Callable[[Message | CallbackQuery, FSMContext, Services], Awaitable[None]]


def retry_routers(
    name: str, flow: type[StatesGroup], repeat: Repeat, command_reply: LazyProxy
) -> tuple[Blueprint, Blueprint]:
    """(commands router, catch-all router) for the states of `flow`."""
    commands, rest = Blueprint(name=f"{name}.commands"), Blueprint(name=name)
    in_flow = StateFilter(flow)

    @commands.message(in_flow, F.text.startswith("/"))
    async def command_in_flow(message: Message, state: FSMContext, services: Services) -> None:
        await message.answer(str(command_reply))
        await repeat(message, state, services)

    @rest.message(in_flow, F.text)
    async def text_instead_of_button(
        message: Message, state: FSMContext, services: Services
    ) -> None:
        await message.answer(_("error-use-buttons"))
        await repeat(message, state, services)

    @rest.message(in_flow)
    async def not_text(message: Message, state: FSMContext, services: Services) -> None:
        """Stickers, photos, voice notes and the like while a question is open."""
        await message.answer(_("error-text-only"))
        await repeat(message, state, services)

    @rest.callback_query(in_flow)
    async def stale_button(
        callback: CallbackQuery,
        callback_answer: CallbackAnswer,
        state: FSMContext,
        services: Services,
    ) -> None:
        """A button of an earlier question, or forged data: explain and ask again."""
        alert(callback_answer, _("error-stale-button"))
        await repeat(callback, state, services)

    return commands, rest
