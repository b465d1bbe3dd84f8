"""Buttons of the PHK pathway; month and sector reuse the registration's keyboards."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.phk.pathway import PhkBusiness, Wish
from handlers.common.callbacks import (
    AskCb,
    MenuAction,
    MenuCb,
    PhkAction,
    PhkActionCb,
    PhkCb,
    PhkStep,
)

PHK_BUSINESS_LABELS = {
    PhkBusiness.IDEA: __("phk-business-idea"),
    PhkBusiness.RUNNING: __("phk-business-running"),
    PhkBusiness.NONE: __("phk-business-none"),
}

WISH_LABELS = {
    Wish.BOTH: __("phk-wish-both"),
    Wish.COUNSELLING: __("phk-wish-counselling"),
    Wish.CAPITAL: __("phk-wish-capital"),
    Wish.NEITHER: __("phk-wish-neither"),
}


def _back() -> InlineKeyboardButton:
    return InlineKeyboardButton(
        text=_("phk-btn-back"), callback_data=PhkCb(step=PhkStep.BACK).pack()
    )


def with_back(markup: InlineKeyboardMarkup | None = None) -> InlineKeyboardMarkup:
    """`markup` (or no buttons) with "back to the previous question" underneath."""
    rows = markup.inline_keyboard if markup else []
    return InlineKeyboardMarkup(inline_keyboard=[*rows, [_back()]])


def _options(step: PhkStep, labels: dict) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for value, label in labels.items():
        builder.button(text=str(label), callback_data=PhkCb(step=step, value=value))
    builder.adjust(1)
    return with_back(builder.as_markup())


def business() -> InlineKeyboardMarkup:
    return _options(PhkStep.BUSINESS, PHK_BUSINESS_LABELS)


def wishes() -> InlineKeyboardMarkup:
    return _options(PhkStep.WISH, WISH_LABELS)


def jkp() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("phk-btn-jkp"), callback_data=PhkActionCb(action=PhkAction.JKP))
    return builder.as_markup()


def summary(*, registered: bool) -> InlineKeyboardMarkup:
    """What to do next; someone `registered` is not offered "Daftar" (the question whether
    to update the registration follows the summary instead)."""
    builder = InlineKeyboardBuilder()
    if not registered:
        builder.button(
            text=_("menu-register"), callback_data=PhkActionCb(action=PhkAction.REGISTER)
        )
    builder.button(text=_("menu-nearest-blk"), callback_data=MenuCb(action=MenuAction.NEAREST_BLK))
    builder.button(text=_("phk-btn-jkp"), callback_data=PhkActionCb(action=PhkAction.JKP))
    builder.button(text=_("menu-next-steps"), callback_data=MenuCb(action=MenuAction.NEXT_STEPS))
    builder.button(text=_("menu-ask"), callback_data=AskCb(origin="phk"))
    builder.adjust(1)
    return builder.as_markup()


def update_registration() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("phk-btn-update"), callback_data=PhkActionCb(action=PhkAction.UPDATE))
    builder.button(text=_("phk-btn-keep"), callback_data=PhkActionCb(action=PhkAction.KEEP))
    builder.adjust(1)
    return builder.as_markup()
