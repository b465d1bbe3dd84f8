"""`Database.once_committed`: what wakes another task (the import runner) runs once others
can see the rows; inside an update that is its commit, not the release of a savepoint."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from storage.database import Database
from storage.models import ImportJob


class Refused(Exception):
    pass


async def add_job(db: Database) -> None:
    async with db.transaction() as session:
        session.add(ImportJob(actor_id=1, kind="blk", source_name="x.csv", content=b"x"))


async def jobs(db: Database) -> int:
    async with db.transaction() as session:
        return (await session.execute(select(func.count()).select_from(ImportJob))).scalar_one()


async def test_outside_an_update_it_runs_at_once(db: Database) -> None:
    called: list[int] = []
    await add_job(db)
    db.once_committed(lambda: called.append(1))
    assert called == [1]


async def test_inside_an_update_it_waits_for_the_update_to_commit(db: Database) -> None:
    called: list[int] = []
    async with db.unit_of_work():
        await add_job(db)  # a savepoint, released here
        db.once_committed(lambda: called.append(1))
        assert called == []
    assert called == [1]
    assert await jobs(db) == 1


async def test_an_update_that_rolls_back_never_calls_it(db: Database) -> None:
    called: list[int] = []
    with pytest.raises(Refused):
        async with db.unit_of_work():
            await add_job(db)
            db.once_committed(lambda: called.append(1))
            raise Refused
    assert called == []
    assert await jobs(db) == 0
