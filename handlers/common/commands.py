"""The command list Telegram shows in the "/" menu, in each language."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import BotCommand
from aiogram.utils.i18n import I18n

from bot.errors import N_
from bot.languages import SUPPORTED_LOCALES

COMMANDS = {
    "start": N_("cmd-start"),
    "daftar": N_("cmd-daftar"),
    "status": N_("cmd-status"),
    "ubah": N_("cmd-ubah"),
    "kelayakan": N_("cmd-kelayakan"),
    "blk": N_("cmd-blk"),
    "phk": N_("cmd-phk"),
    "jadwal": N_("cmd-jadwal"),
    "hadir": N_("cmd-hadir"),
    "sertifikat": N_("cmd-sertifikat"),
    "langkah": N_("cmd-langkah"),
    "cek": N_("cmd-cek"),
    "batal_jadwal": N_("cmd-batal-jadwal"),
    "datasaya": N_("cmd-datasaya"),
    "hapusdata": N_("cmd-hapusdata"),
    "bahasa": N_("cmd-bahasa"),
    "tanya": N_("cmd-tanya"),
    "tiket": N_("cmd-tiket"),
    "faq": N_("cmd-faq"),
    "bantuan": N_("cmd-bantuan"),
    "batal": N_("cmd-batal"),
}


async def publish_commands(bot: Bot, i18n: I18n) -> None:
    """The default list is in the default language; each other language gets its own."""
    for locale in SUPPORTED_LOCALES:
        commands = [
            BotCommand(command=name, description=i18n.gettext(key, locale=locale))
            for name, key in COMMANDS.items()
        ]
        language = None if locale == i18n.default_locale else locale
        await bot.set_my_commands(commands, language_code=language)
