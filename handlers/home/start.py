"""Entry points available anywhere: /start, /bantuan, /batal and the main menu."""

from __future__ import annotations

from aiogram import F
from aiogram.filters import Command, CommandStart, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from bot.services import Services
from handlers.common import keyboards, paused
from handlers.common.blueprint import Blueprint
from handlers.common.callbacks import MenuAction, MenuCb
from handlers.common.replies import alert, close_keyboard

router = Blueprint(name=__name__)


@router.message(Command("batal"))
async def cmd_batal(message: Message, state: FSMContext, services: Services) -> None:
    """Leaves the running conversation, its answers discarded; with none running, the one
    put aside goes. A flow put aside under the one left is offered again."""
    running = await state.get_state() is not None
    await state.clear()
    if not running and await paused.discard(state):
        running = True
    await message.answer(
        _("cancelled") if running else _("nothing-to-cancel"), reply_markup=keyboards.REMOVE
    )
    menu = await keyboards.menu_for(message.from_user.id, services)
    await message.answer(_("menu-title"), reply_markup=menu)
    if flow := await paused.paused_flow(state):
        text, buttons = await paused.offer(state, flow)
        await message.answer(text, reply_markup=buttons)


@router.message(Command("bantuan", "help"))
async def cmd_bantuan(message: Message, state: FSMContext) -> None:
    """Works in any state; in a flow, ends with the way back to its open question."""
    markup = keyboards.ask_button()
    if flow := await paused.open_flow(state):
        markup.inline_keyboard.extend(paused.resume_buttons(flow).inline_keyboard)
    await message.answer(_("help-text"), reply_markup=markup)


@router.callback_query(MenuCb.filter(F.action == MenuAction.HELP))
async def help_chosen(callback: CallbackQuery) -> None:
    await callback.bot.send_message(
        callback.from_user.id, _("help-text"), reply_markup=keyboards.ask_button()
    )


@router.message(CommandStart())
async def cmd_start(message: Message, state: FSMContext, services: Services) -> None:
    """Greets, says the training is free, and shows the main menu, in any state: a flow
    of the person's is put aside with its answers and offered again (continue or start
    over); a staff conversation ends, as with /batal."""
    if flow := await paused.open_flow(state):
        await paused.pause(state)
    else:
        await state.clear()
        flow = await paused.paused_flow(state)
    await message.answer(_("start-greeting"), reply_markup=keyboards.REMOVE)
    menu = await keyboards.menu_for(message.from_user.id, services)
    await message.answer(_("menu-title"), reply_markup=menu)
    if flow in paused.RESUMABLE:
        text, buttons = await paused.offer(state, flow)
        await message.answer(text, reply_markup=buttons)


@router.callback_query(MenuCb.filter(F.action == MenuAction.HOME), StateFilter(None))
async def home_chosen(callback: CallbackQuery, services: Services) -> None:
    menu = await keyboards.menu_for(callback.from_user.id, services)
    await callback.bot.send_message(callback.from_user.id, _("menu-title"), reply_markup=menu)


@router.callback_query(MenuCb.filter(), ~StateFilter(None))
async def menu_in_flow(callback: CallbackQuery, callback_answer: CallbackAnswer) -> None:
    """An old menu pressed mid-conversation: keep the conversation, say how to leave it."""
    await close_keyboard(callback)
    alert(callback_answer, _("error-menu-in-flow"))
