"""Rosters and everyone registered in a scope, as XLSX or CSV files in a temporary folder.

The scope is checked in the transaction that reads (`RosterService`), and the export is
audited there too: who, scope, batch, format and how many rows, never personal data.
Everyone registered is read from a server-side cursor in chunks and each chunk is
decrypted and written in a worker thread, so 100,000 rows need neither 100,000 rows in
memory nor an event loop blocked for the whole file. The file is deleted when the
caller's block ends.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory

from bot.audit import AuditAction, record
from bot.coordinators.audiences import scope_conditions
from bot.coordinators.rosters import EntryReader, RosterEntry, RosterService
from bot.coordinators.sheets import Column, SheetFormat, SheetWriter, open_sheet
from storage.database import Database
from storage.roster_repository import ParticipantRow, RosterRepository

# Rows fetched, decrypted and written per step; big enough that the thread hand-offs
# cost little, small enough that a chunk is a few hundred kilobytes.
CHUNK = 2000


@dataclass(frozen=True)
class ExportFile:
    path: Path
    rows: int

    @property
    def filename(self) -> str:
        return self.path.name


def _write(
    sheet: SheetWriter,
    reader: EntryReader,
    columns: Sequence[Column[RosterEntry]],
    rows: Sequence[ParticipantRow],
) -> None:
    entries = (reader.entry(row) for row in rows)
    sheet.write_rows([column.value(entry) for column in columns] for entry in entries)


class ExportService:
    def __init__(self, db: Database, rosters: RosterService) -> None:
        self._db = db
        self._rosters = rosters

    @asynccontextmanager
    async def batch_sheet(
        self,
        actor: int,
        batch_id: int,
        fmt: SheetFormat,
        columns: Sequence[Column[RosterEntry]],
    ) -> AsyncIterator[ExportFile]:
        """The batch's roster as a file; `NotPermitted` / `NotInScope` before any is made."""
        with TemporaryDirectory(prefix="blk-export-") as folder:
            path = Path(folder) / f"peserta-gelombang-{batch_id}.{fmt.value}"
            async with self._db.transaction() as session:
                scope = await self._rosters.scope_in(session, actor)
                await self._rosters.batch_in(session, scope, batch_id)
                rows = await RosterRepository(session).roster(
                    batch_id, self._rosters.waitlist_order
                )
                sheet = open_sheet(fmt, path, [column.header for column in columns])
                try:
                    await asyncio.to_thread(_write, sheet, self._rosters.reader(), columns, rows)
                finally:
                    sheet.close()
                record(
                    session,
                    actor,
                    AuditAction.ROSTER_EXPORTED,
                    scope=scope.as_dict(),
                    batch_id=batch_id,
                    format=fmt.value,
                    rows=len(rows),
                )
            yield ExportFile(path, len(rows))

    @asynccontextmanager
    async def registrants_sheet(
        self, actor: int, fmt: SheetFormat, columns: Sequence[Column[RosterEntry]]
    ) -> AsyncIterator[ExportFile]:
        """Everyone registered in the actor's scope, enrolled or not, one row each."""
        with TemporaryDirectory(prefix="blk-export-") as folder:
            path = Path(folder) / f"pendaftar.{fmt.value}"
            count = 0
            async with self._db.transaction() as session:
                scope = await self._rosters.scope_in(session, actor)
                reader = self._rosters.reader()
                repository = RosterRepository(session)
                sheet = open_sheet(fmt, path, [column.header for column in columns])
                try:
                    conditions = scope_conditions(scope)
                    order = self._rosters.waitlist_order
                    async for rows in repository.registrants(conditions, CHUNK, order):
                        await asyncio.to_thread(_write, sheet, reader, columns, rows)
                        count += len(rows)
                finally:
                    await asyncio.to_thread(sheet.close)
                record(
                    session,
                    actor,
                    AuditAction.REGISTRANTS_EXPORTED,
                    scope=scope.as_dict(),
                    format=fmt.value,
                    rows=count,
                )
            yield ExportFile(path, count)
