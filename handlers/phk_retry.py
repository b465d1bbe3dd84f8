"""Anything a PHK pathway question did not expect: say what is wanted and ask again.

Included after the question handlers, so it only sees what none of them accepted;
/batal and /bantuan are answered earlier (handlers.start) in any state.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from bot.services import Services
from handlers.phk_questions import PhkFlow, repeat
from handlers.replies import alert

router = Router(name=__name__)


@router.message(StateFilter(PhkFlow), F.text.startswith("/"))
async def command_in_flow(message: Message, state: FSMContext, services: Services) -> None:
    await message.answer(_("error-phk-command-in-flow"))
    await repeat(message, state, services)


@router.message(StateFilter(PhkFlow), F.text)
async def text_instead_of_button(message: Message, state: FSMContext, services: Services) -> None:
    await message.answer(_("error-use-buttons"))
    await repeat(message, state, services)


@router.message(StateFilter(PhkFlow))
async def not_text(message: Message, state: FSMContext, services: Services) -> None:
    """Stickers, photos, voice notes and the like while a question is open."""
    await message.answer(_("error-text-only"))
    await repeat(message, state, services)


@router.callback_query(StateFilter(PhkFlow))
async def stale_button(
    callback: CallbackQuery, callback_answer: CallbackAnswer, state: FSMContext, services: Services
) -> None:
    """A button of an earlier question, or forged data: explain and ask the open question."""
    alert(callback_answer, _("error-stale-button"))
    await repeat(callback, state, services)
