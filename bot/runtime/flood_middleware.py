"""Applies `FloodGuard` to messages and button presses before any filter or handler runs."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import CallbackQuery, Message, TelegramObject, User
from aiogram.utils.i18n import gettext as _

from bot.coordinators.roles import RoleService
from bot.runtime.flood import FloodGuard, Verdict

# A revoked coordinator stays exempt this long at most; a granted one waits this long.
ROLE_CACHE_SECONDS = 60.0

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class FloodMiddleware(BaseMiddleware):
    """Outer middleware: a dropped update never reaches the handlers or their database work.

    Coordinators and admins are exempt (a broadcast or a CSV upload is many updates at
    once). Their role is looked up only for updates over the limit, and remembered for
    `ROLE_CACHE_SECONDS`, so ordinary updates cost no query.
    """

    def __init__(self, guard: FloodGuard, roles: RoleService) -> None:
        self._guard = guard
        self._roles = roles
        self._exempt_until: OrderedDict[int, tuple[float, bool]] = OrderedDict()

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user: User | None = data.get("event_from_user")
        if user is None:
            return await handler(event, data)
        verdict = self._guard.check(user.id)
        if verdict is Verdict.ALLOW or await self._exempt(user.id):
            return await handler(event, data)
        warning = _("flood-slow-down").format(seconds=round(self._guard.cooldown))
        if isinstance(event, CallbackQuery):
            # CallbackAnswerMiddleware is an inner middleware and never sees a dropped
            # press, so it is answered here: a button must not spin.
            await event.answer(warning if verdict is Verdict.WARN else None)
        elif (
            verdict is Verdict.WARN and isinstance(event, Message) and event.chat.type == "private"
        ):
            await event.answer(warning)
        return None

    async def _exempt(self, user_id: int) -> bool:
        now = self._guard.clock()
        # Entries share one lifetime, so insertion order is expiry order.
        while self._exempt_until and next(iter(self._exempt_until.values()))[0] <= now:
            self._exempt_until.popitem(last=False)
        if (cached := self._exempt_until.get(user_id)) is not None:
            return cached[1]
        exempt = await self._roles.scope_of(user_id) is not None
        self._exempt_until[user_id] = (now + ROLE_CACHE_SECONDS, exempt)
        return exempt
