"""/siaran, first step: the coordinator writes the message (text, or a photo or document
with a caption); it is kept as Telegram HTML with the file id, then the audience is asked."""

from __future__ import annotations

from aiogram import Bot, F
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from bot.coordinators.broadcasts import Draft, MediaKind
from bot.coordinators.roles import Scope
from bot.telegram_text import utf16_length
from handlers.common.blueprint import Blueprint
from handlers.common.filters import HasRole
from handlers.coordinators.broadcast.render import audience_menu, number

router = Blueprint(name=__name__)
# Included after the other broadcast routers: what none of their steps took.
retry_router = Blueprint(name=f"{__name__}.retry")


class Compose(StatesGroup):
    message = State()
    audience = State()
    target = State()
    preview = State()


def _draft_of(message: Message) -> Draft:
    if message.photo:
        return Draft(message.html_text, MediaKind.PHOTO, message.photo[-1].file_id)
    if message.document:
        return Draft(message.html_text, MediaKind.DOCUMENT, message.document.file_id)
    return Draft(message.html_text)


async def ask_audience(bot: Bot, chat_id: int, state: FSMContext, scope: Scope, text: str) -> None:
    await state.set_state(Compose.audience)
    await bot.send_message(chat_id, text, reply_markup=audience_menu(scope))


@router.message(Command("siaran"), StateFilter(None), HasRole())
async def cmd_siaran(message: Message, state: FSMContext) -> None:
    """Starts a broadcast; asks for the message."""
    await state.set_state(Compose.message)
    await message.answer(_("bc-ask-message"))


@router.message(
    Compose.message, (F.text & ~F.text.startswith("/")) | F.photo | F.document, HasRole()
)
async def message_composed(message: Message, state: FSMContext, scope: Scope) -> None:
    """Stores the draft; asks who should receive it."""
    draft = _draft_of(message)
    length = utf16_length(message.text or message.caption or "")
    if (limit := draft.too_long(length)) is not None:
        await message.answer(_("bc-too-long").format(limit=number(limit), length=number(length)))
        return
    await state.update_data(draft=draft.as_dict())
    await ask_audience(message.bot, message.chat.id, state, scope, _("bc-ask-audience"))


@retry_router.message(Compose.message)
async def message_unsupported(message: Message) -> None:
    await message.answer(_("bc-message-unsupported"))


@retry_router.message(StateFilter(Compose.audience, Compose.target, Compose.preview))
async def button_expected(message: Message) -> None:
    await message.answer(_("bc-press-button"))
