"""Coordinators' and administrators' own "/" menu and /bantuan.

Telegram shows a chat the commands set for that chat (`BotCommandScopeChat`) before the
default ones, so staff see their tools and nobody else learns they exist. The menus are
set when a role is granted or revoked and, for everyone holding one, when the bot starts.
"""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command
from aiogram.types import BotCommand, BotCommandScopeChat, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.errors import N_
from bot.languages import SUPPORTED_LOCALES
from bot.services import Services
from handlers.common import keyboards
from handlers.common.blueprint import Blueprint
from handlers.common.commands import COMMANDS
from handlers.common.filters import HasRole

logger = logging.getLogger(__name__)
router = Blueprint(name=__name__)

COORDINATOR_COMMANDS = {
    "peserta": N_("cmd-peserta"),
    "statistik": N_("cmd-statistik"),
    "siaran": N_("cmd-siaran"),
    "tiket": N_("cmd-tiket-staff"),
    "cari": N_("cmd-cari"),
    "faqcelah": N_("cmd-faqcelah"),
}
ADMIN_COMMANDS = {
    "koordinator": N_("cmd-koordinator"),
    **COORDINATOR_COMMANDS,
    "faqmuat": N_("cmd-faqmuat"),
    "faqajaran": N_("cmd-faqajaran"),
    "cabutsertifikat": N_("cmd-cabutsertifikat"),
}


def _menu(admin: bool) -> dict[str, str]:
    """The staff tools first, then everything a participant has (a coordinator may test)."""
    staff = ADMIN_COMMANDS if admin else COORDINATOR_COMMANDS
    return {**staff, **{name: key for name, key in COMMANDS.items() if name not in staff}}


async def publish_staff_menu(bot: Bot, i18n: I18n, chat_id: int, *, admin: bool) -> None:
    """The chat's own menu in each language. A chat that never opened the bot cannot be
    given one (Telegram: chat not found); it gets it at the next start."""
    try:
        for locale in SUPPORTED_LOCALES:
            commands = [
                BotCommand(command=name, description=i18n.gettext(key, locale=locale))
                for name, key in _menu(admin).items()
            ]
            language = None if locale == i18n.default_locale else locale
            scope = BotCommandScopeChat(chat_id=chat_id)
            await bot.set_my_commands(commands, scope=scope, language_code=language)
    except TelegramAPIError as error:
        logger.warning("no staff menu for chat %s: %s", chat_id, type(error).__name__)


async def remove_staff_menu(bot: Bot, i18n: I18n, chat_id: int) -> None:
    """Back to the menu everyone has."""
    try:
        for locale in SUPPORTED_LOCALES:
            language = None if locale == i18n.default_locale else locale
            scope = BotCommandScopeChat(chat_id=chat_id)
            await bot.delete_my_commands(scope=scope, language_code=language)
    except TelegramAPIError as error:
        logger.warning("staff menu of chat %s not removed: %s", chat_id, type(error).__name__)


async def publish_staff_menus(bot: Bot, i18n: I18n, services: Services) -> None:
    """At start: every administrator and coordinator, in case roles changed while down."""
    admins = services.roles.admin_ids
    for admin in sorted(admins):
        await publish_staff_menu(bot, i18n, admin, admin=True)
    for coordinator in await services.roles.coordinators():
        if coordinator.telegram_id not in admins:
            await publish_staff_menu(bot, i18n, coordinator.telegram_id, admin=False)


@router.message(Command("bantuan", "help"), HasRole())
async def cmd_bantuan_staff(message: Message, services: Services) -> None:
    """Staff tools first, then the participants' help (works in any state, like theirs)."""
    tools = _("help-staff-admin") if services.roles.is_admin(message.from_user.id) else ""
    text = "\n\n".join(part for part in (_("help-staff"), tools, _("help-text")) if part)
    await message.answer(text, reply_markup=keyboards.ask_button())
