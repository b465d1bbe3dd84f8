"""Today's attendance of a batch, from its roster in /peserta: the day's code, its QR
code to show in class, who has checked in and who not yet, and a button per person to
mark them present or absent by hand (someone without a phone). Every press is checked
again by the service against the presser's scope and the batch's seats.
"""

from __future__ import annotations

from aiogram import F, html
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
)
from aiogram.utils.i18n import gettext as _

from bot.services import Services
from bot.telegram_text import fit
from bot.training.check_in import DaySheet
from bot.training.check_in_codes import deep_link, qr_png
from handlers.common.blueprint import Blueprint
from handlers.common.callbacks import CheckInAction, CheckInCb, DeskAction, DeskCb
from handlers.common.filters import HasRole
from handlers.common.render import long_date
from handlers.common.replies import show_in_place

router = Blueprint(name=__name__)

PER_PAGE = 10
NAME_ON_BUTTON = 28


def _hours(sheet: DaySheet) -> str:
    return f"{sheet.starts:%H.%M}–{sheet.ends:%H.%M} {sheet.starts.tzname() or ''}".strip()


def _line(number: int, name: str, present: bool | None) -> str:
    mark = {True: _("checkin-mark-present"), False: _("checkin-mark-absent")}.get(
        present, _("checkin-mark-missing")
    )
    return _("checkin-day-entry").format(number=number, name=html.quote(name), mark=mark)


def day_view(sheet: DaySheet, page: int) -> tuple[str, InlineKeyboardMarkup]:
    """The day's code and one page of the seated participants, with a mark button each."""
    pages = max((len(sheet.entries) + PER_PAGE - 1) // PER_PAGE, 1)
    page = min(max(page, 0), pages - 1)
    first = page * PER_PAGE
    shown = sheet.entries[first : first + PER_PAGE]
    missing = sum(1 for entry in sheet.entries if entry.present is None)
    header = _("checkin-day-title").format(
        title=html.quote(sheet.batch.title),
        blk=html.quote(sheet.batch.blk_name),
        day=long_date(sheet.day),
        hours=_hours(sheet),
        code=sheet.code.code,
        present=sheet.present,
        seated=len(sheet.entries),
        missing=missing,
    )
    lines = [_line(first + i + 1, e.full_name, e.present) for i, e in enumerate(shown)]
    body = "\n".join(lines) if lines else _("checkin-day-empty")
    batch = sheet.batch.id
    rows = [
        [
            InlineKeyboardButton(
                text=(
                    _("btn-checkin-absent") if entry.present else _("btn-checkin-present")
                ).format(number=first + i + 1, name=fit(entry.full_name, NAME_ON_BUTTON)),
                callback_data=CheckInCb(
                    action=CheckInAction.ABSENT if entry.present else CheckInAction.PRESENT,
                    batch=batch,
                    seat=entry.enrollment_id,
                    page=page,
                ).pack(),
            )
        ]
        for i, entry in enumerate(shown)
    ]
    pager = []
    if page > 0:
        pager.append(
            _button(
                _("btn-desk-previous"),
                CheckInCb(action=CheckInAction.DAY, batch=batch, page=page - 1),
            )
        )
    if page + 1 < pages:
        pager.append(
            _button(
                _("btn-desk-next"), CheckInCb(action=CheckInAction.DAY, batch=batch, page=page + 1)
            )
        )
    rows.append(pager)
    rows.append([_button(_("btn-checkin-qr"), CheckInCb(action=CheckInAction.QR, batch=batch))])
    rows.append(
        [
            _button(
                _("btn-checkin-refresh"),
                CheckInCb(action=CheckInAction.DAY, batch=batch, page=page),
            )
        ]
    )
    rows.append([_button(_("btn-desk-back"), DeskCb(action=DeskAction.ROSTER, batch=batch))])
    return f"{header}\n\n{body}", InlineKeyboardMarkup(inline_keyboard=[r for r in rows if r])


def _button(text: str, data: CheckInCb | DeskCb) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data.pack())


@router.callback_query(CheckInCb.filter(F.action == CheckInAction.DAY), HasRole())
async def day_chosen(callback: CallbackQuery, callback_data: CheckInCb, services: Services) -> None:
    sheet = await services.check_ins.day_sheet(callback.from_user.id, callback_data.batch)
    await show_in_place(callback, *day_view(sheet, callback_data.page))


@router.callback_query(
    CheckInCb.filter(F.action.in_({CheckInAction.PRESENT, CheckInAction.ABSENT})), HasRole()
)
async def mark_chosen(
    callback: CallbackQuery, callback_data: CheckInCb, services: Services
) -> None:
    """Marks one person by hand; the list is shown again with the change."""
    sheet = await services.check_ins.mark(
        callback.from_user.id,
        callback_data.batch,
        callback_data.seat,
        present=callback_data.action is CheckInAction.PRESENT,
    )
    await show_in_place(callback, *day_view(sheet, callback_data.page))


@router.callback_query(CheckInCb.filter(F.action == CheckInAction.QR), HasRole())
async def qr_chosen(callback: CallbackQuery, callback_data: CheckInCb, services: Services) -> None:
    """The day's QR code as a picture, with the code and the link in its caption."""
    sheet = await services.check_ins.day_sheet(callback.from_user.id, callback_data.batch)
    me = await callback.bot.me()
    link = deep_link(me.username or "", sheet.code.payload)
    caption = _("checkin-qr-caption").format(
        title=html.quote(sheet.batch.title),
        day=long_date(sheet.day),
        hours=_hours(sheet),
        code=sheet.code.code,
        link=link,
    )
    picture = BufferedInputFile(qr_png(link), filename=f"hadir-{sheet.day:%Y%m%d}.png")
    await callback.bot.send_photo(callback.from_user.id, picture, caption=caption)
