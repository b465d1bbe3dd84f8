"""What a coordinator may do from a participant's card: move the seat, cancel it, and
(administrators only) release the NIK of someone who lost their Telegram account.

Each action re-checks in its own transaction that the person is in the actor's scope and
that the seat on the button is still their live one at a BLK in scope; anything else is
refused like a stale button. Moving reuses the enrolment service's reschedule, so every
rule of taking a seat applies and the old seat is kept when the new batch is full.
Cancelling passes the seat to the first person waiting, who is told; the person moved
or cancelled is told through the outbox too. Releasing a NIK erases the old account's
registration through `bot.privacy` (seat, PHK answers, questions, language), which
frees the NIK for a registration from the new account. Every action is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.audit import AuditAction, record
from bot.clock import Clock
from bot.coordinators.audiences import NotInScope
from bot.coordinators.participant_search import SeatLine, person_in, seats_in
from bot.coordinators.roles import RoleService, Scope
from bot.coordinators.rosters import RosterService, narrowing
from bot.delivery.templates import Payload, Template, enqueue_template
from bot.errors import N_, DomainError, NotPermitted
from bot.privacy import PrivacyService
from bot.training.enrollment import EnrollmentService
from bot.training.placements import Placement
from bot.training.seat_rules import BatchFull
from storage.coordinator_repository import PlaceRepository
from storage.database import Database
from storage.enrollment_repository import EnrollmentRepository
from storage.models import Registration
from storage.participant_repository import ParticipantRepository

MOVE_CHOICES = 8


class SeatKept(DomainError):
    """The batch chosen for a move is full: nothing changed, the old seat is kept."""

    key = N_("person-move-full")


@dataclass(frozen=True)
class Holder:
    """A person and the live seat an action is about."""

    id: int
    full_name: str
    code: str
    seat: SeatLine


@dataclass(frozen=True)
class Target:
    id: int
    title: str
    blk_name: str
    starts_at: datetime
    timezone: str
    seats_left: int


@dataclass(frozen=True)
class Moved:
    holder: Holder
    placement: Placement
    promoted: bool


@dataclass(frozen=True)
class SeatCancelled:
    holder: Holder
    promoted: bool


@dataclass(frozen=True)
class Erased:
    code: str
    promoted: bool


class ParticipantActions:
    def __init__(
        self,
        db: Database,
        roles: RoleService,
        rosters: RosterService,
        enrollment: EnrollmentService,
        privacy: PrivacyService,
        clock: Clock,
    ) -> None:
        self._db = db
        self._roles = roles
        self._rosters = rosters
        self._enrollment = enrollment
        self._privacy = privacy
        self.clock = clock

    async def holder(self, actor: int, registration_id: int, enrollment_id: int) -> Holder:
        """The person with that live seat in scope, for a confirmation."""
        async with self._db.transaction() as session:
            scope = await self._rosters.scope_in(session, actor)
            _, holder = await self._holder_in(session, scope, registration_id, enrollment_id)
            return holder

    async def targets(
        self, actor: int, registration_id: int, enrollment_id: int
    ) -> tuple[Holder, list[Target]]:
        """Batches in scope still taking registrations, soonest first, but the current one."""
        async with self._db.transaction() as session:
            scope = await self._rosters.scope_in(session, actor)
            _, holder = await self._holder_in(session, scope, registration_id, enrollment_id)
            blk_id, province_code = narrowing(scope)
            rows = await ParticipantRepository(session).targets(
                blk_id=blk_id,
                province_code=province_code,
                now=self.clock.now(),
                exclude=holder.seat.batch_id,
                limit=MOVE_CHOICES,
            )
        return holder, [
            Target(row.id, row.title, row.blk_name, row.starts_at, row.timezone, row.seats_left)
            for row in rows
        ]

    async def target(self, actor: int, batch_id: int) -> str:
        """The title of a batch in scope, for the move's confirmation."""
        async with self._db.transaction() as session:
            scope = await self._rosters.scope_in(session, actor)
            return await self._batch_in(session, scope, batch_id)

    async def move(
        self, actor: int, registration_id: int, enrollment_id: int, batch_id: int
    ) -> Moved:
        """Reschedule the seat into another batch in scope; `SeatKept` when it is full."""
        async with self._db.transaction() as session:
            scope = await self._rosters.scope_in(session, actor)
            row, holder = await self._holder_in(session, scope, registration_id, enrollment_id)
            await self._batch_in(session, scope, batch_id)
            try:
                move = await self._enrollment.reschedule_in(session, row, batch_id)
            except BatchFull:
                raise SeatKept(title=holder.seat.batch_title) from None
            moved = await EnrollmentRepository(session).live_for(row.id)
            assert moved is not None  # reschedule_in just created it
            await self._tell_and_audit(
                session,
                row,
                Template.STAFF_MOVED_SEAT,
                {"enrollment_id": moved.id},
                dedupe_key=f"staff-moved:{moved.id}",
                enrollment_id=moved.id,
                actor=actor,
                scope=scope,
                action=AuditAction.PARTICIPANT_MOVED,
                from_batch=holder.seat.batch_id,
                to_batch=batch_id,
                promoted=move.promoted_telegram_id is not None,
            )
        return Moved(holder, move.placement, move.promoted_telegram_id is not None)

    async def cancel(self, actor: int, registration_id: int, enrollment_id: int) -> SeatCancelled:
        """Cancel the seat or waitlist place; the first waiting person gets a freed seat."""
        async with self._db.transaction() as session:
            scope = await self._rosters.scope_in(session, actor)
            row, holder = await self._holder_in(session, scope, registration_id, enrollment_id)
            cancellation = await self._enrollment.cancel_in(session, row)
            promoted = cancellation.promoted_telegram_id is not None
            await self._tell_and_audit(
                session,
                row,
                Template.STAFF_CANCELLED_SEAT,
                {"batch_id": holder.seat.batch_id},
                dedupe_key=f"staff-cancelled:{enrollment_id}",
                # Erasing the person's data (cascade) takes the notice with it.
                enrollment_id=enrollment_id,
                actor=actor,
                scope=scope,
                action=AuditAction.PARTICIPANT_SEAT_CANCELLED,
                batch_id=holder.seat.batch_id,
                status=holder.seat.status,
                promoted=promoted,
            )
        return SeatCancelled(holder, promoted)

    async def erasable(self, actor: int, registration_id: int) -> tuple[str, str]:
        """Name and code of the registration an administrator may erase to free its NIK."""
        self._require_admin(actor)
        async with self._db.transaction() as session:
            row = await self._registration(session, registration_id)
            return row.full_name, row.code

    async def release_nik(self, actor: int, registration_id: int) -> Erased:
        """Erase the registration of a lost account (administrators only), so its NIK can
        register again from a new account."""
        self._require_admin(actor)
        async with self._db.transaction() as session:
            row = await self._registration(session, registration_id)
            telegram_id, code = row.telegram_id, row.code
        erasure = await self._privacy.erase(telegram_id)
        promoted = erasure.promoted_telegram_id is not None
        async with self._db.transaction() as session:
            record(
                session,
                actor,
                AuditAction.NIK_RELEASED,
                registration_id=registration_id,
                telegram_id=telegram_id,
                promoted=promoted,
            )
        return Erased(code, promoted)

    # -- inside the caller's transaction --

    async def _tell_and_audit(
        self,
        session: AsyncSession,
        person: Registration,
        template: Template,
        fields: Payload,
        *,
        dedupe_key: str,
        enrollment_id: int,
        actor: int,
        scope: Scope,
        action: AuditAction,
        **details: object,
    ) -> None:
        """The person told through the outbox and the action audited with the actor's
        scope, both in the action's transaction: neither happens unless the change commits."""
        await enqueue_template(
            session,
            person.telegram_id,
            template,
            fields,
            dedupe_key=dedupe_key,
            not_before=self.clock.now(),
            enrollment_id=enrollment_id,
        )
        record(session, actor, action, scope=scope.as_dict(), registration_id=person.id, **details)

    def _require_admin(self, actor: int) -> None:
        if not self._roles.is_admin(actor):
            raise NotPermitted

    @staticmethod
    async def _registration(session: AsyncSession, registration_id: int) -> Registration:
        row = await ParticipantRepository(session).registration(registration_id, [])
        if row is None:
            raise NotInScope
        return row

    async def _holder_in(
        self, session: AsyncSession, scope: Scope, registration_id: int, enrollment_id: int
    ) -> tuple[Registration, Holder]:
        """The person in scope and their live seat, which must be `enrollment_id` at a BLK
        in scope; a button from before a change, or forged, gets `NotInScope`."""
        row = await person_in(session, scope, registration_id)
        seats, _ = await seats_in(session, scope, row.id, self._rosters.waitlist_order)
        seat = next((s for s in seats if s.live and s.enrollment_id == enrollment_id), None)
        if seat is None:
            raise NotInScope
        return row, Holder(row.id, row.full_name, row.code, seat)

    @staticmethod
    async def _batch_in(session: AsyncSession, scope: Scope, batch_id: int) -> str:
        batch = await PlaceRepository(session).batch(batch_id)
        if batch is None or not scope.covers(batch[1], batch[3]):
            raise NotInScope
        return batch[0]
