"""Every write to the import_jobs table: queueing an upload, a chunk's progress, the end.

The caller's transaction commits; `bot.coordinators.import_jobs` decides what to write.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, cast, delete, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ImportJob, OutboxMessage
from storage.outbox_repository import PENDING as OUTBOX_PENDING
from storage.outbox_repository import SENDING as OUTBOX_SENDING

PENDING, DONE, FAILED = "pending", "done", "failed"


class ImportJobRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, job: ImportJob) -> int:
        self.session.add(job)
        await self.session.flush()
        return job.id

    async def get(self, job_id: int) -> ImportJob | None:
        return await self.session.get(ImportJob, job_id)

    async def pending_ids(self) -> list[int]:
        stmt = select(ImportJob.id).where(ImportJob.status == PENDING).order_by(ImportJob.id)
        return list((await self.session.execute(stmt)).scalars())

    async def forget_finished(self, before: datetime, *, message_prefix: str) -> int:
        """Delete jobs that ended before `before`: their counts, rejected rows (which may
        quote the file) and the uploader's id. A job whose report still waits in the outbox
        stays (the report is written from the job when sent); its messages have dedupe
        keys `message_prefix` + id + ":"."""
        key_pattern = message_prefix + cast(ImportJob.id, String) + ":%"
        unsent = exists().where(
            OutboxMessage.dedupe_key.like(key_pattern),
            OutboxMessage.status.in_([OUTBOX_PENDING, OUTBOX_SENDING]),
        )
        result = await self.session.execute(
            delete(ImportJob).where(
                ImportJob.status.in_([DONE, FAILED]), ImportJob.finished_at < before, ~unsent
            )
        )
        return result.rowcount or 0

    @staticmethod
    def start_attempt(job: ImportJob) -> int:
        """Count a run of the job; the count is reset by each committed chunk."""
        job.attempts += 1
        return job.attempts

    @staticmethod
    def record_chunk(
        job: ImportJob,
        *,
        next_row: int,
        total_rows: int,
        counts: tuple[int, int, int, int],
        rejected_rows: str | None,
        cancelled: tuple[int, int] = (0, 0),
    ) -> None:
        """A chunk's (added, updated, unchanged, rejected) and (batches cancelled, people
        told), committed with its rows: a restart resumes at `next_row`. `rejected_rows`
        replaces the listed rows if given."""
        added, updated, unchanged, rejected = counts
        job.cancelled += cancelled[0]
        job.told += cancelled[1]
        job.next_row = next_row
        job.total_rows = total_rows
        job.added += added
        job.updated += updated
        job.unchanged += unchanged
        job.rejected += rejected
        if rejected_rows is not None:
            job.rejected_rows = rejected_rows
        job.attempts = 0

    @staticmethod
    def finish(
        job: ImportJob,
        status: str,
        at: datetime,
        *,
        rejected: int | None = None,
        rejected_rows: str | None = None,
        problem: str | None = None,
    ) -> None:
        """The job is over: its file is dropped, its counts stay for the report."""
        job.status = status
        job.finished_at = at
        job.content = None
        if rejected is not None:
            job.rejected = rejected
        if rejected_rows is not None:
            job.rejected_rows = rejected_rows
        job.problem = problem
