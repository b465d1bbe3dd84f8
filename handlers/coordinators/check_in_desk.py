"""A batch's attendance, from its roster in /peserta: today's code and its QR code to show
in class, who has checked in and who not yet, and a button per person to mark them present
or absent by hand (someone without a phone). Earlier training days are a button away, so a
day forgotten can be put right until the batch is completed; after that the days are shown
but not changed. Every press is checked again by the service against the presser's scope,
the batch's training days up to today and its seats.
"""

from __future__ import annotations

from datetime import date

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
from bot.training.check_in import DayEntry, DaySheet
from bot.training.check_in_admission import CheckInProblem, CheckInRefused
from bot.training.check_in_codes import deep_link, qr_png
from handlers.common.blueprint import Blueprint
from handlers.common.callbacks import CheckInAction, CheckInCb, DeskAction, DeskCb
from handlers.common.filters import HasRole
from handlers.common.paging import page_of, pager
from handlers.common.render import long_date, short_date
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


def _header(sheet: DaySheet) -> str:
    """Today's with its code; another day's without (a code is for the day itself)."""
    values = {
        "title": html.quote(sheet.batch.title),
        "blk": html.quote(sheet.batch.blk_name),
        "day": long_date(sheet.day),
        "hours": _hours(sheet),
        "code": sheet.code.code,
        "present": sheet.present,
        "seated": len(sheet.entries),
        "missing": sum(1 for entry in sheet.entries if entry.present is None),
    }
    header = (_("checkin-day-title") if sheet.today else _("checkin-past-day-title")).format(
        **values
    )
    if not sheet.completed:
        return header
    note = _("checkin-day-completed")
    return f"{header}\n{note}"


def _mark_button(sheet: DaySheet, number: int, entry: DayEntry, page: int) -> InlineKeyboardButton:
    return _button(
        (_("btn-checkin-absent") if entry.present else _("btn-checkin-present")).format(
            number=number, name=fit(entry.full_name, NAME_ON_BUTTON)
        ),
        CheckInCb(
            action=CheckInAction.ABSENT if entry.present else CheckInAction.PRESENT,
            batch=sheet.batch.id,
            seat=entry.enrollment_id,
            page=page,
            day=sheet.day.toordinal(),
        ),
    )


def _day_button(text: str, sheet: DaySheet, day: date, page: int = 0) -> InlineKeyboardButton:
    return _button(
        text,
        CheckInCb(action=CheckInAction.DAY, batch=sheet.batch.id, page=page, day=day.toordinal()),
    )


def day_view(sheet: DaySheet, page: int) -> tuple[str, InlineKeyboardMarkup]:
    """A training day's list, one page of the seated participants with a mark button each
    (none once the batch is completed), and the days before and after it up to today."""
    shown = page_of(sheet.entries, page, PER_PAGE)
    first, page = shown.first, shown.number
    lines = [_line(first + i + 1, e.full_name, e.present) for i, e in enumerate(shown.items)]
    body = "\n".join(lines) if lines else _("checkin-day-empty")
    rows = []
    if not sheet.completed:
        rows = [[_mark_button(sheet, first + i + 1, e, page)] for i, e in enumerate(shown.items)]
    rows.append(pager(page, shown.pages, lambda text, to: _day_button(text, sheet, sheet.day, to)))
    around = [
        (_("btn-checkin-day-before"), sheet.previous),
        (_("btn-checkin-day-after"), sheet.following),
    ]
    rows.append(
        [
            _day_button(text.format(day=short_date(day)), sheet, day)
            for text, day in around
            if day is not None
        ]
    )
    if sheet.today:
        batch = sheet.batch.id
        rows.append([_button(_("btn-checkin-qr"), CheckInCb(action=CheckInAction.QR, batch=batch))])
    rows.append([_day_button(_("btn-checkin-refresh"), sheet, sheet.day, page)])
    rows.append(
        [_button(_("btn-desk-back"), DeskCb(action=DeskAction.ROSTER, batch=sheet.batch.id))]
    )
    text = f"{_header(sheet)}\n\n{body}"
    return text, InlineKeyboardMarkup(inline_keyboard=[r for r in rows if r])


def _button(text: str, data: CheckInCb | DeskCb) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data.pack())


def _day(callback_data: CheckInCb) -> date | None:
    return date.fromordinal(callback_data.day) if callback_data.day else None


@router.callback_query(CheckInCb.filter(F.action == CheckInAction.DAY), HasRole())
async def day_chosen(callback: CallbackQuery, callback_data: CheckInCb, services: Services) -> None:
    sheet = await services.check_ins.day_sheet(
        callback.from_user.id, callback_data.batch, _day(callback_data)
    )
    await show_in_place(callback, *day_view(sheet, callback_data.page))


@router.callback_query(
    CheckInCb.filter(F.action.in_({CheckInAction.PRESENT, CheckInAction.ABSENT})), HasRole()
)
async def mark_chosen(
    callback: CallbackQuery, callback_data: CheckInCb, services: Services
) -> None:
    """Marks one person by hand on the day shown; the list is shown again with the change."""
    sheet = await services.check_ins.mark(
        callback.from_user.id,
        callback_data.batch,
        callback_data.seat,
        present=callback_data.action is CheckInAction.PRESENT,
        day=_day(callback_data),
    )
    await show_in_place(callback, *day_view(sheet, callback_data.page))


@router.callback_query(CheckInCb.filter(F.action == CheckInAction.QR), HasRole())
async def qr_chosen(callback: CallbackQuery, callback_data: CheckInCb, services: Services) -> None:
    """The day's QR code as a picture, with the code and the link in its caption."""
    sheet = await services.check_ins.day_sheet(callback.from_user.id, callback_data.batch)
    if not sheet.today:  # a code is shown only on its own day
        raise CheckInRefused(CheckInProblem.NOT_TRAINING_DAY)
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
