"""Staff CSV uploads imported as durable jobs, in chunks, outside the upload's update.

The upload's update only stores the file as a job (`submit`) and commits; the runner then
checks every row first (a whole-file problem writes nothing, as before), and applies the
checked rows `chunk_rows` at a time, each chunk in its own short transaction together
with the job's `next_row` and counts. Between chunks other people's updates get the
database, so a 50,000-row file no longer holds everyone else up; a restart resumes at
`next_row` and applies no row twice. Unlike the CLI's one-transaction import, others may
see a half-imported file while it runs. Progress and the final report reach the uploader
as outbox templates.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.audit import audit_import
from bot.clock import Clock
from bot.coordinators.import_kinds import (
    BatchRows,
    BlkRows,
    FileKind,
    PlutRows,
    problem_from_json,
    problem_json,
    rows_from_json,
    rows_json,
    scope_from_json,
    scope_json,
)
from bot.coordinators.import_reports import MAX_LISTED
from bot.coordinators.roles import Scope
from bot.coordinators.uploads import CsvKind
from bot.crash_log import crash_trace
from bot.csv_table import ImportReport, RejectedRow, TableError
from bot.delivery.templates import Template, enqueue_template
from bot.directory.service import DirectoryService
from bot.training.batch_import import BatchImporter
from storage.database import Database
from storage.import_job_repository import DONE, FAILED, ImportJobRepository
from storage.models import ImportJob

logger = logging.getLogger(__name__)

MAX_BYTES = 5 * 1024 * 1024
CHUNK_ROWS = 500
# The progress message is edited every this many chunks (2,500 rows): often enough to
# see it move, far below Telegram's limit on edits.
PROGRESS_CHUNKS = 5
# Runs of a job that end without a committed chunk before it is given up as failing.
MAX_ATTEMPTS = 3
# The dedupe keys of a job's messages start with this, then the job's id and ":".
MESSAGE_PREFIX = "import:"
# Jobs left by a stopped process, or retried after an error, are looked at this often.
RECHECK_SECONDS = 60.0
# SQLite's other writers wait by polling the lock (up to 100 ms apart): a runner that took
# the lock again at once would keep them waiting until the whole file was in.
SQLITE_BREATHER_SECONDS = 0.1

Pause = Callable[[], Awaitable[None]]


@dataclass(frozen=True)
class ImportStatus:
    """A job as its progress message and report show it."""

    kind: CsvKind
    done: bool
    failed: bool
    rows_done: int
    total_rows: int | None
    progress_message_id: int | None
    report: ImportReport
    problem: TableError | None


@dataclass(frozen=True)
class _Plan:
    """What one run of a job reads once: the file and where to resume."""

    id: int
    kind: CsvKind
    actor_id: int
    scope: Scope | None
    source_name: str
    content: bytes
    next_row: int
    progress_message_id: int | None


def _report_of(job: ImportJob) -> ImportReport:
    listed = rows_from_json(CsvKind(job.kind), job.rejected_rows)
    return ImportReport(
        added=job.added,
        updated=job.updated,
        unchanged=job.unchanged,
        rejected=listed,
        more_rejected=job.rejected - len(listed),
        cancelled=job.cancelled,
        told=job.told,
    )


class ImportJobs:
    def __init__(
        self,
        db: Database,
        directory: DirectoryService,
        batches: BatchImporter,
        clock: Clock,
        *,
        max_bytes: int = MAX_BYTES,
        chunk_rows: int = CHUNK_ROWS,
    ) -> None:
        self.max_bytes = max_bytes  # the largest file staff may send
        self._db = db
        self._clock = clock
        self._chunk_rows = chunk_rows
        self._kinds: dict[CsvKind, FileKind] = {
            CsvKind.BLK: BlkRows(directory),
            CsvKind.BATCHES: BatchRows(batches),
            CsvKind.PLUT: PlutRows(directory.pluts),
        }
        self._submitted = asyncio.Event()
        self._running = asyncio.Lock()

    async def submit(
        self,
        kind: CsvKind,
        raw: bytes,
        *,
        actor_id: int,
        scope: Scope | None,
        source_name: str,
        progress_message_id: int | None,
    ) -> int:
        """Store the file as a job in the caller's transaction; the runner starts on it
        once that commits. `progress_message_id`: the message edited with the progress."""
        async with self._db.transaction() as session:
            job_id = await ImportJobRepository(session).add(
                ImportJob(
                    actor_id=actor_id,
                    kind=kind.value,
                    scope=scope_json(scope),
                    source_name=source_name[:300],
                    content=raw,
                    progress_message_id=progress_message_id,
                )
            )
        self._db.once_committed(self._submitted.set)
        return job_id

    async def forget_finished(self, keep: timedelta) -> int:
        """Delete jobs that ended more than `keep` ago, once their report went out."""
        async with self._db.transaction() as session:
            return await ImportJobRepository(session).forget_finished(
                self._clock.now() - keep, message_prefix=MESSAGE_PREFIX
            )

    async def status(self, job_id: int) -> ImportStatus | None:
        async with self._db.transaction() as session:
            job = await ImportJobRepository(session).get(job_id)
            if job is None:
                return None
            return ImportStatus(
                kind=CsvKind(job.kind),
                done=job.finished_at is not None,
                failed=job.status == FAILED,
                rows_done=job.next_row,
                total_rows=job.total_rows,
                progress_message_id=job.progress_message_id,
                report=_report_of(job),
                problem=problem_from_json(job.problem) if job.problem else None,
            )

    async def run(self, stop: asyncio.Event, queued: Callable[[], None]) -> None:
        """Work through jobs as they are submitted until `stop`; `queued` is called when
        progress or a report was queued (to wake the outbox sender)."""
        while not stop.is_set():
            self._submitted.clear()
            await self.run_pending(stop=stop, queued=queued)
            waits = [asyncio.ensure_future(e.wait()) for e in (self._submitted, stop)]
            with suppress(TimeoutError):
                await asyncio.wait_for(
                    asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED), RECHECK_SECONDS
                )
            for waiting in waits:
                waiting.cancel()

    async def run_pending(
        self,
        *,
        pause: Pause | None = None,
        stop: asyncio.Event | None = None,
        queued: Callable[[], None] = lambda: None,
    ) -> int:
        """Run every pending job to its end (or until `stop`); returns how many ended.

        `pause` is awaited after each chunk (by default a breather that lets other
        updates take the database); a job that raises stays pending for the next round.
        """
        pause = pause or self._breathe
        ended = 0
        async with self._running:
            async with self._db.transaction() as session:
                pending = await ImportJobRepository(session).pending_ids()
            for job_id in pending:
                try:
                    ended += await self._run_job(job_id, pause, stop, queued)
                except Exception as error:
                    logger.error("import job %s failed: %s", job_id, crash_trace(error))
        return ended

    async def _breathe(self) -> None:
        await asyncio.sleep(SQLITE_BREATHER_SECONDS if self._db.is_sqlite else 0)

    async def _run_job(
        self, job_id: int, pause: Pause, stop: asyncio.Event | None, queued: Callable[[], None]
    ) -> bool:
        plan = await self._start(job_id)
        if plan is None:
            queued()
            return True
        rows_of = self._kinds[plan.kind]
        try:
            rows, rejected = await rows_of.check(plan.content)
        except TableError as problem:
            await self._finish(plan, problem=problem)
            queued()
            return True
        for start in range(plan.next_row, len(rows), self._chunk_rows):
            if stop is not None and stop.is_set():
                return False
            if await self._apply_chunk(plan, rows, start, rows_of):
                queued()
            await pause()
        await self._finish(plan, rejected=rejected)
        await rows_of.finished()
        queued()
        return True

    async def _start(self, job_id: int) -> _Plan | None:
        """Count this run and read the job; None when it was given up (report queued)."""
        async with self._db.transaction() as session:
            repo = ImportJobRepository(session)
            job = await repo.get(job_id)
            assert job is not None and job.content is not None
            if repo.start_attempt(job) > MAX_ATTEMPTS:
                logger.error("import job %s given up after %d attempts", job_id, MAX_ATTEMPTS)
                repo.finish(job, FAILED, self._clock.now())
                await self._queue(session, job, Template.IMPORT_REPORT)
                return None
            return _Plan(
                id=job.id,
                kind=CsvKind(job.kind),
                actor_id=job.actor_id,
                scope=scope_from_json(job.scope),
                source_name=job.source_name,
                content=job.content,
                next_row=job.next_row,
                progress_message_id=job.progress_message_id,
            )

    async def _apply_chunk(
        self, plan: _Plan, rows: Sequence[Any], start: int, rows_of: FileKind
    ) -> bool:
        """One chunk with the job's counts in one transaction; True if progress was queued."""
        chunk = rows[start : start + self._chunk_rows]
        end = start + len(chunk)
        async with self._db.transaction() as session:
            repo = ImportJobRepository(session)
            job = await repo.get(plan.id)
            assert job is not None
            part = await rows_of.apply(session, chunk, plan.scope, plan.source_name, plan.actor_id)
            listed = rows_from_json(plan.kind, job.rejected_rows)
            room = MAX_LISTED - len(listed)
            repo.record_chunk(
                job,
                next_row=end,
                total_rows=len(rows),
                counts=(part.added, part.updated, part.unchanged, len(part.rejected)),
                cancelled=(part.cancelled, part.told),
                rejected_rows=rows_json([*listed, *part.rejected[:room]]) if room > 0 else None,
            )
            step = PROGRESS_CHUNKS * self._chunk_rows
            if plan.progress_message_id is None or end // step == start // step:
                return False
            return await self._queue(session, job, Template.IMPORT_PROGRESS, f"{end // step}")

    async def _finish(
        self,
        plan: _Plan,
        *,
        rejected: Sequence[RejectedRow] = (),
        problem: TableError | None = None,
    ) -> None:
        """The rows refused by the check join those the database refused, in line order;
        the import is audited and its report queued, with the job's end, at once."""
        async with self._db.transaction() as session:
            repo = ImportJobRepository(session)
            job = await repo.get(plan.id)
            assert job is not None
            stored = rows_from_json(plan.kind, job.rejected_rows)
            listed = sorted([*rejected, *stored], key=lambda r: r.line)[:MAX_LISTED]
            repo.finish(
                job,
                DONE,
                self._clock.now(),
                rejected=job.rejected + len(rejected),
                rejected_rows=rows_json(listed),
                problem=problem_json(problem) if problem else None,
            )
            if problem is None:
                audit_import(session, plan.actor_id, plan.kind.value, _report_of(job))
            await self._queue(session, job, Template.IMPORT_REPORT)

    async def _queue(
        self, session: AsyncSession, job: ImportJob, template: Template, step: str = ""
    ) -> bool:
        """A message to the uploader about the job, once per `step` (the report: once)."""
        return await enqueue_template(
            session,
            job.actor_id,
            template,
            {"job": job.id},
            dedupe_key=f"{MESSAGE_PREFIX}{job.id}:{template.value}:{step}",
            not_before=self._clock.now(),
        )
