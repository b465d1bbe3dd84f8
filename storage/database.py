"""Engine and session factory shared by the whole process."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from storage.outbox_payloads import SEALER, Sealer
from storage.private_file import create_private
from storage.receipts import open_receipts


def _prepare_sqlite_path(url: str) -> None:
    """SQLite cannot create the folder of its file, so the default `./data/` is made here;
    the file itself is made private (0600) before SQLite opens it."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        path = Path(parsed.database).expanduser()
        path.parent.mkdir(parents=True, exist_ok=True)
        create_private(path)


PG_POOL_SIZE = 20  # connections kept open to PostgreSQL
PG_RECYCLE_SECONDS = 600  # a connection older than this is replaced when next taken


def create_engine(url: str) -> AsyncEngine:
    """Create the engine; SQLite gets foreign keys, WAL and write-locking transactions.

    SQLite transactions start with BEGIN IMMEDIATE: a deferred transaction that reads
    and then writes fails at once with SQLITE_BUSY when another writer got in between,
    instead of waiting its turn (see SQLAlchemy's "pysqlite/aiosqlite transactions").
    """
    _prepare_sqlite_path(url)
    is_sqlite = make_url(url).get_backend_name() == "sqlite"
    connect_args = {"timeout": 30} if is_sqlite else {}
    # PostgreSQL: up to 8 chats' updates at once, each also recording its sent answers in
    # a transaction of its own, beside the outbox sender and jobs. With the default 5 the
    # pool opened and closed extra connections all through a burst (72 in 600 updates),
    # each a new server process with every statement prepared again.
    # No ping at each checkout (with asyncpg a BEGIN and a ROLLBACK, two round trips, for
    # every transaction): a connection the server dropped fails its first statement,
    # a passing fault (storage.transient_errors) that is tried again, and SQLAlchemy
    # then replaces every connection opened before it. Old ones go before any proxy or
    # server idle limit would cut them.
    pool = (
        {}
        if is_sqlite
        else {"pool_size": PG_POOL_SIZE, "max_overflow": 10, "pool_recycle": PG_RECYCLE_SECONDS}
    )
    engine = create_async_engine(
        url,
        connect_args=connect_args,
        hide_parameters=True,  # statement parameters (names, answers) stay out of errors and logs
        **pool,
    )
    if is_sqlite:
        # aiosqlite logs every statement with its parameters at DEBUG, past hide_parameters.
        logging.getLogger("aiosqlite").setLevel(logging.INFO)

        @event.listens_for(engine.sync_engine, "connect")
        def _pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        @event.listens_for(engine.sync_engine, "begin")
        def _begin(conn) -> None:  # type: ignore[no-untyped-def]
            conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


@dataclass
class UnitOfWork:
    """One update's transaction, and what storages hold back until just before it commits
    (`storage.fsm.TrackedStorage` writes a conversation once, not at every change)."""

    session: AsyncSession
    held: dict[object, Any] = field(default_factory=dict)  # by owner
    _before_commit: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    _after_commit: list[Callable[[], None]] = field(default_factory=list)

    def before_commit(self, write: Callable[[], Awaitable[None]]) -> None:
        """Run `write` once the update was handled, in its transaction, before the commit."""
        self._before_commit.append(write)

    def after_commit(self, forget: Callable[[], None]) -> None:
        """Run `forget` once the update committed (caches of what it changed)."""
        self._after_commit.append(forget)

    async def finish(self) -> None:
        for write in self._before_commit:
            await write()

    def committed(self) -> None:
        for forget in self._after_commit:
            forget()


# The update being handled, if any: services then join its transaction.
_ambient: ContextVar[UnitOfWork | None] = ContextVar("ambient_unit", default=None)


class Database:
    """Owns the engine; `transaction()` is the one unit-of-work boundary services use.

    Inside `unit_of_work()` (one per Telegram update), `transaction()` becomes a
    savepoint of the update's transaction: everything the update causes commits at
    once, together with the record that the update was handled. `joined()` is the same
    without the savepoint, for work that has nothing to undo on its own.
    """

    def __init__(self, url: str, *, sealer: Sealer | None = None) -> None:
        """`sealer` (the data key's cipher) encrypts outbox payloads (storage.outbox_payloads)
        and existing rows in migrations that encrypt a column; without one the database
        serves everything but queueing and sending messages (tools, an empty schema)."""
        self.url = url
        self.is_sqlite = make_url(url).get_backend_name() == "sqlite"
        self.engine = create_engine(url)
        self.sealer = sealer
        self.sessions = async_sessionmaker(
            self.engine, expire_on_commit=False, info={SEALER: sealer}
        )
        self.receipts = open_receipts(url)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """Commit everything done in the block at once, or nothing if it raises."""
        unit = _ambient.get()
        if unit is not None:
            async with unit.session.begin_nested():
                yield unit.session
            return
        async with self.sessions() as session, session.begin():
            yield session

    @asynccontextmanager
    async def joined(self) -> AsyncIterator[AsyncSession]:
        """The update's session as it is, inside a unit of work, else `transaction()`.

        For reads, and for single statements whose failure fails the whole update: a
        savepoint per block costs two statements and guards nothing there.
        """
        unit = _ambient.get()
        if unit is not None:
            yield unit.session
            return
        async with self.sessions() as session, session.begin():
            yield session

    def unit(self) -> UnitOfWork | None:
        """The update being handled in this task, if any."""
        return _ambient.get()

    def once_committed(self, callback: Callable[[], None]) -> None:
        """Call `callback` once what this task wrote so far is visible to others; called
        after the `transaction()` block: at once, or inside an update when the update's
        transaction commits (never if it rolls back). There the block only released a
        savepoint, and SQLAlchemy's session `after_commit` event fires on that too."""
        unit = _ambient.get()
        if unit is None:
            callback()
        else:
            unit.after_commit(callback)

    @asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[AsyncSession]:
        """One transaction that every `transaction()` in this task joins until the end."""
        async with self.sessions() as session:
            async with session.begin():
                unit = UnitOfWork(session)
                token = _ambient.set(unit)
                try:
                    yield session
                    await unit.finish()
                finally:
                    _ambient.reset(token)
            unit.committed()

    async def ping(self) -> None:
        """Fail fast at start-up when the database is unreachable; warm the receipts."""
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        await self.receipts.ping()

    async def close(self) -> None:
        await self.receipts.close()
        await self.engine.dispose()
