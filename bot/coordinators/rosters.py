"""Rosters: a coordinator's batches and who holds a seat or waits in each, in their scope.

The scope is checked here, inside the transaction that reads, whatever the handler
checked before: a batch outside it is refused exactly like one that does not exist, so
a forged button learns nothing. Every roster shown is written to the audit log (who,
which scope and batch, how many rows; no personal data). Phone numbers are shown in full
because coordinators must call people; the NIK only masked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from math import ceil
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.audit import AuditAction, record
from bot.clock import Clock
from bot.coordinators.audiences import NotInScope
from bot.coordinators.roles import RoleService, Scope, ScopeKind
from bot.errors import NotPermitted
from bot.registration.nik import Sex, age, mask_nik
from bot.registration.participants import BusinessStatus, Sector
from bot.registration.personal_data import PersonalDataCipher
from bot.registration.service import birth_date_of
from bot.training.reminders import AttendanceAnswer
from bot.training.waitlist import DEFAULT_ORDER
from storage.database import Database
from storage.enrollment_repository import WaitlistOrder
from storage.roster_repository import BatchRow, ParticipantRow, RosterRepository

BATCHES_PER_PAGE = 6


@dataclass(frozen=True)
class BatchSummary:
    """A batch as the desk lists it; times are aware, shown in `timezone` (the BLK's)."""

    id: int
    title: str
    blk_name: str
    timezone: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    enrolled: int
    waitlisted: int
    status: str


@dataclass(frozen=True)
class BatchPage:
    batches: list[BatchSummary]
    page: int
    pages: int


@dataclass(frozen=True)
class RosterEntry:
    """One participant as coordinators see them: phone in full, NIK masked.

    `status` is None for someone registered but in no batch; `enrolled_at` is in the
    BLK's time zone.
    """

    full_name: str
    code: str
    phone: str
    nik_masked: str
    sex: Sex
    age: int
    regency: str
    business_status: BusinessStatus
    business_sector: Sector
    phk_affected: bool
    phk_month: date | None
    status: str | None
    waitlist_position: int | None
    enrolled_at: datetime | None
    attendance: AttendanceAnswer | None
    batch_title: str | None
    blk_name: str | None
    programme: str | None = None  # a Programme code; None: in no batch


@dataclass(frozen=True)
class Roster:
    batch: BatchSummary
    entries: list[RosterEntry]


def narrowing(scope: Scope) -> tuple[str | None, str | None]:
    """(BLK id, province code) that a scope limits batches to; (None, None) for the country."""
    if scope.kind is ScopeKind.BLK:
        return scope.code, None
    if scope.kind is ScopeKind.PROVINCE:
        return None, scope.code
    return None, None


class EntryReader:
    """Turns stored rows into entries: decrypts the phone, NIK, sex and birth date, ages
    on today."""

    def __init__(self, cipher: PersonalDataCipher, today: date) -> None:
        self._cipher = cipher
        self._today = today

    def entry(self, row: ParticipantRow) -> RosterEntry:
        enrolled_at = row.enrolled_at
        if enrolled_at is not None and row.timezone:
            enrolled_at = enrolled_at.astimezone(ZoneInfo(row.timezone))
        return RosterEntry(
            full_name=row.full_name,
            code=row.code,
            phone=self._cipher.decrypt(row.phone_cipher),
            nik_masked=mask_nik(self._cipher.decrypt(row.nik_cipher)),
            sex=Sex(self._cipher.decrypt(row.sex_cipher)),
            age=age(birth_date_of(row.birth_date_cipher, self._cipher), self._today),
            regency=row.regency_name or "",
            business_status=BusinessStatus(row.business_status),
            business_sector=Sector(row.business_sector),
            phk_affected=row.phk_affected,
            phk_month=row.phk_month,
            status=row.enrollment_status,
            waitlist_position=row.waitlist_position,
            enrolled_at=enrolled_at,
            attendance=AttendanceAnswer(row.attendance) if row.attendance else None,
            batch_title=row.batch_title,
            blk_name=row.blk_name,
            programme=row.programme,
        )


def _summary(row: BatchRow) -> BatchSummary:
    return BatchSummary(
        id=row.id,
        title=row.title,
        blk_name=row.blk_name,
        timezone=row.timezone,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        capacity=row.capacity,
        enrolled=row.enrolled,
        waitlisted=row.waitlisted,
        status=row.status,
    )


class RosterService:
    def __init__(
        self,
        db: Database,
        roles: RoleService,
        cipher: PersonalDataCipher,
        timezone: str = "Asia/Jakarta",
        clock: Clock | None = None,
        waitlist_order: WaitlistOrder = DEFAULT_ORDER,
    ) -> None:
        """`waitlist_order` numbers waitlist places as the promotions follow them."""
        self._db = db
        self._roles = roles
        self._cipher = cipher
        self._zone = ZoneInfo(timezone)
        self.clock = clock or Clock(timezone)
        self.waitlist_order = waitlist_order

    def reader(self) -> EntryReader:
        """Ages count on today in the programme's zone."""
        return EntryReader(self._cipher, self.clock.today_in(self._zone))

    async def scope_in(self, session: AsyncSession, actor: int) -> Scope:
        """The actor's scope, re-read in this transaction; `NotPermitted` without a role."""
        scope = await self._roles.scope_in(session, actor)
        if scope is None:
            raise NotPermitted
        return scope

    async def batch_in(self, session: AsyncSession, scope: Scope, batch_id: int) -> BatchSummary:
        """The batch, or `NotInScope` when it is unknown or outside the scope."""
        blk_id, province_code = narrowing(scope)
        row = await RosterRepository(session).batch(
            batch_id, blk_id=blk_id, province_code=province_code
        )
        if row is None:
            raise NotInScope
        return _summary(row)

    async def batches(self, actor: int, page: int) -> BatchPage:
        """One page of the batches in the actor's scope, newest start first."""
        async with self._db.transaction() as session:
            blk_id, province_code = narrowing(await self.scope_in(session, actor))
            repository = RosterRepository(session)
            total = await repository.count_batches(blk_id=blk_id, province_code=province_code)
            pages = max(ceil(total / BATCHES_PER_PAGE), 1)
            page = min(max(page, 0), pages - 1)
            rows = await repository.batches(
                blk_id=blk_id,
                province_code=province_code,
                limit=BATCHES_PER_PAGE,
                offset=page * BATCHES_PER_PAGE,
            )
        return BatchPage([_summary(row) for row in rows], page, pages)

    async def roster(self, actor: int, batch_id: int) -> Roster:
        """Everyone holding a seat or waiting in the batch; audited as a roster view."""
        async with self._db.transaction() as session:
            scope = await self.scope_in(session, actor)
            batch = await self.batch_in(session, scope, batch_id)
            rows = await RosterRepository(session).roster(batch_id, self.waitlist_order)
            record(
                session,
                actor,
                AuditAction.ROSTER_VIEWED,
                scope=scope.as_dict(),
                batch_id=batch_id,
                rows=len(rows),
            )
        reader = self.reader()
        return Roster(batch, [reader.entry(row) for row in rows])
