"""Registration, part 3: domicile — province then regency/city, by button or typed name."""

from __future__ import annotations

from aiogram import F
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from bot.places.types import Regency
from bot.services import Services
from handlers.common.blueprint import Blueprint
from handlers.common.callbacks import RegCb, RegStep
from handlers.common.keyboards import choices
from handlers.common.replies import alert, close_keyboard
from handlers.registration.questions import advance, ask
from handlers.registration.states import Registration

router = Blueprint(name=__name__)


async def _store_regency(
    regency: Regency, event: Message | CallbackQuery, state: FSMContext, services: Services
) -> None:
    await state.update_data(province_code=regency.province_code, regency_code=regency.code)
    await advance(Registration.regency, event, state, services)


async def _offer(
    message: Message, regencies: list[Regency], provinces: list[tuple[str, str]]
) -> None:
    """Close matches as buttons: the user taps instead of typing again."""
    builder = choices(RegStep.REGENCY, ((r.code, r.short_name) for r in regencies), columns=2)
    for row in choices(RegStep.PROVINCE, provinces, columns=2).export():
        builder.row(*row)
    await message.answer(_("reg-place-did-you-mean"), reply_markup=builder.as_markup())


@router.callback_query(Registration.province, RegCb.filter(F.step == RegStep.PROVINCE))
@router.callback_query(
    Registration.regency, RegCb.filter((F.step == RegStep.PROVINCE) & (F.value == "-"))
)
async def province_chosen(
    callback: CallbackQuery, callback_data: RegCb, state: FSMContext, services: Services
) -> None:
    """Stores the province and asks the regency; "-" goes back to the province list."""
    await close_keyboard(callback)
    province = services.regions.province(callback_data.value)
    if province is None:
        await ask(Registration.province, callback, state, services)
        return
    await state.update_data(province_code=province.code, regency_code=None)
    await ask(Registration.regency, callback, state, services)


@router.callback_query(
    StateFilter(Registration.province, Registration.regency),
    RegCb.filter(F.step == RegStep.REGENCY),
)
async def regency_chosen(
    callback: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: RegCb,
    state: FSMContext,
    services: Services,
) -> None:
    """Stores a regency offered to this user; others are stale or forged buttons."""
    regency = services.regions.regency(callback_data.value)
    answers = await state.get_data()
    in_province = await state.get_state() == Registration.province.state or (
        regency is not None and regency.province_code == answers.get("province_code")
    )
    if regency is None or not in_province:
        alert(callback_answer, _("error-stale-button"))
        await ask(Registration.regency, callback, state, services)
        return
    await close_keyboard(callback)
    await _store_regency(regency, callback, state, services)


@router.message(Registration.province, F.text)
async def province_typed(message: Message, state: FSMContext, services: Services) -> None:
    """A typed province, or directly a regency/city name ("kab bekasi", "jogja")."""
    provinces = services.regions.match_provinces(message.text)
    if len(provinces) == 1:
        await state.update_data(province_code=provinces[0].code, regency_code=None)
        await ask(Registration.regency, message, state, services)
        return
    lookup = services.regions.match_regencies(message.text)
    if lookup.best is not None:
        await _store_regency(lookup.best, message, state, services)
    elif lookup.candidates or provinces:
        await _offer(message, lookup.candidates, [(p.code, p.name) for p in provinces])
    else:
        await message.answer(_("error-place-not-found"))
        await ask(Registration.province, message, state, services)


@router.message(Registration.regency, F.text)
async def regency_typed(message: Message, state: FSMContext, services: Services) -> None:
    """A typed regency/city, looked up in the chosen province first, then everywhere."""
    province_code = (await state.get_data()).get("province_code")
    lookup = services.regions.match_regencies(message.text, province_code)
    if lookup.best is None and not lookup.candidates:
        lookup = services.regions.match_regencies(message.text)
    if lookup.best is not None:
        await _store_regency(lookup.best, message, state, services)
    elif lookup.candidates:
        await _offer(message, lookup.candidates, [])
    else:
        await message.answer(_("error-place-not-found"))
        await ask(Registration.regency, message, state, services)
