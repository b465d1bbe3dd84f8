"""Migration 021: the table of questions coordinators taught comes and goes with it."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from sqlalchemy import Connection, inspect, select

from storage.database import Database
from storage.faq_example_repository import FaqExampleRepository
from storage.migrate import alembic_config, upgrade
from storage.models import FaqExample

AT = datetime(2027, 1, 11, 1, tzinfo=UTC)


async def _tables(db: Database) -> set[str]:
    async with db.engine.connect() as conn:
        return set(await conn.run_sync(lambda c: inspect(c).get_table_names()))


async def test_down_to_020_and_up_again(db: Database) -> None:
    assert "faq_examples" in await _tables(db)

    def down(connection: Connection) -> None:
        command.downgrade(alembic_config(connection), "020")

    async with db.engine.begin() as conn:
        await conn.run_sync(down)
    assert "faq_examples" not in await _tables(db)
    await upgrade(db)
    async with db.transaction() as session:
        examples = FaqExampleRepository(session)
        first = await examples.label("dapat seragam ga?", "uang-saku", AT)
        assert await examples.label("dapat seragam ga?", "", AT) == first  # relabelled
        assert await examples.all() == [("dapat seragam ga?", "")]
        assert (await session.execute(select(FaqExample.taught_at))).scalar_one() == AT
