"""What a registered person does next, as a short paragraph with its buttons: choose a
batch at a BLK near home while they have no place, their schedule once they have one.

Shown under the registration's success message and /status, so nobody is left at a
dead end.
"""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.registration.participants import Participant
from bot.training.placements import Placement
from handlers.common.callbacks import MenuAction, MenuCb, PlaceCb


def next_step(
    participant: Participant, placement: Placement | None
) -> tuple[str, InlineKeyboardMarkup]:
    builder = InlineKeyboardBuilder()
    if placement is None:
        text = _("next-step-choose-batch")
        builder.button(
            text=_("btn-next-batches-near-home"),
            callback_data=PlaceCb(regency=participant.regency_code),
        )
        builder.button(
            text=_("btn-next-other-blk"), callback_data=MenuCb(action=MenuAction.NEAREST_BLK)
        )
    else:
        text = _("next-step-seat") if placement.position is None else _("next-step-waitlist")
        builder.button(
            text=_("menu-my-schedule"), callback_data=MenuCb(action=MenuAction.MY_SCHEDULE)
        )
        builder.button(
            text=_("menu-nearest-blk"), callback_data=MenuCb(action=MenuAction.NEAREST_BLK)
        )
    builder.adjust(1)
    return text, builder.as_markup()
