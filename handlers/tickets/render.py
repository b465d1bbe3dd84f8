"""Texts and buttons of "Tanya petugas". Everything a person typed is escaped here."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from aiogram import html
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __
from aiogram.utils.i18n.context import get_i18n
from aiogram.utils.keyboard import InlineKeyboardBuilder
from babel.dates import format_datetime

from bot.telegram_text import MESSAGE_LIMIT, blocks_that_fit, fill, utf16_length
from bot.tickets.rules import Author, Event, Origin, TicketStatus
from bot.tickets.views import Asker, Detail, Entry, Notice, TicketList, TicketView
from handlers.common.callbacks import TicketAction, TicketCb
from handlers.common.render import phk_label
from handlers.coordinators.broadcast.render import number
from handlers.training.render import ZONE_ABBREVIATIONS

EARLIER_LINE_ROOM = 200  # units kept for "… N earlier messages not shown"
STATUS_LABELS = {
    TicketStatus.OPEN: __("ticket-status-open"),
    TicketStatus.ANSWERED: __("ticket-status-answered"),
    TicketStatus.CLOSED: __("ticket-status-closed"),
}
ORIGIN_LABELS = {Origin.FAQ: __("ticket-origin-faq"), Origin.PHK: __("ticket-origin-phk")}
HEADLINES = {
    Event.NEW: __("ticket-staff-new"),
    Event.FOLLOW_UP: __("ticket-staff-follow-up"),
    Event.ESCALATION: __("ticket-staff-escalation"),
}


def when(moment: datetime, zone: str) -> str:
    """ "24 Nov 2026 10.00 WIB": the programme's zone, named as Indonesians name it."""
    local = moment.astimezone(ZoneInfo(zone))
    stamp = format_datetime(local, "d MMM y HH.mm", locale=get_i18n().current_locale)
    return f"{stamp} {ZONE_ABBREVIATIONS.get(zone, zone)}"


def asker_context(asker: Asker, ticket: TicketView) -> str:
    """Lines about the person for coordinators; no '#' in them (see `ticket_number_in`)."""
    if asker.code is None:
        lines = [_("ticket-ctx-unregistered")]
    else:
        lines = [
            _("ticket-ctx-registered").format(
                name=html.quote(asker.full_name or ""),
                code=html.quote(asker.code),
                nik=html.quote(asker.nik_masked or ""),
            )
        ]
    if asker.seat is None:
        lines.append(_("ticket-ctx-no-seat"))
    else:
        line = {
            "waitlisted": _("ticket-ctx-waitlist"),
            "completed": _("ticket-ctx-finished"),
        }.get(asker.seat.status, _("ticket-ctx-seat"))
        blk, batch = html.quote(asker.seat.blk_name), html.quote(asker.seat.batch_title)
        lines.append(line.format(blk=blk, batch=batch))
    lines.append(_("ticket-ctx-phk").format(phk=phk_label(asker.phk_affected, asker.phk_month)))
    if ticket.origin in ORIGIN_LABELS:
        lines.append(str(ORIGIN_LABELS[ticket.origin]))
    return "\n".join(lines)


def notice_text(notice: Notice, zone: str, hours: int) -> str:
    """The message, with the person's text (escaped) cut to what still fits in one message."""
    ticket = notice.ticket
    if notice.event is Event.ANSWER:
        answer = _("ticket-answer-notice")
        return fill(lambda text: answer.format(id=ticket.id, text=text), notice.entry.text)
    assert notice.asker is not None
    headline, context = str(HEADLINES[notice.event]), asker_context(notice.asker, ticket)
    since = when(ticket.waiting_since, zone)
    return fill(
        lambda text: headline.format(
            id=ticket.id, context=context, text=text, since=since, hours=hours
        ),
        notice.entry.text,
    )


def notice_markup(notice: Notice) -> InlineKeyboardMarkup:
    if notice.event is Event.ANSWER:
        return asker_buttons(notice.ticket.id)
    return staff_buttons(notice.ticket.id)


def asker_buttons(ticket_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("btn-ticket-reply"),
        callback_data=TicketCb(action=TicketAction.REPLY, ticket=ticket_id),
    )
    builder.button(
        text=_("btn-ticket-close"),
        callback_data=TicketCb(action=TicketAction.CLOSE, ticket=ticket_id),
    )
    builder.adjust(2)
    return builder.as_markup()


def staff_buttons(ticket_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("btn-ticket-reply"),
        callback_data=TicketCb(action=TicketAction.ANSWER, ticket=ticket_id),
    )
    return builder.as_markup()


def with_back_to_list(
    markup: InlineKeyboardMarkup | None, back: TicketAction, ticket_id: int
) -> InlineKeyboardMarkup:
    """A ticket's buttons (if any) with the way back to the list it was opened from."""
    button = InlineKeyboardButton(
        text=_("btn-ticket-back"), callback_data=TicketCb(action=back, ticket=ticket_id).pack()
    )
    rows = markup.inline_keyboard if markup else []
    return InlineKeyboardMarkup(inline_keyboard=[*rows, [button]])


def _entry_text(entry: Entry, zone: str, room: int) -> str:
    line = _("ticket-entry-asker") if entry.author is Author.USER else _("ticket-entry-staff")
    at = when(entry.at, zone)
    return fill(lambda text: line.format(at=at, text=text), entry.text, room)


def detail_text(detail: Detail, zone: str) -> str:
    """Header, context (staff only), then the newest messages that fit in one message."""
    ticket = detail.ticket
    head = [_("ticket-detail-title").format(id=ticket.id, status=STATUS_LABELS[ticket.status])]
    if detail.asker is not None:
        head.append(asker_context(detail.asker, ticket))
    header = "\n".join(head)
    # Room for the "earlier messages" line; the newest message is shown, cut if need be.
    room = MESSAGE_LIMIT - EARLIER_LINE_ROOM
    entry_room = room - utf16_length(header) - 2
    newest_first = [_entry_text(entry, zone, entry_room) for entry in reversed(detail.entries)]
    shown = newest_first[: max(blocks_that_fit(header, newest_first, room), 1)][::-1]
    if hidden := len(detail.entries) - len(shown):
        shown.insert(0, _("ticket-earlier-hidden").format(count=number(hidden)))
    return "\n\n".join([header, *shown])


def list_text(title: str, tickets: TicketList, zone: str) -> str:
    lines = [title]
    for ticket in tickets.tickets:
        lines.append(
            _("ticket-list-line").format(
                id=ticket.id,
                status=STATUS_LABELS[ticket.status],
                at=when(ticket.waiting_since, zone),
            )
        )
    if more := tickets.total - len(tickets.tickets):
        lines.append(_("ticket-list-more").format(count=number(more)))
    return "\n".join(lines)


def list_buttons(tickets: TicketList, action: TicketAction) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for ticket in tickets.tickets:
        builder.button(
            text=_("btn-ticket-view").format(id=ticket.id),
            callback_data=TicketCb(action=action, ticket=ticket.id),
        )
    builder.adjust(3)
    return builder.as_markup()
