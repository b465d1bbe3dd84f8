"""Filters several journeys share: who may use a coordinator's or an administrator's handler.

Everyone else falls through to the later routers and finally the fallback, so nobody
learns such a command or button exists.
"""

from __future__ import annotations

from typing import Any

from aiogram.filters import BaseFilter
from aiogram.types import CallbackQuery, Message

from bot.coordinators.roles import COUNTRY
from bot.services import Services


class HasRole(BaseFilter):
    """Passes admins (and, unless `admin_only`, coordinators) on with their `scope`."""

    def __init__(self, *, admin_only: bool = False) -> None:
        self.admin_only = admin_only

    async def __call__(
        self, event: Message | CallbackQuery, services: Services
    ) -> bool | dict[str, Any]:
        user = event.from_user
        if user is None:
            return False
        if self.admin_only:
            return {"scope": COUNTRY} if services.roles.is_admin(user.id) else False
        scope = await services.roles.scope_of(user.id)
        return {"scope": scope} if scope is not None else False
