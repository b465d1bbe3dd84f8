"""Batches managed in chat by coordinators: create, edit one field, close or reopen
registration, cancel.

Every action re-reads the actor's scope and the batch in its own transaction: a batch
outside the scope is refused like one that does not exist (`NotInScope`), so a forged
button learns nothing. The rules (`bot.training.batch_rules`) are checked again here
whatever the conversation checked. Each change is written to the audit log (ids and
field names only). Cancelling tells everyone holding a seat or waiting, through the
outbox in their own language, and frees every seat (`bot.training.batch_seats`).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from bot.audit import AuditAction, record
from bot.clock import Clock
from bot.coordinators.audiences import NotInScope
from bot.coordinators.place_finder import PlaceFinder
from bot.coordinators.roles import RoleService, Scope, ScopeKind
from bot.errors import NotPermitted
from bot.training.batch_rules import BatchField, BatchPlan, check_plan
from bot.training.batch_seats import cancel_everyone, plan_reminders_again
from bot.training.blk_watch import tell_watchers
from bot.training.managed_batch import (
    CLOSED,
    OPEN,
    BlkOptions,
    BlkPlace,
    CancelOutcome,
    ManagedBatch,
    plan_of,
    refuse_finished,
)
from bot.training.programmes import DEFAULT_PROGRAMME, Programme
from bot.training.reminders import ReminderPlan
from bot.training.waitlist import DEFAULT_ORDER, fill_seats
from storage.batch_admin_repository import BatchAdminRepository
from storage.database import Database
from storage.enrollment_repository import (
    WAITLISTED,
    BatchRepository,
    EnrollmentRepository,
    WaitlistOrder,
)
from storage.models import Batch

# A scope with more BLKs than this is asked to type the BLK's name instead of buttons.
MAX_BLK_BUTTONS = 12


class BatchAdmin:
    def __init__(
        self,
        db: Database,
        roles: RoleService,
        places: PlaceFinder,
        clock: Clock,
        reminders: ReminderPlan,
        waitlist_order: WaitlistOrder = DEFAULT_ORDER,
    ) -> None:
        """`waitlist_order` decides who gets the seats a larger capacity adds."""
        self._db = db
        self._roles = roles
        self._places = places
        self.clock = clock
        self._reminders = reminders
        self._waitlist_order = waitlist_order

    def today_in(self, zone: str) -> date:
        """Today where the BLK is: dates typed for its batches are checked against it."""
        return self.clock.today_in(zone)

    async def blk_options(self, actor: int) -> BlkOptions:
        """The BLKs of the actor's scope, by name; a BLK coordinator has exactly one."""
        async with self._db.transaction() as session:
            scope = await self._scope(session, actor)
            repository = BatchAdminRepository(session)
            if scope.kind is ScopeKind.BLK:
                blk = await repository.blk(scope.code or "")
                return BlkOptions([blk] if blk else [], more=False)
            province = scope.code if scope.kind is ScopeKind.PROVINCE else None
            blks = await repository.blks(province, MAX_BLK_BUTTONS + 1)
        return BlkOptions(blks[:MAX_BLK_BUTTONS], more=len(blks) > MAX_BLK_BUTTONS)

    async def find_blks(self, actor: int, typed: str) -> list[BlkPlace]:
        """BLKs in scope whose id or name fits what the coordinator typed, best first."""
        choices = await self._places.find(ScopeKind.BLK, typed)
        async with self._db.transaction() as session:
            scope = await self._scope(session, actor)
            repository = BatchAdminRepository(session)
            found = [await repository.blk(choice.scope.code or "") for choice in choices]
        return [blk for blk in found if blk and scope.covers(blk.id, blk.province_code)]

    async def blk(self, actor: int, blk_id: str) -> BlkPlace:
        """A BLK chosen by button, or `NotInScope`."""
        async with self._db.transaction() as session:
            return await self._blk_in_scope(session, await self._scope(session, actor), blk_id)

    async def create(
        self,
        actor: int,
        blk_id: str,
        plan: BatchPlan,
        programme: Programme = DEFAULT_PROGRAMME,
    ) -> ManagedBatch:
        async with self._db.transaction() as session:
            scope = await self._scope(session, actor)
            blk = await self._blk_in_scope(session, scope, blk_id)
            check_plan(
                plan, today=self.today_in(blk.timezone), seats_taken=0, changed=set(BatchField)
            )
            batch = await BatchAdminRepository(session).add(
                Batch(
                    blk_id=blk.id,
                    title=plan.title,
                    capacity=plan.capacity,
                    status=OPEN,
                    seats_taken=0,
                    programme=programme.value,
                    **plan.instants(blk.timezone),
                )
            )
            await tell_watchers(session, blk.id, batch.id, self.clock.now())
            _audit(session, actor, AuditAction.BATCH_CREATED, scope, batch, blk_id=blk.id)
            return ManagedBatch(batch.id, blk, plan, OPEN, 0, 0, programme.value)

    async def batch(self, actor: int, batch_id: int) -> ManagedBatch:
        async with self._db.transaction() as session:
            _, batch, blk = await self._batch_in_scope(session, actor, batch_id)
            return await _managed(session, batch, blk)

    async def edit(
        self, actor: int, batch_id: int, field: BatchField, answer: dict[str, object]
    ) -> ManagedBatch:
        """Set one field (`answer` from `read_answer`); the rest stays as stored now.

        New dates or hours plan the reminders of everyone seated again; seats a larger
        capacity adds go to the people waiting, who are told.
        """
        async with self._db.transaction() as session:
            scope, batch, blk = await self._changeable(session, actor, batch_id)
            plan = plan_of(batch, blk).with_answer(answer)
            check_plan(
                plan,
                today=self.today_in(blk.timezone),
                seats_taken=batch.seats_taken,
                changed={field},
            )
            starts_at = batch.starts_at
            await BatchAdminRepository(session).change(
                batch,
                {"title": plan.title, "capacity": plan.capacity, **plan.instants(blk.timezone)},
            )
            if batch.starts_at != starts_at:
                await plan_reminders_again(session, batch.id, self._reminders, self.clock.now())
            if field is BatchField.CAPACITY:
                await fill_seats(
                    session,
                    batch.id,
                    order=self._waitlist_order,
                    plan=self._reminders,
                    now=self.clock.now(),
                )
                await session.refresh(batch)  # the seats just taken
            _audit(session, actor, AuditAction.BATCH_EDITED, scope, batch, field=field.value)
            return await _managed(session, batch, blk)

    async def set_programme(self, actor: int, batch_id: int, programme: Programme) -> ManagedBatch:
        """Move the batch to another programme; seats and waitlist stay as they are."""
        async with self._db.transaction() as session:
            scope, batch, blk = await self._changeable(session, actor, batch_id)
            if batch.programme != programme.value:
                await BatchAdminRepository(session).change(batch, {"programme": programme.value})
                _audit(session, actor, AuditAction.BATCH_EDITED, scope, batch, field="programme")
            return await _managed(session, batch, blk)

    async def set_registration(self, actor: int, batch_id: int, *, open_: bool) -> ManagedBatch:
        """Close registration (seats and waitlist stay) or open it again."""
        async with self._db.transaction() as session:
            scope, batch, blk = await self._changeable(session, actor, batch_id)
            status = OPEN if open_ else CLOSED
            if batch.status != status:
                await BatchAdminRepository(session).change(batch, {"status": status})
                if open_:
                    await tell_watchers(session, blk.id, batch.id, self.clock.now())
                action = AuditAction.BATCH_REOPENED if open_ else AuditAction.BATCH_CLOSED
                _audit(session, actor, action, scope, batch)
            return await _managed(session, batch, blk)

    async def cancel(self, actor: int, batch_id: int) -> CancelOutcome:
        """Cancel the batch: every seat and waitlist place ends, and its holder is told."""
        async with self._db.transaction() as session:
            scope, batch, blk = await self._changeable(session, actor, batch_id)
            enrolled, waitlisted = await cancel_everyone(
                session, batch.id, self.clock.now(), actor_id=actor, scope=scope
            )
            await session.refresh(batch)
            return CancelOutcome(await _managed(session, batch, blk), enrolled, waitlisted)

    # -- inside the caller's transaction --

    async def _scope(self, session: AsyncSession, actor: int) -> Scope:
        scope = await self._roles.scope_in(session, actor)
        if scope is None:
            raise NotPermitted
        return scope

    @staticmethod
    async def _blk_in_scope(session: AsyncSession, scope: Scope, blk_id: str) -> BlkPlace:
        blk = await BatchAdminRepository(session).blk(blk_id)
        if blk is None or not scope.covers(blk.id, blk.province_code):
            raise NotInScope
        return blk

    async def _batch_in_scope(
        self, session: AsyncSession, actor: int, batch_id: int
    ) -> tuple[Scope, Batch, BlkPlace]:
        """The batch locked for the change, with its BLK; `NotInScope` for any other."""
        scope = await self._scope(session, actor)
        batch = await BatchRepository(session).locked(batch_id)
        if batch is None:
            raise NotInScope
        return scope, batch, await self._blk_in_scope(session, scope, batch.blk_id)

    async def _changeable(
        self, session: AsyncSession, actor: int, batch_id: int
    ) -> tuple[Scope, Batch, BlkPlace]:
        """`_batch_in_scope`, refused once the batch is cancelled or completed."""
        scope, batch, blk = await self._batch_in_scope(session, actor, batch_id)
        await refuse_finished(session, batch)
        return scope, batch, blk


def _audit(
    session: AsyncSession,
    actor: int,
    action: AuditAction,
    scope: Scope,
    batch: Batch,
    **details: object,
) -> None:
    record(session, actor, action, scope=scope.as_dict(), batch_id=batch.id, **details)


async def _managed(session: AsyncSession, batch: Batch, blk: BlkPlace) -> ManagedBatch:
    waitlisted = await EnrollmentRepository(session).count(batch.id, WAITLISTED)
    return ManagedBatch(
        batch.id,
        blk,
        plan_of(batch, blk),
        batch.status,
        batch.seats_taken,
        waitlisted,
        batch.programme,
    )
