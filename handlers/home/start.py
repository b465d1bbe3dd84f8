"""Entry points available anywhere: /start, /bantuan, /batal and the main menu."""

from __future__ import annotations

from aiogram import F
from aiogram.filters import Command, CommandStart, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from handlers.common import keyboards
from handlers.common.blueprint import Blueprint
from handlers.common.callbacks import MenuAction, MenuCb
from handlers.common.replies import alert, close_keyboard

router = Blueprint(name=__name__)


@router.message(Command("batal"))
async def cmd_batal(message: Message, state: FSMContext) -> None:
    """Leaves any running conversation; answers already given are discarded."""
    text = _("cancelled") if await state.get_state() else _("nothing-to-cancel")
    await state.clear()
    await message.answer(text, reply_markup=keyboards.REMOVE)
    await message.answer(_("menu-title"), reply_markup=keyboards.main_menu())


@router.message(Command("bantuan", "help"))
async def cmd_bantuan(message: Message) -> None:
    await message.answer(_("help-text"), reply_markup=keyboards.ask_button())


@router.callback_query(MenuCb.filter(F.action == MenuAction.HELP))
async def help_chosen(callback: CallbackQuery) -> None:
    await callback.bot.send_message(
        callback.from_user.id, _("help-text"), reply_markup=keyboards.ask_button()
    )


@router.message(CommandStart(), StateFilter(None))
async def cmd_start(message: Message) -> None:
    """Greets, says the training is free, and shows the main menu."""
    await message.answer(_("start-greeting"), reply_markup=keyboards.REMOVE)
    await message.answer(_("menu-title"), reply_markup=keyboards.main_menu())


@router.callback_query(MenuCb.filter(), ~StateFilter(None))
async def menu_in_flow(callback: CallbackQuery, callback_answer: CallbackAnswer) -> None:
    """An old menu pressed mid-conversation: keep the conversation, say how to leave it."""
    await close_keyboard(callback)
    alert(callback_answer, _("error-menu-in-flow"))
