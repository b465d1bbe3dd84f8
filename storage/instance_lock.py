"""One polling bot per database: a second `blk-bot run` would fight the first over getUpdates.

The lock is one the operating system or the database server drops when the holder dies,
so a SIGKILLed or crashed bot never leaves a stale lock behind and restarts at once.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from storage.database import Database

# Any constant 64-bit number that no other program on the same PostgreSQL uses.
ADVISORY_LOCK_KEY = 0x0B1C_B071_A57
ALREADY_RUNNING = (
    "Another blk-bot is already running on this database; stop it first "
    "(or use webhook mode when it exists)."
)


class AnotherInstanceRunning(Exception):
    """Raised when another process holds this database's instance lock."""

    def __init__(self) -> None:
        super().__init__(ALREADY_RUNNING)


@asynccontextmanager
async def instance_lock(db: Database) -> AsyncIterator[None]:
    """Hold this database's instance lock for the block, or raise `AnotherInstanceRunning`."""
    if db.is_sqlite:
        database = make_url(db.url).database
        if not database or database == ":memory:":
            yield  # a private in-memory database: no other process can reach it
            return
        with _lock_file(database):
            yield
        return
    async with _advisory_lock(db):
        yield


@contextmanager
def _lock_file(database: str) -> Iterator[None]:
    """flock on a file next to the database: the kernel releases it when the process dies."""
    path = Path(database).expanduser()
    fd = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise AnotherInstanceRunning from None
        yield
    finally:
        os.close(fd)  # closing the last descriptor releases the flock


@asynccontextmanager
async def _advisory_lock(db: Database) -> AsyncIterator[None]:
    """A session-level advisory lock on a connection of its own, held for the block.

    Autocommit keeps that connection idle rather than "idle in transaction"; the server
    releases the lock when the connection ends, including when the process is killed.
    """
    async with db.engine.connect() as conn:
        conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
        key = {"key": ADVISORY_LOCK_KEY}
        if not await conn.scalar(text("SELECT pg_try_advisory_lock(:key)"), key):
            raise AnotherInstanceRunning
        try:
            yield
        finally:
            # The connection goes back to the pool, where the lock would otherwise stay.
            await conn.execute(text("SELECT pg_advisory_unlock(:key)"), key)
