"""Registration, part 4: business status and sector, and whether a layoff (PHK) hit them."""

from __future__ import annotations

from datetime import date

from aiogram import F
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.registration.months import MonthError, parse_month, recent_months
from bot.registration.participants import BusinessStatus, Sector
from bot.services import Services
from handlers.common.blueprint import Blueprint
from handlers.common.callbacks import RegCb, RegStep
from handlers.common.errors import error_text
from handlers.common.replies import close_keyboard
from handlers.registration.questions import advance, ask
from handlers.registration.states import Registration

router = Blueprint(name=__name__)

_BUSINESS_VALUES = {s.value for s in BusinessStatus}
_SECTOR_VALUES = {s.value for s in Sector}
# Questions answered by picking from a fixed list, and where the answer is stored.
_LISTED = {
    Registration.business.state: (Registration.business, "business_status"),
    Registration.sector.state: (Registration.sector, "business_sector"),
}


@router.callback_query(
    Registration.business,
    RegCb.filter((F.step == RegStep.BUSINESS) & F.value.in_(_BUSINESS_VALUES)),
)
@router.callback_query(
    Registration.sector,
    RegCb.filter((F.step == RegStep.SECTOR) & F.value.in_(_SECTOR_VALUES)),
)
async def listed_option_chosen(
    callback: CallbackQuery, callback_data: RegCb, state: FSMContext, services: Services
) -> None:
    """Stores the business status (then asks the sector) or the sector (then asks PHK)."""
    question, answer_key = _LISTED[await state.get_state()]
    await close_keyboard(callback)
    await state.update_data({answer_key: callback_data.value})
    await advance(question, callback, state, services)


@router.callback_query(
    Registration.phk, RegCb.filter((F.step == RegStep.PHK) & F.value.in_({"0", "1"}))
)
async def phk_chosen(
    callback: CallbackQuery, callback_data: RegCb, state: FSMContext, services: Services
) -> None:
    """Stores whether a layoff hit them; asks the month only if it did."""
    await close_keyboard(callback)
    affected = callback_data.value == "1"
    await state.update_data(phk_affected=affected, phk_month=None)
    await advance(Registration.phk, callback, state, services)


async def _store_month(
    month: date, event: Message | CallbackQuery, state: FSMContext, services: Services
) -> None:
    await state.update_data(phk_month=month.isoformat())
    await advance(Registration.phk_month, event, state, services)


@router.callback_query(Registration.phk_month, RegCb.filter(F.step == RegStep.PHK_MONTH))
async def phk_month_chosen(
    callback: CallbackQuery, callback_data: RegCb, state: FSMContext, services: Services
) -> None:
    """Stores a month offered on the buttons; anything else is a forged or stale button."""
    offered = {m.strftime("%Y-%m"): m for m in recent_months(services.registrations.clock.today())}
    month = offered.get(callback_data.value)
    if month is None:
        await ask(Registration.phk_month, callback, state, services)
        return
    await close_keyboard(callback)
    await _store_month(month, callback, state, services)


@router.message(Registration.phk_month, F.text)
async def phk_month_typed(message: Message, state: FSMContext, services: Services) -> None:
    """Accepts an older month typed as "03/2024" or "Maret 2024"."""
    try:
        month = parse_month(message.text, services.registrations.clock.today())
    except MonthError as exc:
        await message.answer(error_text(exc))
        await ask(Registration.phk_month, message, state, services)
        return
    await _store_month(month, message, state, services)
