"""Finding a participant from the desk, and their card, inside the coordinator's scope.

The scope is the one broadcasts, statistics and exports use (`scope_conditions`), applied
in the query that reads, so a forged registration id outside it is refused exactly like
one that does not exist. Names are stored in clear and matched with rapidfuzz in chunks
of `CHUNK` from a cursor; codes are looked up directly and phones through their keyed
fingerprint, so nobody's phone is decrypted to search. Every search and card view is
audited (kind of query and how many were found; never what was typed).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.audit import AuditAction, record
from bot.coordinators.audiences import NotInScope, scope_conditions
from bot.coordinators.participant_query import (
    NameMatches,
    ParticipantQuery,
    QueryKind,
    parse_query,
)
from bot.coordinators.roles import RoleService, Scope
from bot.coordinators.rosters import RosterService
from bot.registration.nik import mask_nik
from bot.registration.participants import BusinessStatus, Sector
from bot.registration.personal_data import PersonalDataCipher
from bot.tickets.rules import Place, covers
from bot.training.reminders import AttendanceAnswer
from storage.database import Database
from storage.enrollment_repository import LIVE, WAITLISTED, EnrollmentRepository, WaitlistOrder
from storage.models import Registration
from storage.participant_repository import Hit, ParticipantRepository, SeatRow

RESULTS = 8
# Names per rapidfuzz call: large enough that the calls cost little, small enough that a
# national scope's names never all sit in memory.
CHUNK = 5000


@dataclass(frozen=True)
class Found:
    id: int
    full_name: str
    code: str


@dataclass(frozen=True)
class SearchResult:
    query: ParticipantQuery
    found: list[Found]


@dataclass(frozen=True)
class SeatLine:
    """One seat or waitlist place, times in the BLK's zone; `position` while waiting."""

    enrollment_id: int
    batch_id: int
    batch_title: str
    blk_name: str
    status: str
    since: datetime
    starts_at: datetime
    timezone: str
    attendance: AttendanceAnswer | None
    position: int | None

    @property
    def live(self) -> bool:
        return self.status in LIVE


@dataclass(frozen=True)
class ParticipantCard:
    """What a coordinator sees of a person: phone in full, NIK masked, and only the seats
    and questions inside their scope (`live_elsewhere`: a place at a BLK outside it)."""

    id: int
    full_name: str
    code: str
    phone: str
    nik_masked: str
    regency: str
    province: str
    business_status: BusinessStatus
    business_sector: Sector
    phk_affected: bool
    phk_month: date | None
    seats: list[SeatLine]
    live_elsewhere: bool
    tickets: dict[str, int]
    may_release_nik: bool

    @property
    def live(self) -> SeatLine | None:
        return next((seat for seat in self.seats if seat.live), None)


def _found(hit: Hit) -> Found:
    return Found(hit.id, hit.full_name, hit.code)


async def person_in(session: AsyncSession, scope: Scope, registration_id: int) -> Registration:
    """The registration, or `NotInScope` when it is gone or outside the scope."""
    row = await ParticipantRepository(session).registration(
        registration_id, scope_conditions(scope)
    )
    if row is None:
        raise NotInScope
    return row


def seat_line(row: SeatRow, position: int | None) -> SeatLine:
    zone = ZoneInfo(row.timezone)
    return SeatLine(
        enrollment_id=row.enrollment_id,
        batch_id=row.batch_id,
        batch_title=row.batch_title,
        blk_name=row.blk_name,
        status=row.status,
        since=row.created_at.astimezone(zone),
        starts_at=row.starts_at.astimezone(zone),
        timezone=row.timezone,
        attendance=AttendanceAnswer(row.attendance) if row.attendance else None,
        position=position,
    )


async def seats_in(
    session: AsyncSession, scope: Scope, registration_id: int, order: WaitlistOrder
) -> tuple[list[SeatLine], bool]:
    """The person's seats at BLKs inside the scope, and whether they hold a live place
    at one outside it; waitlist places numbered in `order`."""
    repository = ParticipantRepository(session)
    lines, elsewhere = [], False
    for row in await repository.seats(registration_id):
        if not scope.covers(row.blk_id, row.province_code):
            elsewhere = elsewhere or row.status in LIVE
            continue
        position = None
        if row.status == WAITLISTED:
            position = await EnrollmentRepository(session).waitlist_position(
                row.enrollment_id, row.batch_id, order
            )
        lines.append(seat_line(row, position))
    return lines, elsewhere


class ParticipantSearch:
    def __init__(
        self,
        db: Database,
        roles: RoleService,
        rosters: RosterService,
        cipher: PersonalDataCipher,
        code_prefix: str = "BLK",
    ) -> None:
        self._db = db
        self._roles = roles
        self._rosters = rosters
        self._cipher = cipher
        self._code_prefix = code_prefix

    async def search(self, actor: int, text: str) -> SearchResult:
        """At most `RESULTS` people in scope: by code, by phone, or by name (best first)."""
        query = parse_query(text, self._code_prefix)
        async with self._db.transaction() as session:
            scope = await self._rosters.scope_in(session, actor)
            hits = await self._hits(ParticipantRepository(session), query, scope)
            record(
                session,
                actor,
                AuditAction.PARTICIPANT_SEARCHED,
                scope=scope.as_dict(),
                kind=query.kind.value,
                found=len(hits),
            )
        return SearchResult(query, [_found(hit) for hit in hits])

    async def _hits(
        self, repository: ParticipantRepository, query: ParticipantQuery, scope: Scope
    ) -> list[Hit]:
        conditions = scope_conditions(scope)
        if query.kind is QueryKind.CODE:
            return await repository.by_code(query.value, conditions)
        if query.kind is QueryKind.PHONE:
            fingerprint = self._cipher.fingerprint(query.value)
            return await repository.by_phone(fingerprint, conditions, RESULTS)
        matches = NameMatches(query.value, RESULTS)
        async for chunk in repository.names(conditions, CHUNK):
            matches.add(chunk)
        return await repository.by_ids(matches.ids())

    async def card(self, actor: int, registration_id: int) -> ParticipantCard:
        """The person's card; audited as a view."""
        async with self._db.transaction() as session:
            scope = await self._rosters.scope_in(session, actor)
            row = await person_in(session, scope, registration_id)
            repository = ParticipantRepository(session)
            seats, elsewhere = await seats_in(session, scope, row.id, self._rosters.waitlist_order)
            tickets = Counter(
                status
                for status, blk_id, province_code in await repository.tickets(row.telegram_id)
                if covers(scope, Place(blk_id, province_code))
            )
            regency, province = await repository.domicile(row.regency_code) or ("", "")
            record(
                session,
                actor,
                AuditAction.PARTICIPANT_VIEWED,
                scope=scope.as_dict(),
                registration_id=row.id,
            )
        return ParticipantCard(
            id=row.id,
            full_name=row.full_name,
            code=row.code,
            phone=self._cipher.decrypt(row.phone_cipher),
            nik_masked=mask_nik(self._cipher.decrypt(row.nik_cipher)),
            regency=regency,
            province=province,
            business_status=BusinessStatus(row.business_status),
            business_sector=Sector(row.business_sector),
            phk_affected=row.phk_affected,
            phk_month=row.phk_month,
            seats=seats,
            live_elsewhere=elsewhere,
            tickets=dict(tickets),
            may_release_nik=self._roles.is_admin(actor),
        )
