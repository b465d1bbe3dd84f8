"""Delivery receipts: the proof, written the moment Telegram accepts a message, that it was sent.

A message is "sending" from its claim until the outcome is committed. If the process
dies in between, whether Telegram already took the message decides between sending it
again and a duplicate. The outcome commit can wait — on SQLite behind every other writer
— so the receipt is written apart from it, on a path nobody else locks:

- SQLite: a side file next to the database (`<db>-receipts`) with its own lock, in WAL
  mode with synchronous=NORMAL: a commit is a write to the operating system, which a
  SIGKILL cannot undo (a power cut can; then the message is sent again).
- PostgreSQL: the row's own `sent_at` / `telegram_message_id`, set by one autocommit
  statement on a connection of its own (handlers may hold every connection of the main
  pool), with synchronous_commit off: the bot's death cannot undo a commit the server
  has seen; a crash of the database server itself can, and then the message is sent
  again.

Recovery (`settle_receipted`) marks claimed rows with a receipt as sent instead of
sending them again. What remains is the time between Telegram's answer and the receipt's
write (well under a millisecond on a local disk), during which a kill still duplicates.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Protocol

import aiosqlite
from sqlalchemy import select, text, update
from sqlalchemy.engine import Result, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine
from sqlalchemy.sql import Executable

from storage.models import OutboxMessage, utcnow
from storage.private_file import create_private

RECEIPT_TTL_SECONDS = 7 * 24 * 3600  # longer than any outage a restart follows


class Receipts(Protocol):
    async def ping(self) -> None:
        """Connect now: the first receipt must not wait for a connection to open."""

    async def record(self, row_id: int, message_id: int | None) -> None:
        """Remember that Telegram accepted row `row_id` (durable before returning)."""

    async def among(self, row_ids: Iterable[int]) -> dict[int, int | None]:
        """Which of these rows have a receipt, with the message id Telegram gave."""

    async def prune(self) -> None:
        """Forget receipts too old to matter."""

    async def close(self) -> None: ...


class SideFileReceipts:
    """SQLite: receipts in a file of their own, so no transaction of the bot delays them."""

    def __init__(self, path: str) -> None:
        self._path = path
        self._conn: aiosqlite.Connection | None = None
        self._opening = asyncio.Lock()

    async def _connection(self) -> aiosqlite.Connection:
        async with self._opening:
            if self._conn is None:
                if self._path != ":memory:":
                    create_private(self._path)
                conn = await aiosqlite.connect(self._path, timeout=30, isolation_level=None)
                await conn.execute("PRAGMA journal_mode=WAL")
                await conn.execute("PRAGMA synchronous=NORMAL")
                await conn.execute(
                    "CREATE TABLE IF NOT EXISTS receipts (row_id INTEGER PRIMARY KEY,"
                    " message_id INTEGER, at INTEGER NOT NULL DEFAULT (strftime('%s', 'now')))"
                )
                self._conn = conn
            return self._conn

    async def ping(self) -> None:
        await self._connection()

    async def record(self, row_id: int, message_id: int | None) -> None:
        conn = await self._connection()
        await conn.execute(
            "INSERT OR REPLACE INTO receipts (row_id, message_id) VALUES (?, ?)",
            (row_id, message_id),
        )

    async def among(self, row_ids: Iterable[int]) -> dict[int, int | None]:
        ids = list(row_ids)
        if not ids:
            return {}
        conn = await self._connection()
        found: dict[int, int | None] = {}
        for start in range(0, len(ids), 500):  # SQLite's bound-parameter limit
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            query = f"SELECT row_id, message_id FROM receipts WHERE row_id IN ({marks})"
            async with conn.execute(query, chunk) as cursor:
                found.update({row_id: message_id async for row_id, message_id in cursor})
        return found

    async def prune(self) -> None:
        conn = await self._connection()
        await conn.execute(
            "DELETE FROM receipts WHERE at < strftime('%s', 'now') - ?", (RECEIPT_TTL_SECONDS,)
        )

    async def close(self) -> None:
        if self._conn is not None:
            await self._conn.close()
            self._conn = None


class RowReceipts:
    """PostgreSQL: the receipt is the row's sent_at, committed on its own right away.

    One connection kept open in autocommit mode: a receipt is a single round trip, with
    no pool checkout, BEGIN or COMMIT to wait for while the process is busy.
    """

    def __init__(self, url: str) -> None:
        self._engine = create_async_engine(
            url,
            pool_size=1,
            max_overflow=0,
            isolation_level="AUTOCOMMIT",
            hide_parameters=True,  # as the main engine: no parameters in error messages
            connect_args={"server_settings": {"synchronous_commit": "off"}},
        )
        self._conn: AsyncConnection | None = None
        self._lock = asyncio.Lock()

    async def _execute(self, stmt: Executable) -> Result[Any]:
        """Run on the kept connection; a broken one is replaced and the statement retried."""
        async with self._lock:
            for attempt in (1, 2):
                if self._conn is None:
                    self._conn = await self._engine.connect()
                try:
                    return await self._conn.execute(stmt)
                except DBAPIError as exc:
                    if not exc.connection_invalidated or attempt == 2:
                        raise
                    self._conn = None
        raise AssertionError("unreachable")

    async def ping(self) -> None:
        await self._execute(text("SELECT 1"))

    async def record(self, row_id: int, message_id: int | None) -> None:
        await self._execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == row_id)
            .values(sent_at=utcnow(), telegram_message_id=message_id)
        )

    async def among(self, row_ids: Iterable[int]) -> dict[int, int | None]:
        ids = list(row_ids)
        if not ids:
            return {}
        stmt = select(OutboxMessage.id, OutboxMessage.telegram_message_id).where(
            OutboxMessage.id.in_(ids), OutboxMessage.sent_at.is_not(None)
        )
        return {row_id: message_id for row_id, message_id in await self._execute(stmt)}

    async def prune(self) -> None:
        """Nothing to do: the receipt lives and goes with its row."""

    async def close(self) -> None:
        if self._conn is not None:
            await self._conn.close()
            self._conn = None
        await self._engine.dispose()


def open_receipts(url: str) -> Receipts:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return RowReceipts(url)
    database = parsed.database
    if database in (None, "", ":memory:"):
        return SideFileReceipts(":memory:")  # nothing survives the process anyway
    return SideFileReceipts(str(Path(database).expanduser()) + "-receipts")
