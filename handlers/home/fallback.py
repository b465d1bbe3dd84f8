"""Last router: whatever no journey took — free text, media, old buttons, other chats."""

from __future__ import annotations

from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from bot.services import Services
from handlers.common import keyboards
from handlers.common.blueprint import Blueprint
from handlers.common.replies import alert

router = Blueprint(name=__name__)


@router.message()
async def unknown_message(message: Message, services: Services) -> None:
    menu = await keyboards.menu_for(message.from_user.id, services)
    await message.answer(_("fallback-not-understood"), reply_markup=menu)


@router.callback_query()
async def unknown_button(callback: CallbackQuery, callback_answer: CallbackAnswer) -> None:
    alert(callback_answer, _("error-stale-button"))
