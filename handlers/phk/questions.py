"""The PHK pathway's questions in order: month → previous sector → skills → business → wish.

Every question but the first has a back button; a wrong answer gets its reason and the
same question again (see `handlers.phk.retry`).
"""

from __future__ import annotations

from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from bot.phk.pathway import SKILLS_MAX_LENGTH
from bot.services import Services
from handlers.common import keyboards
from handlers.phk import keyboards as phk_keyboards


class PhkFlow(StatesGroup):
    month = State()
    sector = State()
    skills = State()
    business = State()
    wish = State()


ORDER: list[State] = [PhkFlow.month, PhkFlow.sector, PhkFlow.skills, PhkFlow.business, PhkFlow.wish]
_BY_NAME = {question.state: question for question in ORDER}

Event = Message | CallbackQuery


def _build(question: State, services: Services) -> tuple[str, InlineKeyboardMarkup]:
    if question == PhkFlow.month:
        return _("phk-ask-month"), keyboards.months(services.phk.recent_months())
    if question == PhkFlow.sector:
        return _("phk-ask-sector"), phk_keyboards.with_back(keyboards.sectors())
    if question == PhkFlow.skills:
        text = _("phk-ask-skills").format(max=SKILLS_MAX_LENGTH)
        return text, phk_keyboards.with_back()
    if question == PhkFlow.business:
        return _("phk-ask-business"), phk_keyboards.business()
    return _("phk-ask-wish"), phk_keyboards.wishes()


async def ask(question: State, event: Event, state: FSMContext, services: Services) -> None:
    """Enter `question` and send it; also used to repeat it after a wrong answer."""
    await state.set_state(question)
    text, markup = _build(question, services)
    await event.bot.send_message(event.from_user.id, text, reply_markup=markup)


async def current(state: FSMContext) -> State:
    return _BY_NAME[await state.get_state()]


async def repeat(event: Event, state: FSMContext, services: Services) -> None:
    await ask(await current(state), event, state, services)


async def advance(done: State, event: Event, state: FSMContext, services: Services) -> None:
    await ask(ORDER[ORDER.index(done) + 1], event, state, services)


async def go_back(event: Event, state: FSMContext, services: Services) -> None:
    """The previous question again; its old answer is replaced when answered."""
    index = ORDER.index(await current(state))
    await ask(ORDER[max(index - 1, 0)], event, state, services)
