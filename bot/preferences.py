"""Per-account preferences that outlive conversations (today: the chosen language)."""

from __future__ import annotations

from storage.database import Database
from storage.repositories import Repositories


class PreferenceService:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def locale(self, telegram_id: int) -> str | None:
        async with self._db.transaction() as session:
            return await Repositories(session).users.locale(telegram_id)

    async def set_locale(self, telegram_id: int, locale: str) -> None:
        async with self._db.transaction() as session:
            await Repositories(session).users.set_locale(telegram_id, locale)
