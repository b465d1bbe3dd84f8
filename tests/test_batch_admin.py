"""The batch service coordinators use in chat: scope, rules on the stored batch, reminders
that follow a moved start, and what a cancelled batch still allows."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import select

from bot.coordinators.audiences import NotInScope
from bot.coordinators.place_finder import PlaceFinder
from bot.coordinators.roles import RoleService, Scope
from bot.errors import NotPermitted
from bot.places.regions import default_directory
from bot.registration.personal_data import PersonalDataCipher
from bot.registration.service import RegistrationService
from bot.training.batch_admin import BatchAdmin
from bot.training.batch_rules import BatchField, BatchPlan, BatchProblem, BatchRefused
from bot.training.eligibility import EligibilityRules
from bot.training.enrollment import EnrollmentService
from bot.training.managed_batch import BatchCancelled
from bot.training.reminders import ReminderPlan
from storage.database import Database
from storage.models import AuditEntry, OutboxMessage
from tests.clock import NOW, FixedClock
from tests.enrollment_setup import add_blk, register

ADMIN, STAFF, OTHER_STAFF = 9000, 7001, 7002
PLAN = BatchPlan(
    title="Kuliner Dasar",
    first_day=date(2027, 1, 12),
    last_day=date(2027, 1, 16),
    daily_start=time(8),
    daily_end=time(16),
    capacity=2,
    deadline=date(2027, 1, 5),
)


@pytest.fixture
async def admin(db: Database) -> BatchAdmin:
    await add_blk(db, "blk-a", "32")
    await add_blk(db, "blk-c", "51")
    roles = RoleService(db, frozenset({ADMIN}))
    await roles.grant(ADMIN, STAFF, Scope.blk("blk-a"))
    await roles.grant(ADMIN, OTHER_STAFF, Scope.blk("blk-c"))
    places = PlaceFinder(db, default_directory())
    return BatchAdmin(db, roles, places, FixedClock(NOW), ReminderPlan())


async def reminder_times(db: Database) -> list[datetime]:
    async with db.transaction() as session:
        stmt = (
            select(OutboxMessage.not_before)
            .where(OutboxMessage.kind == "reminder", OutboxMessage.status == "pending")
            .order_by(OutboxMessage.not_before)
        )
        return list((await session.execute(stmt)).scalars())


async def test_a_moved_start_moves_the_reminders_of_the_seated(
    admin: BatchAdmin, db: Database, cipher: PersonalDataCipher
) -> None:
    batch = await admin.create(STAFF, "blk-a", PLAN)
    await register(RegistrationService(db, cipher, clock=FixedClock(NOW)), 501, 1)
    enrollment = EnrollmentService(db, cipher, EligibilityRules.from_toml(), clock=FixedClock(NOW))
    await enrollment.enroll(501, batch.id, waitlist=False)
    # 3 and 1 days before at 08.00 WIB, and 2 hours before the start.
    assert (await reminder_times(db))[-1] == datetime(2027, 1, 11, 23, 0, tzinfo=UTC)

    moved = await admin.edit(STAFF, batch.id, BatchField.LAST_DAY, {"last_day": date(2027, 1, 23)})
    moved = await admin.edit(
        STAFF, moved.id, BatchField.FIRST_DAY, {"first_day": date(2027, 1, 19)}
    )
    assert moved.plan.first_day == date(2027, 1, 19)
    assert await reminder_times(db) == [
        datetime(2027, 1, 16, 1, 0, tzinfo=UTC),
        datetime(2027, 1, 18, 1, 0, tzinfo=UTC),
        datetime(2027, 1, 18, 23, 0, tzinfo=UTC),
    ]

    with pytest.raises(BatchRefused) as refused:
        await admin.edit(STAFF, batch.id, BatchField.CAPACITY, {"capacity": 0})
    assert refused.value.problem is BatchProblem.CAPACITY_RANGE
    with pytest.raises(BatchRefused) as refused:
        await admin.edit(STAFF, batch.id, BatchField.FIRST_DAY, {"first_day": date(2027, 1, 30)})
    assert refused.value.problem is BatchProblem.END_BEFORE_START


async def test_scope_and_a_cancelled_batch(admin: BatchAdmin, db: Database) -> None:
    batch = await admin.create(STAFF, "blk-a", PLAN)
    with pytest.raises(NotInScope):
        await admin.create(STAFF, "blk-c", PLAN)
    with pytest.raises(NotInScope):
        await admin.batch(OTHER_STAFF, batch.id)
    with pytest.raises(NotPermitted):
        await admin.batch(5555, batch.id)
    assert (await admin.create(ADMIN, "blk-c", PLAN)).blk.id == "blk-c"
    with pytest.raises(BatchRefused) as refused:
        await admin.create(STAFF, "blk-a", replace(PLAN, first_day=date(2026, 11, 23)))
    assert refused.value.problem is BatchProblem.IN_PAST

    closed = await admin.set_registration(STAFF, batch.id, open_=False)
    assert closed.status == "closed"
    assert (await admin.set_registration(STAFF, batch.id, open_=True)).status == "open"
    outcome = await admin.cancel(STAFF, batch.id)
    assert (outcome.enrolled, outcome.waitlisted, outcome.batch.status) == (0, 0, "cancelled")
    for action in (
        admin.cancel(STAFF, batch.id),
        admin.set_registration(STAFF, batch.id, open_=True),
        admin.edit(STAFF, batch.id, BatchField.CAPACITY, {"capacity": 5}),
    ):
        with pytest.raises(BatchCancelled):
            await action
    async with db.transaction() as session:
        stmt = select(AuditEntry.action).where(AuditEntry.action.startswith("batch."))
        actions = list((await session.execute(stmt.order_by(AuditEntry.id))).scalars())
    assert actions == [
        "batch.created",
        "batch.created",
        "batch.closed",
        "batch.reopened",
        "batch.cancelled",
    ]
