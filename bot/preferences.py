"""Per-account preferences that outlive conversations (today: the chosen language)."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

from storage.database import Database
from storage.repositories import Repositories

# Every update needs its sender's language; a choice made on another instance shows
# there after this long at most.
LOCALE_CACHE_SECONDS = 60.0


class PreferenceService:
    def __init__(self, db: Database, clock: Callable[[], float] = time.monotonic) -> None:
        self._db = db
        self._clock = clock
        # telegram_id -> (until, locale); one lifetime for all, so insertion order is expiry order
        self._locales: OrderedDict[int, tuple[float, str | None]] = OrderedDict()

    async def locale(self, telegram_id: int) -> str | None:
        now = self._clock()
        while self._locales and next(iter(self._locales.values()))[0] <= now:
            self._locales.popitem(last=False)
        if (cached := self._locales.get(telegram_id)) is not None:
            return cached[1]
        async with self._db.joined() as session:
            locale = await Repositories(session).users.locale(telegram_id)
        self._locales[telegram_id] = (now + LOCALE_CACHE_SECONDS, locale)
        return locale

    async def set_locale(self, telegram_id: int, locale: str) -> None:
        async with self._db.transaction() as session:
            await Repositories(session).users.set_locale(telegram_id, locale)
        self.forget(telegram_id)

    def forget(self, telegram_id: int) -> None:
        """Drop the cached language now and again once the update commits (a read before
        the commit saw the old one): after a change, or after the account was erased."""
        self._forget(telegram_id)
        if (unit := self._db.unit()) is not None:
            unit.after_commit(lambda: self._forget(telegram_id))

    def _forget(self, telegram_id: int) -> None:
        self._locales.pop(telegram_id, None)
