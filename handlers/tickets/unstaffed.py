"""The honest answer when no coordinator and no admin could receive a question.

Taking a question nobody will read would leave the person waiting for nothing, so they
are told at once and pointed to what still helps: the FAQ, the nearest BLKs, and the
phone of their own BLK when the directory has one.
"""

from __future__ import annotations

from aiogram import html
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.tickets.views import Reach
from handlers.common.callbacks import FaqAction, FaqCb, MenuAction, MenuCb


def unstaffed_text(reach: Reach) -> str:
    lines = [_("ticket-no-staff")]
    if reach.blk_name and reach.blk_phone:
        phone = _("ticket-no-staff-phone").format(
            blk=html.quote(reach.blk_name), phone=html.quote(reach.blk_phone)
        )
        lines.append(phone)
    return "\n".join(lines)


def unstaffed_buttons() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("btn-ticket-faq"), callback_data=FaqCb(action=FaqAction.TOPICS))
    builder.button(text=_("menu-nearest-blk"), callback_data=MenuCb(action=MenuAction.NEAREST_BLK))
    builder.adjust(1)
    return builder.as_markup()
