"""Migrations 015 and 016 (check-ins, completed batches, results and certificate numbers)
go down to 014 and up again, keeping what was there before them."""

from __future__ import annotations

from alembic import command
from sqlalchemy import Connection, inspect, select

from storage.database import Database
from storage.migrate import alembic_config, upgrade
from storage.models import Batch
from tests.enrollment_setup import add_batch, add_blk

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
