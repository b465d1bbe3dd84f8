"""Migrations 015 and 016 (check-ins, completed batches, results and certificate numbers)
go down to 014 and up again, keeping what was there before them; 020 makes the seats of
completed batches history and closes their waitlists, and gives them back going down."""

from __future__ import annotations

from alembic import command
from sqlalchemy import Connection, inspect, select

from bot.registration.personal_data import PersonalDataCipher
from bot.registration.service import RegistrationService
from bot.training.eligibility import EligibilityRules
from bot.training.enrollment import EnrollmentService
from storage.database import Database
from storage.migrate import alembic_config, upgrade
from storage.models import Batch, BatchCompletion, Enrollment
from tests.clock import NOW, FixedClock
from tests.enrollment_setup import add_batch, add_blk, register

NEW_TABLES = {"check_ins", "check_in_misses", "batch_completions", "training_results"}


async def _migrate(db: Database, direction: str, revision: str) -> set[str]:
    """Run one Alembic command; the tables there afterwards."""

    def run(connection: Connection) -> set[str]:
        getattr(command, direction)(alembic_config(connection), revision)
        return set(inspect(connection).get_table_names())

    async with db.engine.begin() as conn:
        return await conn.run_sync(run)


async def test_down_to_014_and_up_again(db: Database) -> None:
    batch = await add_batch(db, await add_blk(db), capacity=3)
    at_015 = await _migrate(db, "downgrade", "015")
    assert NEW_TABLES & at_015 == {"check_ins", "check_in_misses"}
    assert not NEW_TABLES & await _migrate(db, "downgrade", "014")
    await upgrade(db)
    async with db.engine.connect() as conn:
        tables = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
    assert tables >= NEW_TABLES
    async with db.transaction() as session:
        assert await session.scalar(select(Batch.id)) == batch


async def _statuses(db: Database) -> list[str]:
    async with db.transaction() as session:
        return list(await session.scalars(select(Enrollment.status).order_by(Enrollment.id)))


async def test_020_makes_the_seats_of_completed_batches_history(
    db: Database, cipher: PersonalDataCipher
) -> None:
    batch = await add_batch(db, await add_blk(db), capacity=1)
    registrations = RegistrationService(db, cipher, clock=FixedClock(NOW))
    enrollment = EnrollmentService(db, cipher, EligibilityRules.from_toml(), clock=FixedClock(NOW))
    for serial, telegram_id in enumerate((501, 502), start=1):
        await register(registrations, telegram_id, serial)
        await enrollment.enroll(telegram_id, batch, waitlist=True)
    await _migrate(db, "downgrade", "019")
    async with db.transaction() as session:  # completed while 019 was the schema
        session.add(BatchCompletion(batch_id=batch, completed_at=NOW, completed_by=None))
    await upgrade(db)
    assert await _statuses(db) == ["completed", "cancelled"]
    await _migrate(db, "downgrade", "019")
    assert await _statuses(db) == ["active", "cancelled"]
    await upgrade(db)
