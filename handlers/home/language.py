"""/bahasa: switch between Indonesian and English; the choice is remembered."""

from __future__ import annotations

from aiogram.filters import Command, StateFilter, or_f
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.languages import SUPPORTED_LOCALES
from bot.preferences import PreferenceService
from bot.services import Services
from handlers.common import keyboards, paused
from handlers.common.blueprint import Blueprint
from handlers.common.callbacks import LangCb
from handlers.common.replies import alert, close_keyboard
from handlers.home import resume

router = Blueprint(name=__name__)


@router.message(Command("bahasa", "language"), or_f(StateFilter(None), resume.InResumableFlow()))
async def cmd_bahasa(message: Message) -> None:
    """Also in the middle of a flow, whose open question is then asked in the new language."""
    await message.answer(_("lang-choose"), reply_markup=keyboards.languages())


@router.callback_query(LangCb.filter())
async def language_chosen(
    callback: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: LangCb,
    preferences: PreferenceService,
    i18n: I18n,
    state: FSMContext,
    services: Services,
) -> None:
    """Stores the language and confirms in it; in a flow, asks its open question again."""
    if callback_data.locale not in SUPPORTED_LOCALES:
        alert(callback_answer, _("error-stale-button"))
        return
    await close_keyboard(callback)
    await preferences.set_locale(callback.from_user.id, callback_data.locale)
    flow = await paused.open_flow(state)
    with i18n.use_locale(callback_data.locale):
        if flow is None:
            menu = await keyboards.menu_for(callback.from_user.id, services)
            await callback.bot.send_message(callback.from_user.id, _("lang-set"), reply_markup=menu)
            return
        await callback.bot.send_message(callback.from_user.id, _("lang-set"))
        await resume.REPEAT[flow](callback, state, services)
