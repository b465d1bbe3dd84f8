"""Keyboard builders: ids in, markup out; labels come from the catalogs."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from aiogram.types import (
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.places.types import Province, Regency
from bot.services import Services
from handlers.common.callbacks import AskCb, EraseCb, LangCb, MenuAction, MenuCb, RegCb, RegStep
from handlers.common.render import BUSINESS_LABELS, SECTOR_LABELS, month_label

REMOVE = ReplyKeyboardRemove()


def main_menu(ask_origin: str = "menu", *, registered: bool = False) -> InlineKeyboardMarkup:
    """`ask_origin` tells "Tanya petugas" where the person came from (menu, faq); someone
    `registered` is not offered "Daftar" again."""
    builder = InlineKeyboardBuilder()
    items = [] if registered else [(MenuAction.REGISTER, _("menu-register"))]
    items += [
        (MenuAction.ELIGIBILITY, _("menu-eligibility")),
        (MenuAction.NEAREST_BLK, _("menu-nearest-blk")),
        (MenuAction.MY_SCHEDULE, _("menu-my-schedule")),
        (MenuAction.PHK, _("menu-phk")),
        (MenuAction.STATUS, _("menu-status")),
        (MenuAction.HELP, _("menu-help")),
    ]
    for action, label in items:
        builder.button(text=label, callback_data=MenuCb(action=action))
    builder.button(text=_("menu-ask"), callback_data=AskCb(origin=ask_origin))
    builder.adjust(*([2, 2, 2, 1] if registered else [1, 2, 2, 2, 1]))
    return builder.as_markup()


async def menu_for(
    user_id: int, services: Services, ask_origin: str = "menu"
) -> InlineKeyboardMarkup:
    """The main menu as this person needs it (see `main_menu`)."""
    registered = await services.registrations.is_registered(user_id)
    return main_menu(ask_origin, registered=registered)


def ask_button() -> InlineKeyboardMarkup:
    """ "Tanya petugas" under the help text: a person can always reach a human."""
    builder = InlineKeyboardBuilder()
    builder.button(text=_("menu-ask"), callback_data=AskCb(origin="menu"))
    return builder.as_markup()


def choices(step: RegStep, options: Iterable[tuple[str, str]], columns: int = 1):
    """Inline buttons for one question: (value, label) pairs."""
    builder = InlineKeyboardBuilder()
    for value, label in options:
        builder.button(text=label, callback_data=RegCb(step=step, value=value))
    builder.adjust(columns)
    return builder


def yes_no(step: RegStep, yes: str, no: str) -> InlineKeyboardMarkup:
    return choices(step, [("1", yes), ("0", no)], columns=2).as_markup()


def consent() -> InlineKeyboardMarkup:
    return yes_no(RegStep.CONSENT, _("btn-consent-agree"), _("btn-consent-decline"))


def share_contact() -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text=_("btn-share-contact"), request_contact=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
        input_field_placeholder="08xxxxxxxxxx",
    )


def provinces(items: Iterable[Province], likely: Province | None = None) -> InlineKeyboardMarkup:
    """Every province; the `likely` one (from the NIK) first, on its own row."""
    builder = choices(RegStep.PROVINCE, ((p.code, p.name) for p in items), columns=2)
    if likely is not None:
        label = _("btn-province-from-nik").format(province=likely.name)
        first = choices(RegStep.PROVINCE, [(likely.code, label)])
        first.attach(builder)
        builder = first
    return builder.as_markup()


def regencies(items: Iterable[Regency], with_back: bool = True) -> InlineKeyboardMarkup:
    builder = choices(RegStep.REGENCY, ((r.code, r.short_name) for r in items), columns=2)
    if with_back:
        builder.row(*choices(RegStep.PROVINCE, [("-", _("btn-change-province"))]).buttons)
    return builder.as_markup()


def business() -> InlineKeyboardMarkup:
    options = ((status.value, str(label)) for status, label in BUSINESS_LABELS.items())
    return choices(RegStep.BUSINESS, options).as_markup()


def sectors() -> InlineKeyboardMarkup:
    options = ((sector.value, str(label)) for sector, label in SECTOR_LABELS.items())
    return choices(RegStep.SECTOR, options, columns=2).as_markup()


def months(items: Iterable[date]) -> InlineKeyboardMarkup:
    options = ((m.strftime("%Y-%m"), month_label(m)) for m in items)
    return choices(RegStep.PHK_MONTH, options, columns=3).as_markup()


EDITABLE_FIELDS = ("name", "nik", "phone", "domicile", "business", "phk")


def review(*, update: bool = False) -> InlineKeyboardMarkup:
    """The edit buttons and the one that saves: a new registration is sent, an `update`
    of a saved one saves the changes."""
    labels = {
        "name": _("btn-edit-name"),
        "nik": _("btn-edit-nik"),
        "phone": _("btn-edit-phone"),
        "domicile": _("btn-edit-domicile"),
        "business": _("btn-edit-business"),
        "phk": _("btn-edit-phk"),
    }
    builder = choices(RegStep.EDIT, ((f, labels[f]) for f in EDITABLE_FIELDS), columns=2)
    submit = _("btn-save-changes") if update else _("btn-submit")
    builder.row(*choices(RegStep.SUBMIT, [("1", submit)]).buttons)
    return builder.as_markup()


def erase_confirm() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("btn-erase-yes"), callback_data=EraseCb(confirm=True))
    builder.button(text=_("btn-erase-no"), callback_data=EraseCb(confirm=False))
    builder.adjust(1)
    return builder.as_markup()


def languages() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text="🇮🇩 Bahasa Indonesia", callback_data=LangCb(locale="id"))
    builder.button(text="🇬🇧 English", callback_data=LangCb(locale="en"))
    builder.adjust(2)
    return builder.as_markup()
