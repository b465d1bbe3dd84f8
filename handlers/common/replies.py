"""Small reply helpers shared by the journeys."""

from __future__ import annotations

from contextlib import suppress

from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from bot.directory.service import BlkInfo
from bot.services import Services
from bot.telegram_text import CALLBACK_ANSWER_LIMIT, fit
from handlers.common.callbacks import BlkCb


async def close_keyboard(callback: CallbackQuery) -> None:
    """Remove the buttons of an answered question, so an old button cannot be pressed twice."""
    if isinstance(callback.message, Message) and callback.message.reply_markup:
        # Already edited or too old to edit: the stale-button check still protects us.
        with suppress(TelegramBadRequest):
            await callback.message.edit_reply_markup(reply_markup=None)


def alert(callback_answer: CallbackAnswer, text: str) -> None:
    """Answer the button press with a pop-up; the middleware sends it exactly once."""
    callback_answer.text = fit(text, CALLBACK_ANSWER_LIMIT)
    callback_answer.show_alert = True


async def show_in_place(
    callback: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None
) -> None:
    """Browsing replaces the pressed message, so the chat does not fill with screens; a
    last screen (markup None) has no buttons left to press."""
    if isinstance(callback.message, Message):
        await callback.message.edit_text(text, reply_markup=markup)
    else:
        await callback.bot.send_message(callback.from_user.id, text, reply_markup=markup)


async def pressed_blk(
    callback_data: BlkCb, services: Services, callback_answer: CallbackAnswer
) -> BlkInfo | None:
    """The BLK a button names; None, after a stale-button alert, when the directory no
    longer lists it (an old message outliving a directory update)."""
    blk = await services.directory.blk(callback_data.blk)
    if blk is None:
        alert(callback_answer, _("error-stale-button"))
    return blk
