"""Translations: catalogs compiled from the .po files at start-up, so no build step is needed."""

from __future__ import annotations

import gettext
import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from aiogram.types import TelegramObject, User
from aiogram.utils.i18n import I18n, I18nMiddleware
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.languages import SUPPORTED_LOCALES
from bot.preferences import PreferenceService
from locales import DOMAIN, LOCALES_DIR


class CatalogI18n(I18n):
    """aiogram's I18n reading .po directly; a stale or missing .mo can never be served."""

    def find_locales(self) -> dict[str, gettext.GNUTranslations]:
        translations: dict[str, gettext.GNUTranslations] = {}
        for po_path in sorted(self.path.glob(f"*/LC_MESSAGES/{self.domain}.po")):
            locale = po_path.parent.parent.name
            with po_path.open("rb") as po_file:
                catalog = read_po(po_file, locale=locale)
            buffer = io.BytesIO()
            write_mo(buffer, catalog)
            buffer.seek(0)
            translations[locale] = gettext.GNUTranslations(buffer)
        return translations

    @contextmanager
    def context(self) -> Iterator[I18n]:
        """Register as *the* I18n: aiogram's `gettext` looks up `I18n`, not subclasses."""
        token = I18n.set_current(self)
        try:
            yield self
        finally:
            I18n.reset_current(token)


def create_i18n(default_locale: str) -> CatalogI18n:
    return CatalogI18n(path=LOCALES_DIR, default_locale=default_locale, domain=DOMAIN)


def locale_from_telegram(language_code: str | None, default: str) -> str:
    """Map Telegram's IETF tag ("en-US", "id") to a locale we have, else the default."""
    if language_code:
        base = language_code.split("-")[0].lower()
        if base in SUPPORTED_LOCALES:
            return base
    return default


class UserLocaleMiddleware(I18nMiddleware):
    """The language a user chose with /bahasa, else their Telegram app's language."""

    def __init__(self, i18n: I18n, preferences: PreferenceService) -> None:
        super().__init__(i18n=i18n)
        self._preferences = preferences

    async def get_locale(self, event: TelegramObject, data: dict[str, Any]) -> str:
        user: User | None = data.get("event_from_user")
        if user is None:
            return self.i18n.default_locale
        chosen = await self._preferences.locale(user.id)
        if chosen in SUPPORTED_LOCALES:
            return chosen
        return locale_from_telegram(user.language_code, self.i18n.default_locale)
