"""Anything the current registration question did not expect (see `handlers.retries`)."""

from __future__ import annotations

from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import lazy_gettext as __

from bot.services import Services
from handlers.common.retries import retry_routers
from handlers.registration.questions import ORDER, ask
from handlers.registration.states import Registration

_BY_NAME = {question.state: question for question in ORDER}


async def repeat(event: Message | CallbackQuery, state: FSMContext, services: Services) -> None:
    current = await state.get_state()
    await ask(_BY_NAME[current], event, state, services)


commands_router, router = retry_routers(__name__, Registration, repeat, __("error-command-in-flow"))
