"""Unexpected exceptions: log without personal data, apologise, keep the conversation."""

from __future__ import annotations

import logging

from aiogram import Bot, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.types import ErrorEvent
from aiogram.utils.i18n import gettext as _

logger = logging.getLogger(__name__)
router = Router(name=__name__)


@router.errors()
async def unexpected_error(event: ErrorEvent, bot: Bot) -> bool:
    """Services commit in one transaction, so a failure leaves nothing half-saved."""
    update = event.update
    # Only ids and the exception type: the update text may hold a NIK or phone number.
    logger.error(
        "update %s failed: %s",
        update.update_id,
        type(event.exception).__name__,
        exc_info=(type(event.exception), event.exception, event.exception.__traceback__),
    )
    user = update.event.from_user if hasattr(update.event, "from_user") else None
    if user is not None:
        try:
            await bot.send_message(user.id, _("error-internal"))
        except TelegramAPIError:
            logger.warning("could not send the apology for update %s", update.update_id)
    return True
