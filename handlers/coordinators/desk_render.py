"""Texts and keyboards of the coordinators' desk (/peserta).

A page holds as many entries as fit in one Telegram message: 4,096 characters counted
in UTF-16 code units, as Telegram counts them (an emoji is two). The HTML is measured,
which is never shorter than the text it shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from zoneinfo import ZoneInfo

from aiogram import html
from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n.context import get_i18n
from babel.dates import format_date

from bot.coordinators.rosters import BATCHES_PER_PAGE, BatchPage, BatchSummary, Roster, RosterEntry
from bot.coordinators.sheets import SheetFormat
from bot.telegram_text import MESSAGE_LIMIT, fit, utf16_length
from bot.training.reminders import AttendanceAnswer
from handlers.common.callbacks import (
    BatchAdminAction,
    BatchAdminCb,
    CheckInAction,
    CheckInCb,
    CompletionAction,
    CompletionCb,
    DeskAction,
    DeskCb,
    PersonAction,
    PersonCb,
    SheetCb,
)
from handlers.common.paging import pager
from handlers.common.render import phk_label
from handlers.coordinators.broadcast.render import number
from handlers.training.render import ZONE_ABBREVIATIONS

ENTRIES_PER_PAGE = 8
BUTTON_TITLE = 40  # UTF-16 units of a batch title on its button
ACTIVE, WAITLISTED, COMPLETED = "active", "waitlisted", "completed"


def _short_date(day: date) -> str:
    return format_date(day, "d MMM y", locale=get_i18n().current_locale)


def _dates(batch: BatchSummary) -> str:
    zone = ZoneInfo(batch.timezone)
    first, last = batch.starts_at.astimezone(zone), batch.ends_at.astimezone(zone)
    return _("desk-dates").format(
        first_day=_short_date(first.date()),
        last_day=_short_date(last.date()),
        zone=ZONE_ABBREVIATIONS.get(batch.timezone, batch.timezone),
    )


def _fill(batch: BatchSummary) -> str:
    return _("desk-fill").format(
        enrolled=number(batch.enrolled),
        capacity=number(batch.capacity),
        waitlisted=number(batch.waitlisted),
    )


def _batch_block(position: int, batch: BatchSummary) -> str:
    return _("desk-batch-item").format(
        number=position,
        title=html.quote(batch.title),
        blk=html.quote(batch.blk_name),
        dates=_dates(batch),
        fill=_fill(batch),
    )


def _button(text: str, data: CallbackData) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data.pack())


def _pager(page: int, pages: int, **target: object) -> list[InlineKeyboardButton]:
    return pager(page, pages, lambda text, to: _button(text, DeskCb(page=to, **target)))


def _sheet_buttons(batch: int, xlsx: str, csv: str) -> list[InlineKeyboardButton]:
    return [
        _button(xlsx, SheetCb(batch=batch, fmt=SheetFormat.XLSX)),
        _button(csv, SheetCb(batch=batch, fmt=SheetFormat.CSV)),
    ]


def batch_list(page: BatchPage) -> tuple[str, InlineKeyboardMarkup]:
    """The batches of one page with a button each, paging, and everyone-in-scope files."""
    first = page.page * BATCHES_PER_PAGE + 1
    blocks = [_batch_block(first + i, batch) for i, batch in enumerate(page.batches)]
    title = _("desk-batches-title").format(page=page.page + 1, pages=page.pages)
    text = "\n\n".join([title, *blocks]) if blocks else _("desk-no-batches")
    rows = [
        [
            _button(
                _("btn-desk-batch").format(
                    number=first + i,
                    title=_shortened(batch.title),
                    enrolled=batch.enrolled,
                    capacity=batch.capacity,
                ),
                DeskCb(action=DeskAction.ROSTER, batch=batch.id),
            )
        ]
        for i, batch in enumerate(page.batches)
    ]
    rows.append(_pager(page.page, page.pages, action=DeskAction.BATCHES))
    rows.append(_sheet_buttons(0, _("btn-desk-all-xlsx"), _("btn-desk-all-csv")))
    rows.append([_button(_("btn-desk-search"), PersonCb(action=PersonAction.SEARCH))])
    rows.append([_button(_("btn-desk-new-batch"), BatchAdminCb(action=BatchAdminAction.NEW))])
    return text, InlineKeyboardMarkup(inline_keyboard=[row for row in rows if row])


def _shortened(title: str) -> str:
    return fit(title, BUTTON_TITLE)


def status_label(entry: RosterEntry) -> str:
    if entry.status == ACTIVE:
        return _("desk-status-seat")
    if entry.status == COMPLETED:
        return _("desk-status-completed")
    if entry.status == WAITLISTED:
        return _("desk-status-waiting").format(position=entry.waitlist_position or "?")
    return _("desk-status-none")


def attendance_label(answer: AttendanceAnswer | None) -> str:
    if answer is AttendanceAnswer.YES:
        return _("desk-attend-yes")
    if answer is AttendanceAnswer.NO:
        return _("desk-attend-no")
    return _("desk-attend-none")


def _entry_block(position: int, entry: RosterEntry) -> str:
    return _("desk-entry").format(
        number=position,
        name=html.quote(entry.full_name),
        code=html.quote(entry.code),
        phone=entry.phone,
        status=status_label(entry),
        attendance=attendance_label(entry.attendance),
        phk=phk_label(entry.phk_affected, entry.phk_month),
    )


def pages_of(header: str, blocks: Sequence[str]) -> list[range]:
    """Which blocks go on which page: at most ENTRIES_PER_PAGE, within MESSAGE_LIMIT."""
    pages: list[range] = []
    start, length = 0, utf16_length(header)
    for index, block in enumerate(blocks):
        longer = length + 2 + utf16_length(block)
        if index > start and (index - start == ENTRIES_PER_PAGE or longer > MESSAGE_LIMIT):
            pages.append(range(start, index))
            start, longer = index, utf16_length(header) + 2 + utf16_length(block)
        length = longer
    pages.append(range(start, len(blocks)))
    return pages


def roster_page(roster: Roster, page: int) -> tuple[str, InlineKeyboardMarkup]:
    """One page of the roster, with paging, the two files and the way back."""
    batch = roster.batch
    blocks = [_entry_block(i + 1, entry) for i, entry in enumerate(roster.entries)]
    # The header's page numbers are at most as long as these, so the split still holds.
    widest = _roster_header(batch, len(blocks) or 1, len(blocks) or 1)
    pages = pages_of(widest, blocks)
    page = min(max(page, 0), len(pages) - 1)
    header = _roster_header(batch, page + 1, len(pages))
    shown = [blocks[i] for i in pages[page]]
    body = shown if shown else [_("desk-roster-empty")]
    rows = [
        _pager(page, len(pages), action=DeskAction.ROSTER, batch=batch.id),
        _sheet_buttons(batch.id, _("btn-desk-xlsx"), _("btn-desk-csv")) if blocks else [],
        [
            _button(
                _("btn-desk-edit-batch"),
                BatchAdminCb(action=BatchAdminAction.VIEW, batch=batch.id),
            )
        ],
        [
            _button(_("btn-desk-check-in"), CheckInCb(action=CheckInAction.DAY, batch=batch.id)),
            _button(
                _("btn-desk-completion"),
                CompletionCb(action=CompletionAction.VIEW, batch=batch.id),
            ),
        ],
        [_button(_("btn-desk-back"), DeskCb(action=DeskAction.BATCHES))],
    ]
    markup = InlineKeyboardMarkup(inline_keyboard=[row for row in rows if row])
    return "\n\n".join([header, *body]), markup


def _roster_header(batch: BatchSummary, page: int, pages: int) -> str:
    return _("desk-roster-title").format(
        title=html.quote(batch.title),
        blk=html.quote(batch.blk_name),
        dates=_dates(batch),
        fill=_fill(batch),
        page=page,
        pages=pages,
    )
