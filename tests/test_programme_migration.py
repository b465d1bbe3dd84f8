"""Migration 017: batches stored before programmes existed are entrepreneurship training,
and going back to 016 drops the column again. Migration 018: the PLUT directory's table."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from sqlalchemy import Connection, column, insert, inspect, select, table

from storage.database import Database
from storage.migrate import alembic_config, upgrade
from storage.models import Batch
from tests.enrollment_setup import add_blk

AT = datetime(2027, 1, 11, 1, tzinfo=UTC)


async def _downgrade(db: Database, revision: str) -> None:
    def run(connection: Connection) -> None:
        command.downgrade(alembic_config(connection), revision)

    async with db.engine.begin() as conn:
        await conn.run_sync(run)


async def _batch_columns(db: Database) -> set[str]:
    async with db.engine.connect() as conn:
        found = await conn.run_sync(lambda c: inspect(c).get_columns("batches"))
    return {entry["name"] for entry in found}


async def _tables(db: Database) -> set[str]:
    async with db.engine.connect() as conn:
        return set(await conn.run_sync(lambda c: inspect(c).get_table_names()))


async def test_old_batches_become_entrepreneurship_training(db: Database) -> None:
    await add_blk(db, "blk-old")
    await _downgrade(db, "016")
    assert "programme" not in await _batch_columns(db)
    row = {
        "blk_id": "blk-old", "title": "Lama", "starts_at": AT, "ends_at": AT,
        "registration_deadline": AT, "capacity": 10, "seats_taken": 0, "status": "open",
        "created_at": AT, "updated_at": AT,
    }  # fmt: skip
    async with db.transaction() as session:
        await session.execute(insert(table("batches", *map(column, row))).values(row))
    await upgrade(db)
    async with db.transaction() as session:
        assert (await session.scalars(select(Batch.programme))).all() == ["wirausaha"]
    await _downgrade(db, "016")
    assert "programme" not in await _batch_columns(db)


async def test_the_plut_table_comes_and_goes_with_019(db: Database) -> None:
    assert "pluts" in await _tables(db)
    await _downgrade(db, "018")
    assert "pluts" not in await _tables(db)
    await upgrade(db)
    assert "pluts" in await _tables(db)
