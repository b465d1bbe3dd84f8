"""Translations for messages written outside an update, in their recipient's language.

Inside an update aiogram's i18n middleware sets the language from the user. The outbox
sender runs outside any update, so a message it writes must set up the translations
itself: the language the recipient chose with /bahasa, else the default (their
Telegram app's language is only known while they write to the bot).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiogram.utils.i18n import I18n

from bot.preferences import PreferenceService


class RecipientLanguage:
    def __init__(self, i18n: I18n, preferences: PreferenceService) -> None:
        self._i18n = i18n
        self._preferences = preferences

    @asynccontextmanager
    async def of(self, chat_id: int) -> AsyncIterator[str]:
        """`gettext` speaks to `chat_id` inside the block; yields the locale used."""
        locale = await self._preferences.locale(chat_id) or self._i18n.default_locale
        # aiogram's gettext looks up the current `I18n` instance, not subclasses.
        token = I18n.set_current(self._i18n)
        try:
            with self._i18n.use_locale(locale):
                yield locale
        finally:
            I18n.reset_current(token)
