"""Database faults on demand, for the fault-injection tests and bench/connection_cuts.py.

PostgreSQL: the bot connects through a `TcpProxy` and a strike cuts every connection at
once, as a network blip or a database restart does. SQLite has no connection to cut: a
strike makes the next statements fail with "database is locked", as they do when another
writer holds the file past the busy timeout. `down` makes every try fail until `up` (the
database away for a while: the proxy refuses new connections, SQLite stays locked).
"""

from __future__ import annotations

import sqlite3
from typing import Any, Protocol

from sqlalchemy import event
from sqlalchemy.engine import make_url

from storage.database import Database
from tests.tcp_proxy import TcpProxy

SQLITE_BUSY = 5
LOCKED_STATEMENTS = 5  # per strike on SQLite


class DatabaseFaults(Protocol):
    url: str  # what the bot is to connect to
    strikes: int
    hits: int  # connections cut, or statements refused, by all strikes

    def attach(self, db: Database) -> None:
        """Reach the bot's database (SQLite: its engine's statements)."""

    def strike(self) -> None: ...

    def down(self) -> None:
        """Every statement fails from now on (the database is away) until `up`."""

    def up(self) -> None: ...

    async def close(self) -> None: ...


class ConnectionCuts:
    """PostgreSQL through a proxy; `strike` cuts every open connection."""

    def __init__(self, proxy: TcpProxy, database_url: str) -> None:
        self.proxy = proxy
        self.url = proxy.url(database_url)
        self.strikes = self.hits = 0

    def attach(self, db: Database) -> None:
        """Nothing to do: the bot already connects through the proxy."""

    def strike(self) -> None:
        self.hits += self.proxy.cut()
        self.strikes += 1

    def down(self) -> None:
        self.proxy.refuse = True
        self.strike()

    def up(self) -> None:
        self.proxy.refuse = False

    async def close(self) -> None:
        await self.proxy.stop()


class LockedStatements:
    """SQLite; `strike` makes the next `LOCKED_STATEMENTS` statements fail as busy."""

    def __init__(self, database_url: str) -> None:
        self.url = database_url
        self.strikes = self.hits = 0
        self._left = 0
        self._down = False

    def attach(self, db: Database) -> None:
        event.listen(db.engine.sync_engine, "do_execute", self._execute)

    def strike(self) -> None:
        self._left += LOCKED_STATEMENTS
        self.strikes += 1

    def down(self) -> None:
        self._down = True
        self.strikes += 1

    def up(self) -> None:
        self._down = False

    def _execute(self, *_: Any) -> bool:
        """Refuse the statement while a strike lasts; False lets SQLAlchemy run it."""
        if self._left <= 0 and not self._down:
            return False
        self._left = max(self._left - 1, 0)
        self.hits += 1
        error = sqlite3.OperationalError("database is locked")
        error.sqlite_errorcode = SQLITE_BUSY  # as sqlite3 sets it on a real one
        error.sqlite_errorname = "SQLITE_BUSY"
        raise error

    async def close(self) -> None:
        """Nothing to release."""


async def faults_for(database_url: str) -> DatabaseFaults:
    """Connection cuts for PostgreSQL, refused statements for SQLite."""
    if make_url(database_url).get_backend_name() == "sqlite":
        return LockedStatements(database_url)
    proxy = TcpProxy.before(database_url)
    await proxy.start()
    return ConnectionCuts(proxy, database_url)
