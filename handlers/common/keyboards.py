"""Keyboard builders: ids in, markup out; labels come from the catalogs."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from aiogram.filters.callback_data import CallbackData
from aiogram.types import (
    InlineKeyboardButton,
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
    items = [] if registered else [(MenuCb(action=MenuAction.REGISTER), _("menu-register"))]
    items += [
        (MenuCb(action=MenuAction.ELIGIBILITY), _("menu-eligibility")),
        (MenuCb(action=MenuAction.NEAREST_BLK), _("menu-nearest-blk")),
        (MenuCb(action=MenuAction.MY_SCHEDULE), _("menu-my-schedule")),
        (MenuCb(action=MenuAction.PHK), _("menu-phk")),
        (MenuCb(action=MenuAction.STATUS), _("menu-status")),
        (MenuCb(action=MenuAction.NEXT_STEPS), _("menu-next-steps")),
        (MenuCb(action=MenuAction.HELP), _("menu-help")),
        (AskCb(origin=ask_origin), _("menu-ask")),
    ]
    buttons = [_button(data, label) for data, label in items]
    sizes = [2, 2, 2, 2] if registered else [1, 2, 2, 2, 2]
    rows, start = [], 0
    for size in sizes:
        rows.append(buttons[start : start + size])
        start += size
    return InlineKeyboardMarkup(inline_keyboard=rows)


async def menu_for(
    user_id: int, services: Services, ask_origin: str = "menu"
) -> InlineKeyboardMarkup:
    """The main menu as this person needs it (see `main_menu`)."""
    registered = await services.registrations.is_registered(user_id)
    return main_menu(ask_origin, registered=registered)


def ask_button() -> InlineKeyboardMarkup:
    """ "Tanya petugas" under the help text: a person can always reach a human."""
    return InlineKeyboardMarkup(inline_keyboard=[[_button(AskCb(origin="menu"), _("menu-ask"))]])


def _button(data: CallbackData, label: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=label, callback_data=data.pack())


def rows(
    step: RegStep, options: Iterable[tuple[str, str]], columns: int = 1
) -> list[list[InlineKeyboardButton]]:
    """Inline buttons for one question: (value, label) pairs, `columns` to a row.

    Built as plain rows: the builder copies every button added before at each `button()`
    and all of them again in `as_markup()`, which made the 38 provinces cost more than
    the rest of their update."""
    buttons = [_button(RegCb(step=step, value=value), label) for value, label in options]
    return [buttons[i : i + columns] for i in range(0, len(buttons), columns)]


def choices(
    step: RegStep, options: Iterable[tuple[str, str]], columns: int = 1
) -> InlineKeyboardBuilder:
    """`rows` in a builder, for keyboards that add more."""
    return InlineKeyboardBuilder(rows(step, options, columns))


def yes_no(step: RegStep, yes: str, no: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=rows(step, [("1", yes), ("0", no)], columns=2))


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
    keyboard = rows(RegStep.PROVINCE, ((p.code, p.name) for p in items), columns=2)
    if likely is not None:
        label = _("btn-province-from-nik").format(province=likely.name)
        keyboard.insert(0, [_button(RegCb(step=RegStep.PROVINCE, value=likely.code), label)])
    return InlineKeyboardMarkup(inline_keyboard=keyboard)


def regencies(items: Iterable[Regency], with_back: bool = True) -> InlineKeyboardMarkup:
    keyboard = rows(RegStep.REGENCY, ((r.code, r.short_name) for r in items), columns=2)
    if with_back:
        keyboard += rows(RegStep.PROVINCE, [("-", _("btn-change-province"))])
    return InlineKeyboardMarkup(inline_keyboard=keyboard)


def business() -> InlineKeyboardMarkup:
    options = ((status.value, str(label)) for status, label in BUSINESS_LABELS.items())
    return InlineKeyboardMarkup(inline_keyboard=rows(RegStep.BUSINESS, options))


def sectors() -> InlineKeyboardMarkup:
    options = ((sector.value, str(label)) for sector, label in SECTOR_LABELS.items())
    return InlineKeyboardMarkup(inline_keyboard=rows(RegStep.SECTOR, options, columns=2))


def months(items: Iterable[date]) -> InlineKeyboardMarkup:
    options = ((m.strftime("%Y-%m"), month_label(m)) for m in items)
    return InlineKeyboardMarkup(inline_keyboard=rows(RegStep.PHK_MONTH, options, columns=3))


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
    keyboard = rows(RegStep.EDIT, ((f, labels[f]) for f in EDITABLE_FIELDS), columns=2)
    submit = _("btn-save-changes") if update else _("btn-submit")
    keyboard += rows(RegStep.SUBMIT, [("1", submit)])
    return InlineKeyboardMarkup(inline_keyboard=keyboard)


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
