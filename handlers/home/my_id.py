"""/id: anyone can see their Telegram id, to give it to an administrator who grants a role."""

from __future__ import annotations

from aiogram.filters import Command
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from handlers.common.blueprint import Blueprint

router = Blueprint(name=__name__)


@router.message(Command("id"))
async def cmd_id(message: Message) -> None:
    """Works in any state, like /bantuan: it changes nothing."""
    await message.answer(_("my-id").format(telegram_id=message.from_user.id))
