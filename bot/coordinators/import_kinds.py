"""The kinds of staff CSV as import jobs handle them, and how a job's parts are stored.

Each kind is checked whole without writing (`check`), then applied chunk by chunk in the
caller's transactions (`apply`). Rejected rows, a whole-file problem and the uploader's
scope are kept in the job row as JSON.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from bot.coordinators.roles import Scope, ScopeKind
from bot.coordinators.uploads import CsvKind
from bot.csv_table import ImportReport, RejectedRow, TableError, TableProblem
from bot.directory.blk_csv import RejectReason
from bot.directory.plut import PlutDirectory, PlutReject
from bot.directory.service import DirectoryService
from bot.training.batch_csv import BatchReject
from bot.training.batch_import import BatchImporter

_REASONS: dict[CsvKind, type[RejectReason] | type[BatchReject] | type[PlutReject]] = {
    CsvKind.BLK: RejectReason,
    CsvKind.BATCHES: BatchReject,
    CsvKind.PLUT: PlutReject,
}


class FileKind(Protocol):
    """One kind of file: checked whole without writing, then applied chunk by chunk."""

    async def check(self, raw: bytes) -> tuple[Sequence[Any], list[RejectedRow]]: ...

    async def apply(
        self,
        session: AsyncSession,
        rows: Sequence[Any],
        scope: Scope | None,
        source_name: str,
        actor_id: int,
    ) -> ImportReport:
        """`actor_id`: the uploader, as whom changes that reach people are audited."""
        ...

    async def finished(self) -> None: ...


class BlkRows:
    def __init__(self, directory: DirectoryService) -> None:
        self._directory = directory

    async def check(self, raw: bytes) -> tuple[Sequence[Any], list[RejectedRow]]:
        parsed = await self._directory.check_blk_csv(raw)
        return [p.row for p in parsed.rows], parsed.rejected

    async def apply(
        self,
        session: AsyncSession,
        rows: Sequence[Any],
        scope: Scope | None,
        source_name: str,
        actor_id: int,
    ) -> ImportReport:
        """The directory is not scoped: only administrators send it."""
        return await self._directory.apply_blks(session, rows, source_name)

    async def finished(self) -> None:
        await self._directory.refresh()


class PlutRows:
    def __init__(self, pluts: PlutDirectory) -> None:
        self._pluts = pluts

    async def check(self, raw: bytes) -> tuple[Sequence[Any], list[RejectedRow]]:
        return await self._pluts.check(raw)

    async def apply(
        self,
        session: AsyncSession,
        rows: Sequence[Any],
        scope: Scope | None,
        source_name: str,
        actor_id: int,
    ) -> ImportReport:
        """Not scoped either: only administrators send it."""
        return await self._pluts.apply(session, rows, source_name)

    async def finished(self) -> None:
        return None  # read from the database each time: nothing to refresh


class BatchRows:
    def __init__(self, importer: BatchImporter) -> None:
        self._importer = importer

    async def check(self, raw: bytes) -> tuple[Sequence[Any], list[RejectedRow]]:
        return await asyncio.to_thread(self._importer.check, raw)

    async def apply(
        self,
        session: AsyncSession,
        rows: Sequence[Any],
        scope: Scope | None,
        source_name: str,
        actor_id: int,
    ) -> ImportReport:
        return await self._importer.apply(session, rows, scope, actor_id)

    async def finished(self) -> None:
        return None


def rows_json(rows: Sequence[RejectedRow]) -> str:
    return json.dumps([[r.line, r.id, r.reason.value, r.field] for r in rows], ensure_ascii=False)


def rows_from_json(kind: CsvKind, raw: str) -> list[RejectedRow]:
    reasons = _REASONS[kind]
    return [
        RejectedRow(line, id_, reasons(reason), field)
        for line, id_, reason, field in json.loads(raw)
    ]


def problem_json(error: TableError) -> str:
    return json.dumps(
        {"problem": error.problem.value, "columns": list(error.columns), "line": error.line}
    )


def problem_from_json(raw: str) -> TableError:
    data = json.loads(raw)
    return TableError(
        TableProblem(data["problem"]), columns=tuple(data["columns"]), line=data["line"]
    )


def scope_json(scope: Scope | None) -> str | None:
    return json.dumps(scope.as_dict()) if scope is not None else None


def scope_from_json(raw: str | None) -> Scope | None:
    if raw is None:
        return None
    data = json.loads(raw)
    return Scope(ScopeKind(data["kind"]), data["code"])
