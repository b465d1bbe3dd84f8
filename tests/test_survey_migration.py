"""Migration 018: going back to 017 drops the survey tables, and up again makes them."""

from __future__ import annotations

from alembic import command
from sqlalchemy import Connection, inspect

from storage.database import Database
from storage.migrate import alembic_config, upgrade


async def _tables(db: Database) -> set[str]:
    async with db.engine.connect() as conn:
        return set(await conn.run_sync(lambda c: inspect(c).get_table_names()))


async def test_down_to_017_and_up_again(db: Database) -> None:
    survey_tables = {"survey_responses", "survey_opt_outs"}
    assert survey_tables <= await _tables(db)

    def down(connection: Connection) -> None:
        command.downgrade(alembic_config(connection), "017")

    async with db.engine.begin() as conn:
        await conn.run_sync(down)
    assert not survey_tables & await _tables(db)
    await upgrade(db)
    assert survey_tables <= await _tables(db)
