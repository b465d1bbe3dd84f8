"""Tickets ("Tanya petugas"): a person asks, coordinators answer, admins hear of silence.

Every message about a ticket goes through the outbox, queued in the transaction that
stores the question or answer, as a template row (`Event`) the render hook writes in the
recipient's language when it is sent. Texts are encrypted at rest like other personal
data. Coordinators' scopes are re-checked inside each transaction; a ticket outside the
scope is answered exactly like an unknown one. Every look and answer by a coordinator is
audited (ids only).

States: open → answered → closed; the asker writing again reopens it. A ticket left
open for `escalate_after_hours` is escalated to the admins once (`escalated_at`).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.audit import AuditAction, record
from bot.clock import Clock
from bot.coordinators.roles import RoleService, Scope, ScopeKind
from bot.delivery.templates import Template, enqueue_template
from bot.errors import NotPermitted
from bot.registration.nik import mask_nik
from bot.registration.personal_data import PersonalDataCipher
from bot.tickets.masking import mask_numbers
from bot.tickets.rules import Author, Event, Origin, Place, TicketStatus, covers, routing
from bot.tickets.views import (
    Asker,
    Detail,
    Entry,
    Notice,
    Reach,
    TicketClosed,
    TicketList,
    TicketNotFound,
    TicketView,
    TooManyOpenTickets,
    view_of,
)
from storage.database import Database
from storage.models import Ticket, TicketMessage
from storage.ticket_repository import TicketRepository

logger = logging.getLogger(__name__)

LIST_LIMIT = 30
ESCALATION_BATCH = 200


class TicketService:
    def __init__(
        self,
        db: Database,
        cipher: PersonalDataCipher,
        roles: RoleService,
        admin_ids: frozenset[int],
        *,
        escalate_after_hours: float = 24,
        open_limit: int = 3,
        timezone: str = "Asia/Jakarta",
        clock: Clock | None = None,
    ) -> None:
        self._db = db
        self._cipher = cipher
        self._roles = roles
        self._admin_ids = admin_ids
        self.escalate_after = timedelta(hours=escalate_after_hours)
        self.open_limit = open_limit
        self.timezone = timezone  # for the times shown with tickets
        self.clock = clock or Clock(timezone)

    # -- the asker ------------------------------------------------------------------------

    async def ask(self, telegram_id: int, text: str, origin: Origin) -> TicketView:
        """Store a new question and queue it for the coordinators it is routed to."""
        now = self.clock.now()
        async with self._db.transaction() as session:
            repo = TicketRepository(session)
            await self._within_open_limit(repo, telegram_id)
            place = await self._place_of(repo, telegram_id)
            ticket = await repo.add(
                Ticket(
                    telegram_id=telegram_id,
                    origin=origin.value,
                    blk_id=place.blk_id,
                    province_code=place.province_code,
                    status=TicketStatus.OPEN.value,
                    waiting_since=now,
                    created_at=now,
                    updated_at=now,
                )
            )
            message = await self._add(repo, ticket, Author.USER, telegram_id, text, now)
            await self._notify_staff(session, repo, ticket, message, Event.NEW)
            return view_of(ticket)

    async def may_ask(self, telegram_id: int) -> None:
        """Refuses (TooManyOpenTickets) before the person writes a question `ask` would refuse."""
        async with self._db.transaction() as session:
            await self._within_open_limit(TicketRepository(session), telegram_id)

    async def reach(self, telegram_id: int) -> Reach:
        """Whether anybody would receive a question from this person now, and who else helps."""
        async with self._db.transaction() as session:
            repo = TicketRepository(session)
            place = await self._place_of(repo, telegram_id)
            staffed = bool(await self._staff_for(repo, place) - {telegram_id})
            contact = await repo.blk_contact(place.blk_id) if place.blk_id else None
        if contact is None:
            return Reach(staffed)
        return Reach(staffed, blk_name=contact[0], blk_phone=contact[1] or None)

    async def follow_up(self, telegram_id: int, ticket_id: int, text: str) -> TicketView:
        """The asker writes again: the ticket is open (waiting) again, coordinators told."""
        now = self.clock.now()
        async with self._db.transaction() as session:
            repo = TicketRepository(session)
            ticket = await self._own(repo, telegram_id, ticket_id)
            ticket.status, ticket.waiting_since, ticket.closed_at = TicketStatus.OPEN, now, None
            message = await self._add(repo, ticket, Author.USER, telegram_id, text, now)
            await self._notify_staff(session, repo, ticket, message, Event.FOLLOW_UP)
            return view_of(ticket)

    async def close(self, telegram_id: int, ticket_id: int) -> TicketView:
        async with self._db.transaction() as session:
            ticket = await self._own(TicketRepository(session), telegram_id, ticket_id)
            ticket.status, ticket.closed_at = TicketStatus.CLOSED, self.clock.now()
            return view_of(ticket)

    async def mine(self, telegram_id: int) -> TicketList:
        async with self._db.transaction() as session:
            rows, total = await TicketRepository(session).of_user(telegram_id, LIST_LIMIT)
            return TicketList([view_of(row) for row in rows], total)

    async def detail_for_asker(self, telegram_id: int, ticket_id: int) -> Detail:
        async with self._db.transaction() as session:
            repo = TicketRepository(session)
            ticket = await repo.get(ticket_id)
            if ticket is None or ticket.telegram_id != telegram_id:
                raise TicketNotFound
            entries = await self._entries(repo, ticket.id, for_staff=False)
            return Detail(view_of(ticket), entries, None)

    async def owns_open(self, telegram_id: int, ticket_id: int) -> bool:
        """For buttons: may the asker still write on (or close) this ticket?"""
        async with self._db.transaction() as session:
            ticket = await TicketRepository(session).get(ticket_id)
        return (
            ticket is not None
            and ticket.telegram_id == telegram_id
            and ticket.status != TicketStatus.CLOSED
        )

    # -- coordinators and admins ----------------------------------------------------------

    async def answer(self, staff_id: int, ticket_id: int, text: str) -> TicketView:
        """Store a coordinator's answer and queue it for the asker. Audited."""
        now = self.clock.now()
        async with self._db.transaction() as session:
            repo = TicketRepository(session)
            scope, ticket = await self._in_scope(session, repo, staff_id, ticket_id, lock=True)
            if ticket.status == TicketStatus.CLOSED:
                raise TicketClosed(ticket.id)
            ticket.status = TicketStatus.ANSWERED
            message = await self._add(repo, ticket, Author.STAFF, staff_id, text, now)
            await self._queue(session, ticket.telegram_id, ticket, message, Event.ANSWER)
            record(
                session,
                staff_id,
                AuditAction.TICKET_ANSWERED,
                ticket_id=ticket.id,
                message_id=message.id,
                scope=scope.as_dict(),
            )
            return view_of(ticket)

    async def answerable(self, staff_id: int, ticket_id: int) -> TicketView:
        """For the "Balas" button: in scope and not closed, checked before asking to type."""
        async with self._db.transaction() as session:
            repo = TicketRepository(session)
            _, ticket = await self._in_scope(session, repo, staff_id, ticket_id)
            if ticket.status == TicketStatus.CLOSED:
                raise TicketClosed(ticket.id)
            return view_of(ticket)

    async def in_scope(self, staff_id: int) -> TicketList:
        """Open tickets the coordinator may answer, the longest waiting first."""
        async with self._db.transaction() as session:
            scope = await self._scope(session, staff_id)
            rows, total = await TicketRepository(session).open_in(
                blk_id=scope.code if scope.kind is ScopeKind.BLK else None,
                province_code=scope.code if scope.kind is ScopeKind.PROVINCE else None,
                limit=LIST_LIMIT,
            )
            return TicketList([view_of(row) for row in rows], total)

    async def detail_for_staff(self, staff_id: int, ticket_id: int) -> Detail:
        """The whole ticket with the asker's context. Audited: it shows personal data."""
        async with self._db.transaction() as session:
            repo = TicketRepository(session)
            scope, ticket = await self._in_scope(session, repo, staff_id, ticket_id)
            record(
                session,
                staff_id,
                AuditAction.TICKET_VIEWED,
                ticket_id=ticket.id,
                scope=scope.as_dict(),
            )
            entries = await self._entries(repo, ticket.id, for_staff=True)
            return Detail(view_of(ticket), entries, await self._asker(repo, ticket.telegram_id))

    # -- the outbox hook and the escalation job -----------------------------------------

    async def notice(self, ticket_id: int, message_id: int, event: Event) -> Notice | None:
        """What a queued row says; None when the ticket is gone (erased by its asker)."""
        async with self._db.transaction() as session:
            repo = TicketRepository(session)
            ticket = await repo.get(ticket_id)
            message = await repo.message(message_id)
            if ticket is None or message is None or message.ticket_id != ticket.id:
                return None
            to_staff = event is not Event.ANSWER
            asker = await self._asker(repo, ticket.telegram_id) if to_staff else None
            return Notice(event, view_of(ticket), self._entry(message, for_staff=to_staff), asker)

    async def escalate_due(self, now: datetime | None = None) -> int:
        """Tell the admins, once per ticket, of tickets open longer than allowed."""
        if not self._admin_ids:
            return 0  # nobody to tell: left unmarked, so admins added later still hear
        now = now or self.clock.now()
        escalated = 0
        async with self._db.transaction() as session:
            repo = TicketRepository(session)
            for ticket_id in await repo.due_for_escalation(
                now - self.escalate_after, ESCALATION_BATCH
            ):
                if not await repo.claim_escalation(ticket_id, now):
                    continue
                ticket = await repo.get(ticket_id)
                asked = [m for m in await repo.messages(ticket_id) if m.author_kind == Author.USER]
                if ticket is None or not asked:
                    continue
                for admin in sorted(self._admin_ids):
                    await self._queue(session, admin, ticket, asked[-1], Event.ESCALATION)
                escalated += 1
        if escalated:
            logger.info("escalated %d unanswered tickets to the admins", escalated)
        return escalated

    # -- helpers ------------------------------------------------------------------------

    async def _within_open_limit(self, repo: TicketRepository, telegram_id: int) -> None:
        if await repo.open_of_user(telegram_id) >= self.open_limit:
            raise TooManyOpenTickets(self.open_limit)

    async def _place_of(self, repo: TicketRepository, telegram_id: int) -> Place:
        registration = await repo.registration(telegram_id)
        if registration is None:
            return Place(None, None)
        seat = await repo.seat(registration.id)
        if seat is not None:
            return Place(seat.blk_id, seat.province_code)
        return Place(None, registration.province_code)

    async def _own(self, repo: TicketRepository, telegram_id: int, ticket_id: int) -> Ticket:
        ticket = await repo.get(ticket_id, lock=True)
        if ticket is None or ticket.telegram_id != telegram_id:
            raise TicketNotFound
        if ticket.status == TicketStatus.CLOSED:
            raise TicketClosed(ticket.id)
        return ticket

    async def _scope(self, session: AsyncSession, staff_id: int) -> Scope:
        scope = await self._roles.scope_in(session, staff_id)
        if scope is None:
            raise NotPermitted
        return scope

    async def _in_scope(
        self,
        session: AsyncSession,
        repo: TicketRepository,
        staff_id: int,
        ticket_id: int,
        *,
        lock: bool = False,
    ) -> tuple[Scope, Ticket]:
        scope = await self._scope(session, staff_id)
        ticket = await repo.get(ticket_id, lock=lock)
        if ticket is None or not covers(scope, Place(ticket.blk_id, ticket.province_code)):
            raise TicketNotFound
        return scope, ticket

    async def _add(
        self,
        repo: TicketRepository,
        ticket: Ticket,
        author: Author,
        author_id: int,
        text: str,
        now: datetime,
    ) -> TicketMessage:
        ticket.updated_at = now
        return await repo.add_message(
            TicketMessage(
                ticket_id=ticket.id,
                author_kind=author.value,
                author_id=author_id,
                text_cipher=self._cipher.encrypt(text),
                created_at=now,
            )
        )

    def _entry(self, message: TicketMessage, *, for_staff: bool) -> Entry:
        """Coordinators see the person's own words with personal numbers masked."""
        text = self._cipher.decrypt(message.text_cipher)
        author = Author(message.author_kind)
        if for_staff and author is Author.USER:
            text = mask_numbers(text)
        return Entry(author, text, message.created_at)

    async def _entries(
        self, repo: TicketRepository, ticket_id: int, *, for_staff: bool
    ) -> list[Entry]:
        messages = await repo.messages(ticket_id)
        return [self._entry(message, for_staff=for_staff) for message in messages]

    async def _asker(self, repo: TicketRepository, telegram_id: int) -> Asker:
        registration = await repo.registration(telegram_id)
        phk_profile = await repo.has_phk_profile(telegram_id)
        if registration is None:
            return Asker(phk_affected=phk_profile)
        return Asker(
            full_name=registration.full_name,
            code=registration.code,
            nik_masked=mask_nik(self._cipher.decrypt(registration.nik_cipher)),
            seat=await repo.seat(registration.id),
            phk_affected=registration.phk_affected or phk_profile,
            phk_month=registration.phk_month,
        )

    async def _notify_staff(
        self,
        session: AsyncSession,
        repo: TicketRepository,
        ticket: Ticket,
        message: TicketMessage,
        event: Event,
    ) -> None:
        """The narrowest level with anybody, plus whoever answered before (still in scope)."""
        place = Place(ticket.blk_id, ticket.province_code)
        recipients = await self._staff_for(repo, place)
        for staff_id in await repo.answerers(ticket.id):
            scope = await self._roles.scope_in(session, staff_id)
            if scope is not None and covers(scope, place):
                recipients.add(staff_id)
        recipients.discard(ticket.telegram_id)
        if not recipients:
            logger.warning("ticket %d: no coordinator and no admin to tell", ticket.id)
        for chat_id in sorted(recipients):
            await self._queue(session, chat_id, ticket, message, event)

    async def _staff_for(self, repo: TicketRepository, place: Place) -> set[int]:
        """The coordinators of the narrowest level that has any, else the admins."""
        for scope in routing(place):
            if coordinators := await repo.coordinators(scope.kind.value, scope.code):
                return set(coordinators)
        return set(self._admin_ids)

    async def _queue(
        self,
        session: AsyncSession,
        chat_id: int,
        ticket: Ticket,
        message: TicketMessage,
        event: Event,
    ) -> None:
        await enqueue_template(
            session,
            chat_id,
            Template.TICKET,
            {"event": event.value, "ticket": ticket.id, "message": message.id},
            dedupe_key=f"ticket:{message.id}:{event.value}:{chat_id}",
            not_before=self.clock.now(),
            subject_id=ticket.telegram_id,
        )
