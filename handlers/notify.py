"""Messages to someone other than the person who pressed the button."""

from __future__ import annotations

from contextlib import suppress

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n.context import get_i18n

from bot.services import Services
from handlers.render_batches import placement_text


async def tell_promoted(bot: Bot, services: Services, telegram_id: int) -> None:
    """The first person on the waitlist got the seat: tell them, in their language."""
    placement = await services.enrollment.placement(telegram_id)
    if placement is None:
        return
    locale = await services.preferences.locale(telegram_id) or get_i18n().default_locale
    with get_i18n().use_locale(locale):
        headline = _("batch-promoted")
        text = f"{headline}\n\n{placement_text(placement)}"
    # Blocked the bot or deleted the account: the seat is theirs all the same.
    with suppress(TelegramAPIError):
        await bot.send_message(telegram_id, text)
