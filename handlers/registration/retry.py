"""Anything the current question did not expect: say what is wanted and ask again.

`router` is included after every registration step, so it only sees what no step
accepted; `commands_router` goes before them, so "/status" is never taken for a name.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from bot.services import Services
from handlers.registration.questions import ORDER, ask
from handlers.registration.states import Registration
from handlers.replies import alert

router = Router(name=__name__)
commands_router = Router(name=f"{__name__}.commands")

_BY_NAME = {question.state: question for question in ORDER}


async def _repeat(event: Message | CallbackQuery, state: FSMContext, services: Services) -> None:
    current = await state.get_state()
    await ask(_BY_NAME[current], event, state, services)


@commands_router.message(StateFilter(Registration), F.text.startswith("/"))
async def command_in_flow(message: Message, state: FSMContext, services: Services) -> None:
    await message.answer(_("error-command-in-flow"))
    await _repeat(message, state, services)


@router.message(StateFilter(Registration), F.text)
async def text_instead_of_button(message: Message, state: FSMContext, services: Services) -> None:
    await message.answer(_("error-use-buttons"))
    await _repeat(message, state, services)


@router.message(StateFilter(Registration))
async def not_text(message: Message, state: FSMContext, services: Services) -> None:
    """Stickers, photos, voice notes and the like while a question is open."""
    await message.answer(_("error-text-only"))
    await _repeat(message, state, services)


@router.callback_query(StateFilter(Registration))
async def stale_button(
    callback: CallbackQuery, callback_answer: CallbackAnswer, state: FSMContext, services: Services
) -> None:
    """A button of an earlier question, or forged data: explain and ask the open question."""
    alert(callback_answer, _("error-stale-button"))
    await _repeat(callback, state, services)
