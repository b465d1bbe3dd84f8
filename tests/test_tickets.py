"""Tickets without Telegram: routing by scope, who may answer, states, escalation once.

People come from `tests.test_broadcasts.build_world`: 101 trains at blk-a (province 32),
103 at blk-b (32), 104 lives in 32 with no seat, 105 trains at blk-c (51), 107 lives in
51 with no seat; 200 never registered.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from bot.coordinators.roles import RoleService, Scope
from bot.errors import NotPermitted
from bot.privacy import PrivacyService
from bot.registration.personal_data import PersonalDataCipher
from bot.registration.service import RegistrationService
from bot.tickets.rules import MARK, Event, Origin, Place, TicketStatus, ticket_number_in
from bot.tickets.service import TicketService
from bot.tickets.views import TicketClosed, TicketNotFound, TooManyOpenTickets
from storage.database import Database
from storage.models import AuditEntry, OutboxMessage, Ticket, TicketMessage
from storage.ticket_repository import TicketRepository
from tests.clock import NOW, FixedClock
from tests.test_broadcasts import ADMIN, BLK_A, BLK_B, BLK_C, build_world

BLK_A_STAFF, PROVINCE_32_STAFF, COUNTRY_STAFF, BLK_C_STAFF = 7001, 7002, 7003, 7004


@pytest.fixture
async def roles(db: Database) -> RoleService:
    return RoleService(db, frozenset({ADMIN}))


@pytest.fixture
async def tickets(
    db: Database, cipher: PersonalDataCipher, roles: RoleService, privacy: PrivacyService
) -> TicketService:
    await build_world(db, RegistrationService(db, cipher), privacy)
    await roles.grant(ADMIN, BLK_A_STAFF, Scope.blk(BLK_A))
    await roles.grant(ADMIN, PROVINCE_32_STAFF, Scope.province("32"))
    await roles.grant(ADMIN, COUNTRY_STAFF, Scope.country())
    await roles.grant(ADMIN, BLK_C_STAFF, Scope.blk(BLK_C))
    return TicketService(
        db, cipher, roles, frozenset({ADMIN}), escalate_after_hours=24, clock=FixedClock(NOW)
    )


async def queued(db: Database, ticket_id: int | None = None) -> list[tuple[int, str]]:
    """(chat, event) of the ticket rows in the outbox, in queueing order."""
    async with db.transaction() as session:
        rows = (
            await session.execute(
                select(OutboxMessage)
                .where(OutboxMessage.kind == "ticket")
                .order_by(OutboxMessage.id)
            )
        ).scalars()
        payloads = [(row.chat_id, json.loads(row.payload)) for row in rows]
    return [
        (chat, payload["event"])
        for chat, payload in payloads
        if ticket_id is None or payload["ticket"] == ticket_id
    ]


@pytest.mark.parametrize(
    ("asker", "place", "notified"),
    [
        (101, Place(BLK_A, "32"), [BLK_A_STAFF]),  # enrolled: that BLK's coordinators
        (103, Place(BLK_B, "32"), [PROVINCE_32_STAFF]),  # blk-b has none: the province's
        (104, Place(None, "32"), [PROVINCE_32_STAFF]),  # no seat: the domicile's province
        (105, Place(BLK_C, "51"), [BLK_C_STAFF]),
        (107, Place(None, "51"), [COUNTRY_STAFF]),  # nobody for 51: country-wide
        (200, Place(None, None), [COUNTRY_STAFF]),  # not registered
    ],
)
async def test_a_question_goes_to_the_narrowest_level_with_somebody(
    tickets: TicketService, db: Database, asker: int, place: Place, notified: list[int]
) -> None:
    ticket = await tickets.ask(asker, "Kapan kelas mulai?", Origin.COMMAND)
    assert (ticket.place, ticket.status) == (place, TicketStatus.OPEN)
    assert await queued(db) == [(chat, Event.NEW) for chat in notified]


async def test_without_any_coordinator_the_admins_are_asked(
    tickets: TicketService, roles: RoleService, db: Database
) -> None:
    await roles.revoke(ADMIN, COUNTRY_STAFF)
    await tickets.ask(107, "Halo?", Origin.MENU)
    assert await queued(db) == [(ADMIN, Event.NEW)]


async def test_only_coordinators_whose_scope_covers_a_ticket_see_or_answer_it(
    tickets: TicketService,
) -> None:
    ticket = await tickets.ask(103, "Pertanyaan di blk-b", Origin.COMMAND)
    for outsider in (BLK_A_STAFF, BLK_C_STAFF):
        with pytest.raises(TicketNotFound):
            await tickets.answer(outsider, ticket.id, "jawaban")
        with pytest.raises(TicketNotFound):
            await tickets.detail_for_staff(outsider, ticket.id)
        assert (await tickets.in_scope(outsider)).tickets == []
    with pytest.raises(NotPermitted):
        await tickets.answer(101, ticket.id, "jawaban")
    with pytest.raises(NotPermitted):
        await tickets.in_scope(101)
    for insider in (PROVINCE_32_STAFF, COUNTRY_STAFF, ADMIN):
        assert [t.id for t in (await tickets.in_scope(insider)).tickets] == [ticket.id]
    detail = await tickets.detail_for_staff(PROVINCE_32_STAFF, ticket.id)
    assert detail.asker is not None and detail.asker.code is not None
    assert detail.asker.nik_masked is not None and "********" in detail.asker.nik_masked
    assert detail.asker.seat is not None and detail.asker.seat.blk_id == BLK_B


async def test_open_answered_reopened_closed(
    tickets: TicketService, db: Database, cipher: PersonalDataCipher
) -> None:
    ticket = await tickets.ask(101, "Apakah gratis?", Origin.FAQ)
    answered = await tickets.answer(PROVINCE_32_STAFF, ticket.id, "Ya, gratis.")
    assert answered.status is TicketStatus.ANSWERED
    tickets.clock = FixedClock(NOW + timedelta(hours=3))
    reopened = await tickets.follow_up(101, ticket.id, "Terima kasih, lalu syaratnya?")
    assert reopened.status is TicketStatus.OPEN
    assert reopened.waiting_since == NOW + timedelta(hours=3)
    # The follow-up reaches the routed coordinator and the one who answered before.
    assert await queued(db) == [
        (BLK_A_STAFF, Event.NEW),
        (101, Event.ANSWER),
        (BLK_A_STAFF, Event.FOLLOW_UP),
        (PROVINCE_32_STAFF, Event.FOLLOW_UP),
    ]
    with pytest.raises(TicketNotFound):
        await tickets.close(103, ticket.id)  # not theirs
    with pytest.raises(TicketNotFound):
        await tickets.follow_up(103, ticket.id, "menyusup")
    closed = await tickets.close(101, ticket.id)
    assert closed.status is TicketStatus.CLOSED
    with pytest.raises(TicketClosed):
        await tickets.follow_up(101, ticket.id, "lagi")
    with pytest.raises(TicketClosed):
        await tickets.answer(BLK_A_STAFF, ticket.id, "terlambat")
    assert not await tickets.owns_open(101, ticket.id)
    detail = await tickets.detail_for_asker(101, ticket.id)
    assert [entry.text for entry in detail.entries] == [
        "Apakah gratis?",
        "Ya, gratis.",
        "Terima kasih, lalu syaratnya?",
    ]
    assert detail.asker is None  # the asker does not get the coordinators' context

    async with db.transaction() as session:
        ciphers = list((await session.execute(select(TicketMessage.text_cipher))).scalars())
        audit = list((await session.execute(select(AuditEntry))).scalars())
    assert sorted(cipher.decrypt(c) for c in ciphers) == sorted(e.text for e in detail.entries)
    assert all("gratis" not in c for c in ciphers)  # encrypted at rest
    assert [(a.actor_id, a.action) for a in audit if a.action.startswith("ticket.")] == [
        (PROVINCE_32_STAFF, "ticket.answered")
    ]
    assert all("gratis" not in a.details for a in audit)


async def test_unanswered_tickets_are_escalated_once(
    tickets: TicketService, db: Database, cipher: PersonalDataCipher, roles: RoleService
) -> None:
    waiting = await tickets.ask(104, "Belum dijawab", Origin.MENU)
    answered = await tickets.ask(101, "Sudah dijawab", Origin.MENU)
    await tickets.answer(BLK_A_STAFF, answered.id, "Ini jawabannya")

    assert await tickets.escalate_due(NOW + timedelta(hours=23, minutes=59)) == 0
    assert await tickets.escalate_due(NOW + timedelta(hours=24)) == 1
    assert await queued(db, waiting.id) == [
        (PROVINCE_32_STAFF, Event.NEW),
        (ADMIN, Event.ESCALATION),
    ]
    assert await tickets.escalate_due(NOW + timedelta(hours=48)) == 0
    # A restarted process (a new service on the same database) does not repeat it either.
    again = TicketService(db, cipher, roles, frozenset({ADMIN}), clock=FixedClock(NOW))
    assert await again.escalate_due(NOW + timedelta(days=7)) == 0
    assert await queued(db, answered.id) == [(BLK_A_STAFF, Event.NEW), (101, Event.ANSWER)]


async def test_with_no_admins_nothing_is_marked_escalated(
    db: Database, cipher: PersonalDataCipher, tickets: TicketService, roles: RoleService
) -> None:
    ticket = await tickets.ask(104, "Halo", Origin.MENU)
    lonely = TicketService(db, cipher, roles, frozenset(), clock=FixedClock(NOW))
    assert await lonely.escalate_due(NOW + timedelta(days=2)) == 0
    async with db.transaction() as session:
        assert (await session.get(Ticket, ticket.id)).escalated_at is None
    assert await tickets.escalate_due(NOW + timedelta(days=2)) == 1


async def test_erasure_removes_tickets_and_their_messages(
    tickets: TicketService, db: Database, privacy: PrivacyService
) -> None:
    await tickets.ask(101, "Hapus saya", Origin.MENU)
    await tickets.ask(200, "Saya belum daftar", Origin.MENU)
    await privacy.erase(101)  # what /hapusdata does
    async with db.transaction() as session:
        assert [t.telegram_id for t in (await session.execute(select(Ticket))).scalars()] == [200]
        assert await TicketRepository(session).delete_for_user(200) == 1
    async with db.transaction() as session:
        assert list((await session.execute(select(TicketMessage))).scalars()) == []


@given(number=st.integers(min_value=1, max_value=9_999_999_999), rest=st.text(max_size=50))
def test_the_ticket_number_is_read_from_the_start_only(number: int, rest: str) -> None:
    assert ticket_number_in(f"{MARK} #{number} · {rest}") == number
    assert ticket_number_in(f"{MARK} #{number}") == number
    assert ticket_number_in(f"Siaran #{number} {rest}") is None
    assert ticket_number_in(f"{rest}\n{MARK} #{number}") in (None, ticket_number_in(rest))


def test_the_ticket_number_needs_the_mark() -> None:
    assert ticket_number_in(None) is None
    assert ticket_number_in("#12 Halo") is None
    assert ticket_number_in(f"{MARK} #0") is None
    assert ticket_number_in(f"{MARK} #12a") == 12


async def test_open_questions_per_person_are_capped(tickets: TicketService) -> None:
    tickets.open_limit = 2
    first = await tickets.ask(101, "Kapan mulai?", Origin.COMMAND)
    await tickets.ask(101, "Di mana tempatnya?", Origin.COMMAND)
    await tickets.ask(103, "Apakah gratis?", Origin.COMMAND)  # another person's are apart
    with pytest.raises(TooManyOpenTickets) as refused:
        await tickets.may_ask(101)
    assert refused.value.params == {"limit": 2}
    with pytest.raises(TooManyOpenTickets):
        await tickets.ask(101, "Bawa apa saja?", Origin.COMMAND)
    # An answered question no longer waits: the person may ask again.
    await tickets.answer(BLK_A_STAFF, first.id, "Senin depan.")
    await tickets.may_ask(101)
    await tickets.ask(101, "Bawa apa saja?", Origin.COMMAND)
    assert [t.status for t in (await tickets.mine(101)).tickets].count(TicketStatus.OPEN) == 2
