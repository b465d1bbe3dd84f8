"""What went wrong, told to the user: refusals services raise, and crashes.

A `DomainError` no handler caught is answered politely in the user's language; anything
else is a crash: logged without personal data, and apologised for.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot, html
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import ExceptionTypeFilter
from aiogram.types import ErrorEvent, TelegramObject
from aiogram.utils.i18n import gettext as _

from bot.coordinators.audiences import NotInScope
from bot.coordinators.broadcasts import AlreadyFinished, BroadcastNotFound
from bot.crash_log import crash_trace
from bot.errors import DomainError, NotPermitted
from bot.tickets.views import TicketClosed, TicketNotFound
from handlers.common.blueprint import Blueprint
from handlers.common.replies import alert

logger = logging.getLogger(__name__)
router = Blueprint(name=__name__)

# Refusals about the button itself (what it points at is gone, closed or not the
# presser's) pop up on it, as stale buttons do everywhere; every other outcome of a
# press, and every refusal of a typed message, is a message in the chat.
BUTTON_REFUSALS = (
    NotPermitted,
    NotInScope,
    TicketNotFound,
    TicketClosed,
    BroadcastNotFound,
    AlreadyFinished,
)


def error_text(error: DomainError) -> str:
    """The error in the current user's language; typed values in it are HTML-escaped."""
    params = {
        name: html.quote(value) if isinstance(value, str) else value
        for name, value in error.params.items()
    }
    return _(error.key).format(**params)


class RefusalOnButton(BaseMiddleware):
    """Puts a button refusal into the press's pop-up.

    CallbackAnswerMiddleware answers every press once, also when its handler raised, and
    before the errors router runs: the text must be on that answer as the error leaves.
    """

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        try:
            return await handler(event, data)
        except BUTTON_REFUSALS as error:
            alert(data["callback_answer"], error_text(error))
            raise


@router.errors(ExceptionTypeFilter(DomainError))
async def refused(event: ErrorEvent, bot: Bot) -> bool:
    """A refusal whose handler had nothing more to do than say it: not a crash."""
    error = event.exception
    assert isinstance(error, DomainError)
    if event.update.callback_query is not None and isinstance(error, BUTTON_REFUSALS):
        return True  # told in the pop-up (RefusalOnButton)
    user = getattr(event.update.event, "from_user", None)
    if user is not None:
        await bot.send_message(user.id, error_text(error))
    return True


@router.errors()
async def unexpected_error(event: ErrorEvent, bot: Bot) -> bool:
    """Services commit in one transaction, so a failure leaves nothing half-saved."""
    update = event.update
    # Only ids and where it failed: the update text may hold a NIK or phone number.
    logger.error("update %s failed: %s", update.update_id, crash_trace(event.exception))
    user = update.event.from_user if hasattr(update.event, "from_user") else None
    if user is not None:
        try:
            await bot.send_message(user.id, _("error-internal"))
        except TelegramAPIError:
            logger.warning("could not send the apology for update %s", update.update_id)
    return True
