"""The "Terdampak PHK" pathway: /phk or the menu → five short questions → a personal summary.

The questions and their order live in `handlers.phk.questions`; the summary, the JKP facts
and the summary's buttons in `handlers.phk.summary`; catch-alls in `handlers.phk.retry`.
"""

from __future__ import annotations

from datetime import date

from aiogram import F
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from bot.phk.pathway import (
    PhkAnswers,
    PhkBusiness,
    SkillsError,
    Wish,
    clean_skills,
)
from bot.registration.months import MonthError, parse_month
from bot.registration.participants import Sector
from bot.services import Services
from handlers.common.blueprint import Blueprint
from handlers.common.callbacks import MenuAction, MenuCb, PhkCb, PhkStep, RegCb, RegStep
from handlers.common.errors import error_text
from handlers.common.replies import alert, close_keyboard
from handlers.phk import keyboards as phk_keyboards
from handlers.phk import retry as phk_retry
from handlers.phk import summary as phk_summary
from handlers.phk.questions import PhkFlow, advance, ask, go_back, repeat

flow = Blueprint(name=__name__)


@flow.message(Command("phk"), StateFilter(None))
@flow.callback_query(MenuCb.filter(F.action == MenuAction.PHK), StateFilter(None))
async def cmd_phk(event: Message | CallbackQuery, state: FSMContext, services: Services) -> None:
    """Introduces the pathway, with the JKP facts one button away, and asks the PHK month."""
    intro = _("phk-intro").format(months=services.privacy.retention_months)
    await event.bot.send_message(event.from_user.id, intro, reply_markup=phk_keyboards.jkp())
    await state.set_data({})
    await ask(PhkFlow.month, event, state, services)


async def _store_month(
    month: date, event: Message | CallbackQuery, state: FSMContext, services: Services
) -> None:
    await state.update_data(phk_month=month.isoformat())
    await advance(PhkFlow.month, event, state, services)


@flow.callback_query(PhkFlow.month, RegCb.filter(F.step == RegStep.PHK_MONTH))
async def month_chosen(
    callback: CallbackQuery,
    callback_data: RegCb,
    callback_answer: CallbackAnswer,
    state: FSMContext,
    services: Services,
) -> None:
    """Stores a month offered on the buttons and asks the previous sector."""
    offered = {m.strftime("%Y-%m"): m for m in services.phk.recent_months()}
    month = offered.get(callback_data.value)
    if month is None:
        alert(callback_answer, _("error-stale-button"))
        await repeat(callback, state, services)
        return
    await close_keyboard(callback)
    await _store_month(month, callback, state, services)


@flow.message(PhkFlow.month, F.text & ~F.text.startswith("/"))
async def month_typed(message: Message, state: FSMContext, services: Services) -> None:
    """Accepts an older month typed as "03/2024" or "Maret 2024"."""
    try:
        month = parse_month(message.text, services.phk.today())
    except MonthError as exc:
        await message.answer(error_text(exc))
        await repeat(message, state, services)
        return
    await _store_month(month, message, state, services)


@flow.callback_query(
    PhkFlow.sector, RegCb.filter((F.step == RegStep.SECTOR) & F.value.in_(set(Sector)))
)
async def sector_chosen(
    callback: CallbackQuery, callback_data: RegCb, state: FSMContext, services: Services
) -> None:
    """Stores the sector of the lost job and asks the skills."""
    await close_keyboard(callback)
    await state.update_data(previous_sector=callback_data.value)
    await advance(PhkFlow.sector, callback, state, services)


@flow.message(PhkFlow.skills, F.text & ~F.text.startswith("/"))
async def skills_typed(message: Message, state: FSMContext, services: Services) -> None:
    """Stores the skills in a few words and asks about a business."""
    try:
        skills = clean_skills(message.text)
    except SkillsError as exc:
        await message.answer(error_text(exc))
        await repeat(message, state, services)
        return
    await state.update_data(skills=skills)
    await advance(PhkFlow.skills, message, state, services)


@flow.callback_query(
    PhkFlow.business,
    PhkCb.filter((F.step == PhkStep.BUSINESS) & F.value.in_(set(PhkBusiness))),
)
async def business_chosen(
    callback: CallbackQuery, callback_data: PhkCb, state: FSMContext, services: Services
) -> None:
    """Stores idea / running business / neither and asks which help is wanted."""
    await close_keyboard(callback)
    await state.update_data(business=callback_data.value)
    await advance(PhkFlow.business, callback, state, services)


@flow.callback_query(PhkFlow.wish, PhkCb.filter((F.step == PhkStep.WISH) & F.value.in_(set(Wish))))
async def wish_chosen(
    callback: CallbackQuery, callback_data: PhkCb, state: FSMContext, services: Services
) -> None:
    """Saves every answer in one transaction, ends the conversation and sends the summary."""
    await close_keyboard(callback)
    answers = PhkAnswers.from_conversation(await state.get_data(), Wish(callback_data.value))
    summary = await services.phk.save(callback.from_user.id, answers)
    await state.clear()
    await phk_summary.send_summary(callback, summary, services)


@flow.callback_query(StateFilter(PhkFlow), PhkCb.filter(F.step == PhkStep.BACK))
async def back_chosen(callback: CallbackQuery, state: FSMContext, services: Services) -> None:
    await close_keyboard(callback)
    await go_back(callback, state, services)


router = Blueprint(name=f"{__name__}.journey")
router.include_routers(phk_retry.commands_router, flow, phk_summary.router, phk_retry.router)
