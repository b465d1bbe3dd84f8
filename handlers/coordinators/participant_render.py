"""Texts and keyboards of the desk's participant search: results, the card, confirmations.

Names typed by people are escaped; the phone is shown in full (coordinators call people),
the NIK masked. Buttons carry ids only; the services check them again on every press.
"""

from __future__ import annotations

from aiogram import html
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __

from bot.coordinators.participant_actions import Holder, Target
from bot.coordinators.participant_query import QueryKind
from bot.coordinators.participant_search import ParticipantCard, SearchResult, SeatLine
from bot.tickets.rules import TicketStatus
from handlers.common.callbacks import DeskAction, DeskCb, PersonAction, PersonCb
from handlers.common.render import BUSINESS_LABELS, SECTOR_LABELS, long_date, phk_label
from handlers.coordinators.broadcast.render import number
from handlers.coordinators.desk_render import attendance_label

KIND_LABELS = {
    QueryKind.CODE: __("search-kind-code"),
    QueryKind.PHONE: __("search-kind-phone"),
    QueryKind.NAME: __("search-kind-name"),
}


def _button(text: str, action: PersonAction, **ids: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=PersonCb(action=action, **ids).pack())


def _markup(*rows: list[InlineKeyboardButton]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[row for row in rows if row])


def search_again() -> list[InlineKeyboardButton]:
    return [
        _button(_("btn-search-again"), PersonAction.SEARCH),
        InlineKeyboardButton(
            text=_("btn-desk-back"), callback_data=DeskCb(action=DeskAction.BATCHES).pack()
        ),
    ]


def search_markup() -> InlineKeyboardMarkup:
    return _markup(search_again())


def card_return(person: int) -> InlineKeyboardMarkup:
    """After an action: the card again (as it is now), or a new search."""
    return _markup(
        [_button(_("btn-person-card"), PersonAction.CARD, person=person)], search_again()
    )


def results(result: SearchResult) -> tuple[str, InlineKeyboardMarkup]:
    """One button per person found, best first."""
    values = {
        "query": html.quote(result.query.value),
        "kind": str(KIND_LABELS[result.query.kind]),
        "count": len(result.found),
    }
    if not result.found:
        return _("search-none").format(**values), search_markup()
    rows = [
        [
            _button(
                _("btn-person-result").format(name=person.full_name, code=person.code),
                PersonAction.CARD,
                person=person.id,
            )
        ]
        for person in result.found
    ]
    return _("search-results").format(**values), _markup(*rows, search_again())


def _seat_status(seat: SeatLine) -> str:
    if seat.status == "active":
        return _("desk-status-seat")
    if seat.status == "completed":
        return _("desk-status-completed")
    if seat.position is not None:
        return _("desk-status-waiting").format(position=seat.position)
    return _("person-seat-cancelled")


def _seat_line(seat: SeatLine) -> str:
    return _("person-seat-line").format(
        title=html.quote(seat.batch_title),
        blk=html.quote(seat.blk_name),
        first_day=long_date(seat.starts_at.date()),
        status=_seat_status(seat),
        since=long_date(seat.since.date()),
        attendance=attendance_label(seat.attendance),
    )


def _tickets(tickets: dict[str, int]) -> str:
    total = sum(tickets.values())
    if not total:
        return _("person-no-tickets")
    return _("person-tickets").format(
        total=number(total),
        open=number(tickets.get(TicketStatus.OPEN, 0)),
        answered=number(tickets.get(TicketStatus.ANSWERED, 0)),
        closed=number(tickets.get(TicketStatus.CLOSED, 0)),
    )


def card(person: ParticipantCard) -> tuple[str, InlineKeyboardMarkup]:
    """Registration, seats (newest last) and questions, with the actions allowed now."""
    lines = [_seat_line(seat) for seat in person.seats]
    if person.live_elsewhere:
        lines.append(_("person-seat-elsewhere"))
    text = _("person-card").format(
        name=html.quote(person.full_name),
        code=html.quote(person.code),
        phone=person.phone,
        nik=person.nik_masked,
        domicile=html.quote(", ".join(p for p in (person.regency, person.province) if p) or "-"),
        business=str(BUSINESS_LABELS[person.business_status]),
        sector=str(SECTOR_LABELS[person.business_sector]),
        phk=phk_label(person.phk_affected, person.phk_month),
        seats="\n".join(lines) or _("person-no-seats"),
        tickets=_tickets(person.tickets),
    )
    live, ids = person.live, {"person": person.id}
    seat_rows: list[list[InlineKeyboardButton]] = []
    if live is not None:
        ids["seat"] = live.enrollment_id
        seat_rows = [
            [_button(_("btn-person-move"), PersonAction.MOVE, **ids)],
            [_button(_("btn-person-cancel"), PersonAction.CANCEL, **ids)],
        ]
    release = (
        [_button(_("btn-person-release"), PersonAction.RELEASE, person=person.id)]
        if person.may_release_nik
        else []
    )
    return text, _markup(*seat_rows, release, search_again())


def _back(holder_id: int) -> list[InlineKeyboardButton]:
    return [_button(_("btn-person-keep"), PersonAction.CARD, person=holder_id)]


def move_choices(holder: Holder, targets: list[Target]) -> tuple[str, InlineKeyboardMarkup]:
    values = {"name": html.quote(holder.full_name), "title": html.quote(holder.seat.batch_title)}
    if not targets:
        return _("person-move-none").format(**values), _markup(_back(holder.id))
    rows = [
        [
            _button(
                _("btn-person-target").format(
                    title=target.title,
                    first_day=long_date(target.starts_at.date()),
                    seats=max(target.seats_left, 0),
                ),
                PersonAction.MOVE_TO,
                person=holder.id,
                seat=holder.seat.enrollment_id,
                batch=target.id,
            )
        ]
        for target in targets
    ]
    return _("person-move-choose").format(**values), _markup(*rows, _back(holder.id))


def _ids(holder: Holder) -> dict[str, int]:
    return {"person": holder.id, "seat": holder.seat.enrollment_id}


def move_confirmation(holder: Holder, batch: int, title: str) -> tuple[str, InlineKeyboardMarkup]:
    text = _("person-move-confirm").format(
        name=html.quote(holder.full_name),
        code=html.quote(holder.code),
        old=html.quote(holder.seat.batch_title),
        new=html.quote(title),
    )
    yes = _button(
        _("btn-person-move-yes"), PersonAction.MOVE_CONFIRMED, batch=batch, **_ids(holder)
    )
    return text, _markup([yes], _back(holder.id))


def cancel_confirmation(holder: Holder) -> tuple[str, InlineKeyboardMarkup]:
    text = _("person-cancel-confirm").format(
        name=html.quote(holder.full_name),
        code=html.quote(holder.code),
        title=html.quote(holder.seat.batch_title),
    )
    yes = _button(_("btn-person-cancel-yes"), PersonAction.CANCEL_CONFIRMED, **_ids(holder))
    return text, _markup([yes], _back(holder.id))


def release_confirmation(person: int, name: str, code: str) -> tuple[str, InlineKeyboardMarkup]:
    text = _("person-release-confirm").format(name=html.quote(name), code=html.quote(code))
    yes = _button(_("btn-person-release-yes"), PersonAction.RELEASE_CONFIRMED, person=person)
    return text, _markup([yes], _back(person))


def promoted_note(promoted: bool) -> str:
    """A line more when a freed seat went to the first person waiting."""
    return "\n\n" + _("person-promoted-note") if promoted else ""
