"""One polling bot per database: a second `blk-bot run` would fight the first over getUpdates.
In webhook mode on PostgreSQL the lock is taken shared: any number of webhook processes,
never beside a polling one. Also the leader lock: with several processes, the one holding
it runs the periodic jobs; and the start-up turn, so that processes starting together
migrate the database one after the other.

The lock is one the operating system or the database server drops when the holder dies,
so a SIGKILLed or crashed bot never leaves a stale lock behind and restarts at once.
PostgreSQL also drops it when only the lock's connection dies (a network blip, a server
restart): `InstanceLock.check` notices that, takes the lock again, or reports that another
process has it now.
"""

from __future__ import annotations

import asyncio
import enum
import fcntl
import os
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager, suppress
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.database import Database
from storage.transient_errors import is_transient

# A check's query on a connection that stopped answering (a half-open link) gives up after
# this many seconds, like a dropped one.
CHECK_TIMEOUT = 10.0
# Any constant 64-bit number that no other program on the same PostgreSQL uses.
ADVISORY_LOCK_KEY = 0x0B1C_B071_A57
LEADER_LOCK_KEY = ADVISORY_LOCK_KEY + 1
START_UP_LOCK_KEY = ADVISORY_LOCK_KEY + 2
ALREADY_RUNNING = (
    "Another blk-bot is already running on this database; stop it first "
    "(several processes may serve one bot in webhook mode on PostgreSQL, all of them)."
)
TAKEN_OVER = (
    "Another blk-bot took this database's instance lock while the lock's connection was "
    "lost; this one stopped polling."
)


class AnotherInstanceRunning(Exception):
    """Raised when another process holds this database's instance lock."""

    def __init__(self, message: str = ALREADY_RUNNING) -> None:
        super().__init__(message)


class InstanceLockTaken(AnotherInstanceRunning):
    """Raised once a running bot lost its lock to another process and stopped."""

    def __init__(self) -> None:
        super().__init__(TAKEN_OVER)


class LockState(enum.Enum):
    HELD = "held"
    TAKEN_AGAIN = "taken again"  # its connection was lost, and nobody else had it meanwhile
    LOST = "lost"  # another process holds it now


class InstanceLock:
    """A lock the kernel holds for this process (SQLite's flock) cannot be lost while it runs."""

    async def check(self) -> LockState:
        return LockState.HELD

    async def release(self) -> None:
        return None


class _AdvisoryLock(InstanceLock):
    """A session-level advisory lock on a connection of its own.

    Autocommit keeps that connection idle rather than "idle in transaction"; the server
    releases the lock when the connection ends, including when the process is killed.
    """

    def __init__(self, db: Database, key: int = ADVISORY_LOCK_KEY, shared: bool = False) -> None:
        self.db, self.key = db, key
        self._kind = "_shared" if shared else ""  # shared holders exclude exclusive ones only
        self._conn: AsyncConnection | None = None
        self._backend_pid: int | None = None

    async def acquire(self) -> bool:
        """Take the lock on a fresh connection; False when another session holds it."""
        conn = await self.db.engine.connect()
        try:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            row = (
                await conn.execute(
                    text(f"SELECT pg_try_advisory_lock{self._kind}(:key), pg_backend_pid()"),
                    {"key": self.key},
                )
            ).one()
        except BaseException:
            await _discard(conn)
            raise
        if not row[0]:
            await conn.close()
            return False
        self._conn, self._backend_pid = conn, row[1]
        return True

    async def check(self) -> LockState:
        """Held while its session lives. A connection SQLAlchemy silently replaced has a
        new server process (pid), which does not hold the lock. Raises a transient database
        error while the server cannot be reached."""
        if self._conn is not None:
            try:
                async with asyncio.timeout(CHECK_TIMEOUT):
                    pid = await self._conn.scalar(text("SELECT pg_backend_pid()"))
            except Exception as error:
                if not is_transient(error):
                    raise
                pid = None
            if pid is not None and pid == self._backend_pid:
                return LockState.HELD
            conn, self._conn = self._conn, None
            await _discard(conn)
        return LockState.TAKEN_AGAIN if await self.acquire() else LockState.LOST

    async def release(self) -> None:
        if self._conn is None:
            return
        conn, self._conn = self._conn, None
        try:
            # The connection goes back to the pool, where the lock would otherwise stay.
            unlock = text(f"SELECT pg_advisory_unlock{self._kind}(:key)")
            await conn.execute(unlock, {"key": self.key})
        except Exception as error:
            if not is_transient(error):
                raise
            await _discard(conn)  # the server dropped the lock with the connection
        else:
            await conn.close()


async def _discard(conn: AsyncConnection) -> None:
    """Close a connection that may be dead, never returning it to the pool as usable."""
    with suppress(Exception):
        await conn.invalidate()
    with suppress(Exception):
        await conn.close()


@asynccontextmanager
async def instance_lock(db: Database, *, shared: bool = False) -> AsyncIterator[InstanceLock]:
    """Hold this database's instance lock for the block, or raise `AnotherInstanceRunning`.

    `shared` (webhook mode) lets other shared holders in on PostgreSQL; SQLite has one
    process either way (the jobs' leader lock relies on that).
    """
    if db.is_sqlite:
        database = make_url(db.url).database
        if not database or database == ":memory:":
            yield InstanceLock()  # a private in-memory database: no other process can reach it
            return
        with _lock_file(database):
            yield InstanceLock()
        return
    lock = _AdvisoryLock(db, shared=shared)
    if not await lock.acquire():
        raise AnotherInstanceRunning
    try:
        yield lock
    finally:
        await lock.release()


async def try_leader_lock(db: Database) -> InstanceLock | None:
    """The leader lock if no other process holds it now, else None; `release` it when done.

    SQLite has one process (the instance lock), which always leads. Raises a transient
    database error while PostgreSQL cannot be reached.
    """
    if db.is_sqlite:
        return InstanceLock()
    lock = _AdvisoryLock(db, LEADER_LOCK_KEY)
    return lock if await lock.acquire() else None


@asynccontextmanager
async def start_up_turn(db: Database) -> AsyncIterator[None]:
    """Wait until no other process is preparing the database (migrations, reference data),
    and hold the turn for the block. SQLite's instance lock already allows one process."""
    if db.is_sqlite:
        yield
        return
    async with db.engine.connect() as conn:
        conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": START_UP_LOCK_KEY})
        try:
            yield
        finally:
            with suppress(Exception):  # a lost connection released it already
                await conn.execute(
                    text("SELECT pg_advisory_unlock(:key)"), {"key": START_UP_LOCK_KEY}
                )


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
