"""Registration, part 2: the phone number, typed or shared with Telegram's contact button."""

from __future__ import annotations

from aiogram import F
from aiogram.fsm.context import FSMContext
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from bot.registration.phone import PhoneError, mask_phone, normalise_phone
from bot.services import Services
from handlers.common import keyboards
from handlers.common.blueprint import Blueprint
from handlers.common.errors import error_text
from handlers.registration.questions import advance, ask
from handlers.registration.states import Registration

router = Blueprint(name=__name__)


async def _store_phone(raw: str, message: Message, state: FSMContext, services: Services) -> None:
    try:
        phone = normalise_phone(raw)
    except PhoneError as exc:
        await message.answer(error_text(exc))
        await ask(Registration.phone, message, state, services)
        return
    await state.update_data(phone=phone)
    await message.answer(
        _("reg-phone-saved").format(phone=mask_phone(phone)), reply_markup=keyboards.REMOVE
    )
    await advance(Registration.phone, message, state, services)


@router.message(Registration.phone, F.contact)
async def contact_shared(message: Message, state: FSMContext, services: Services) -> None:
    """Stores the number of the user's own contact card; someone else's is refused."""
    if message.contact.user_id != message.from_user.id:
        await message.answer(_("error-contact-not-own"))
        await ask(Registration.phone, message, state, services)
        return
    await _store_phone(message.contact.phone_number, message, state, services)


@router.message(Registration.phone, F.text)
async def phone_typed(message: Message, state: FSMContext, services: Services) -> None:
    """Stores a typed Indonesian mobile number in E.164 and asks the province."""
    await _store_phone(message.text, message, state, services)
