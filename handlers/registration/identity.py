"""Registration, part 1: consent, full name and NIK."""

from __future__ import annotations

from typing import Any

from aiogram import F
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.registration.nik import NikError
from bot.registration.nik_checks import NikRefused
from bot.registration.person_name import NameError_, clean_full_name
from bot.services import Services
from handlers.common import keyboards, paused
from handlers.common.blueprint import Blueprint
from handlers.common.callbacks import MenuAction, MenuCb, RegCb, RegStep
from handlers.common.errors import error_text
from handlers.common.replies import close_keyboard
from handlers.registration.questions import advance, ask, prefilled
from handlers.registration.retry import repeat
from handlers.registration.states import Registration

router = Blueprint(name=__name__)


@router.message(Command("daftar"), StateFilter(None))
@router.callback_query(MenuCb.filter(F.action == MenuAction.REGISTER), StateFilter(None))
async def cmd_daftar(event: Message | CallbackQuery, state: FSMContext, services: Services) -> None:
    await start_registration(event, state, services)


async def start_registration(
    event: Message | CallbackQuery,
    state: FSMContext,
    services: Services,
    known: dict[str, Any] | None = None,
) -> None:
    """Start a new registration, unless this account already has one; `known` answers
    (given in another journey) are not asked again."""
    if await services.registrations.is_registered(event.from_user.id):
        await event.bot.send_message(event.from_user.id, _("reg-already-registered"))
        return
    if await paused.paused_flow(state) == Registration.__full_group_name__:
        # Put aside by /start: the answers given so far are kept (the nudge promises it).
        await paused.resume(state)
        await repeat(event, state, services)
        return
    await state.set_data(prefilled(known or {}))
    await ask(Registration.consent, event, state, services)


@router.callback_query(Registration.consent, RegCb.filter(F.step == RegStep.CONSENT))
async def consent_chosen(
    callback: CallbackQuery, callback_data: RegCb, state: FSMContext, services: Services
) -> None:
    """Stores when consent was given and asks the full name; declining ends the flow."""
    await close_keyboard(callback)
    if callback_data.value != "1":
        await state.clear()
        await callback.bot.send_message(
            callback.from_user.id, _("reg-consent-declined"), reply_markup=keyboards.main_menu()
        )
        return
    now = services.registrations.clock.now()
    await state.update_data(consent_at=now.isoformat())
    await advance(Registration.consent, callback, state, services)


@router.message(Registration.full_name, F.text)
async def name_chosen(message: Message, state: FSMContext, services: Services) -> None:
    """Stores the full name and asks the NIK."""
    try:
        name = clean_full_name(message.text)
    except NameError_ as exc:
        await message.answer(error_text(exc))
        await ask(Registration.full_name, message, state, services)
        return
    await state.update_data(full_name=name)
    await advance(Registration.full_name, message, state, services)


@router.message(Registration.nik, F.text)
async def nik_chosen(message: Message, state: FSMContext, services: Services) -> None:
    """Stores a valid NIK the rate-limited lookup accepts and asks the user to confirm what
    it encodes; a refusal says nothing about whether the NIK is registered."""
    try:
        nik = services.registrations.parse_nik(message.text)
        await services.registrations.check_nik(message.from_user.id, nik.value)
    except (NikError, NikRefused) as exc:
        await message.answer(error_text(exc))
        await ask(Registration.nik, message, state, services)
        return
    await state.update_data(nik=nik.value)
    await advance(Registration.nik, message, state, services)


@router.callback_query(Registration.nik_confirm, RegCb.filter(F.step == RegStep.NIK_CONFIRM))
async def nik_confirmed(
    callback: CallbackQuery, callback_data: RegCb, state: FSMContext, services: Services
) -> None:
    """Moves on when the birth date and sex are right; otherwise asks the NIK again."""
    await close_keyboard(callback)
    if callback_data.value == "1":
        await advance(Registration.nik_confirm, callback, state, services)
    else:
        await ask(Registration.nik, callback, state, services)
