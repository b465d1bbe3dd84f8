"""What the ticket service hands to handlers: read-only views and the refusals it raises."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.errors import N_, DomainError
from bot.tickets.rules import Author, Event, Origin, Place, TicketStatus
from storage.models import Ticket
from storage.ticket_repository import Seat


class TicketNotFound(DomainError):
    """Unknown, someone else's, or outside the coordinator's scope: one answer for all."""

    key = N_("error-stale-button")


class TooManyOpenTickets(DomainError):
    """The asker already waits for answers to `limit` questions: one account cannot flood
    the coordinators with new ones."""

    key = N_("ticket-open-limit")

    def __init__(self, limit: int) -> None:
        super().__init__(limit=limit)


class TicketClosed(DomainError):
    """The asker closed it; nothing more can be added."""

    key = N_("ticket-already-closed")

    def __init__(self, ticket_id: int) -> None:
        super().__init__(id=ticket_id)


@dataclass(frozen=True)
class TicketView:
    id: int
    telegram_id: int
    status: TicketStatus
    origin: Origin
    place: Place
    created_at: datetime
    waiting_since: datetime


@dataclass(frozen=True)
class Entry:
    author: Author
    text: str
    at: datetime


@dataclass(frozen=True)
class Asker:
    """What a coordinator needs to know about the person; the NIK only masked."""

    full_name: str | None = None
    code: str | None = None
    nik_masked: str | None = None
    seat: Seat | None = None
    phk_affected: bool = False
    phk_month: date | None = None


@dataclass(frozen=True)
class Reach:
    """Can a question be answered now? If not, the person is told so and pointed elsewhere."""

    staffed: bool
    blk_name: str | None = None  # the BLK of the person's seat, with its directory phone
    blk_phone: str | None = None


@dataclass(frozen=True)
class TicketList:
    tickets: list[TicketView]
    total: int


@dataclass(frozen=True)
class Detail:
    ticket: TicketView
    entries: list[Entry]
    asker: Asker | None  # only for staff


@dataclass(frozen=True)
class Notice:
    """One outbox row about a ticket, ready for the render hook."""

    event: Event
    ticket: TicketView
    entry: Entry
    asker: Asker | None


def view_of(row: Ticket) -> TicketView:
    return TicketView(
        row.id,
        row.telegram_id,
        TicketStatus(row.status),
        Origin.parse(row.origin),
        Place(row.blk_id, row.province_code),
        row.created_at,
        row.waiting_since,
    )
