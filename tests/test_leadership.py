"""Several processes of one bot: webhook processes share the instance lock, the periodic
jobs run in one of them (the leader lock, handed on when its holder goes)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text

from bot.runtime.leadership import Jobs, Leadership
from storage.database import Database
from storage.instance_lock import (
    LEADER_LOCK_KEY,
    START_UP_LOCK_KEY,
    AnotherInstanceRunning,
    instance_lock,
    start_up_turn,
    try_leader_lock,
)

CHECK_SECONDS = 0.05
WAIT = 30  # seconds a hand-over may take at most on a loaded machine


class Process:
    """One bot process's leadership, with a record of its jobs' terms."""

    def __init__(
        self, database_url: str, name: str, log: list[str], seconds: float = CHECK_SECONDS
    ) -> None:
        self.db = Database(database_url)
        self.name, self.log = name, log
        self.leading, self.resigned = asyncio.Event(), asyncio.Event()
        self.stop = asyncio.Event()
        leadership = Leadership(self.db, seconds)
        self.task = asyncio.create_task(leadership.lead(self.jobs(), self.stop))

    def jobs(self) -> Jobs:
        async def run(resign: asyncio.Event) -> None:
            self.log.append(f"{self.name} leads")
            self.leading.set()
            self.resigned.clear()
            await resign.wait()
            self.log.append(f"{self.name} resigns")
            self.resigned.set()

        return run

    async def close(self) -> None:
        self.stop.set()
        await self.task
        await self.db.close()


@pytest.fixture
async def log() -> AsyncIterator[list[str]]:
    yield []


async def test_sqlite_process_always_leads(database_url: str) -> None:
    db = Database(database_url)
    try:
        lock = await try_leader_lock(db)
        assert lock is not None or not db.is_sqlite
        if lock is not None:
            await lock.release()
    finally:
        await db.close()


@pytest.mark.postgres_only  # SQLite has one process: it always leads
async def test_jobs_run_in_one_process_and_move_when_it_stops(
    database_url: str, log: list[str]
) -> None:
    first = Process(database_url, "first", log)
    await asyncio.wait_for(first.leading.wait(), WAIT)
    second = Process(database_url, "second", log)
    probe = Database(database_url)
    try:
        assert await try_leader_lock(probe) is None  # held by the first
        await first.close()
        await asyncio.wait_for(second.leading.wait(), WAIT)
        assert log == ["first leads", "first resigns", "second leads"]
    finally:
        await probe.close()
        await second.close()
        await first.close()


@pytest.mark.postgres_only  # PostgreSQL drops the lock with its connection
async def test_a_leader_whose_lock_was_taken_stops_its_jobs(
    database_url: str, log: list[str]
) -> None:
    """The leader's connection dies and another process takes the lock before the leader
    checks again (it checks every second here, the other tries every 10 ms)."""
    first = Process(database_url, "first", log, seconds=1.0)
    await asyncio.wait_for(first.leading.wait(), WAIT)
    first.leading.clear()
    other = Database(database_url)
    try:
        async with other.engine.connect() as conn:
            killed = await conn.scalar(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory'"
                    " AND ((classid::bigint << 32) | objid::bigint) = :key"
                ),
                {"key": LEADER_LOCK_KEY},
            )
        assert killed
        taken = None
        while taken is None:  # until the server has ended the killed session
            taken = await try_leader_lock(other)
            await asyncio.sleep(0.01)
        await asyncio.wait_for(first.resigned.wait(), WAIT)
        assert log == ["first leads", "first resigns"] and not first.task.done()
        await taken.release()
        await asyncio.wait_for(first.leading.wait(), WAIT)  # a follower that tried again
        assert log == ["first leads", "first resigns", "first leads"]
    finally:
        await first.close()
        await other.close()


@pytest.mark.postgres_only  # SQLite's lock file is exclusive: one process in every mode
async def test_webhook_processes_share_the_instance_lock_but_not_with_a_poller(
    database_url: str,
) -> None:
    dbs = [Database(database_url) for _ in range(3)]
    try:
        async with instance_lock(dbs[0], shared=True), instance_lock(dbs[1], shared=True):
            with pytest.raises(AnotherInstanceRunning):
                async with instance_lock(dbs[2]):
                    pass
            async with start_up_turn(dbs[0]):
                waiting = asyncio.create_task(_turn_taken(dbs[1]))
                while not await _waits_for_start_up_turn(dbs[2]):
                    assert not waiting.done()
                assert not waiting.done()
            assert await asyncio.wait_for(waiting, WAIT)
        async with instance_lock(dbs[2]):
            with pytest.raises(AnotherInstanceRunning):
                async with instance_lock(dbs[0], shared=True):
                    pass
    finally:
        for db in dbs:
            await db.close()


async def _turn_taken(db: Database) -> bool:
    async with start_up_turn(db):
        return True


async def _waits_for_start_up_turn(db: Database) -> bool:
    """Whether a session waits (not granted) for the start-up turn now."""
    async with db.engine.connect() as conn:
        return bool(
            await conn.scalar(
                text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
                    " AND ((classid::bigint << 32) | objid::bigint) = :key"
                ),
                {"key": START_UP_LOCK_KEY},
            )
        )
