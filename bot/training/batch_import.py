"""Creating and updating batches from a coordinator's CSV: upsert by id, in one transaction
(the CLI) or in chunks the caller commits one by one (`check` then `apply`, for uploads).

A coordinator's file (`scope`) may only add or change batches of BLKs in their scope:
a row naming another BLK, or the id of another BLK's batch, is rejected with its line.
A cancelled batch (people were told, seats were released) and a completed one (its
certificates state its programme, dates and hours) are history: a row that would change
either is rejected, one that repeats it as stored is unchanged.

A row that cancels a batch, or moves its start, does to the people in it what the same
change in chat does (`bot.training.batch_seats`), in the same transaction as the row.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.audit import audit_import
from bot.clock import Clock
from bot.coordinators.roles import Scope
from bot.csv_table import ImportReport, RejectedRow, decode, read_table
from bot.training.batch_csv import REQUIRED_COLUMNS, BatchReject, BatchRow, check_rows
from bot.training.batch_rules import BatchPlan
from bot.training.batch_seats import cancel_everyone, plan_reminders_again
from bot.training.blk_watch import tell_watchers
from bot.training.managed_batch import CANCELLED, OPEN
from bot.training.programmes import DEFAULT_PROGRAMME
from bot.training.reminders import ReminderPlan
from bot.training.waitlist import DEFAULT_ORDER, fill_seats
from storage.batch_admin_repository import BatchAdminRepository
from storage.completion_repository import CompletionRepository
from storage.database import Database
from storage.enrollment_repository import BatchRepository, WaitlistOrder
from storage.models import Batch


def _values(row: BatchRow, zone: str, existing: Batch | None) -> dict[str, object]:
    """The stored columns; a programme not given keeps the stored one (or the default)."""
    plan = BatchPlan(
        title=row.title,
        first_day=row.first_day,
        last_day=row.last_day,
        daily_start=row.daily_start,
        daily_end=row.daily_end,
        capacity=row.capacity,
        deadline=row.deadline_day,
    )
    return {
        "blk_id": row.blk_id,
        "title": row.title,
        **plan.instants(zone),
        "capacity": row.capacity,
        "status": row.status,
        "programme": (row.programme or (existing.programme if existing else DEFAULT_PROGRAMME)),
    }


# The stored instants that hold two CSV columns each: the row's day, then the columns of
# that day and of its hour.
_INSTANT_COLUMNS = {
    "starts_at": ("first_day", "start_date", "daily_start"),
    "ends_at": ("last_day", "end_date", "daily_end"),
}


def _first_change(
    row: BatchRow, values: dict[str, object], existing: Batch, zone: ZoneInfo
) -> str | None:
    """The CSV column of the first stored value the row would change; None: it changes
    nothing."""
    for key, value in values.items():
        if getattr(existing, key) == value:
            continue
        if key not in _INSTANT_COLUMNS:
            return key
        row_day, day_column, hour_column = _INSTANT_COLUMNS[key]
        same_day = getattr(existing, key).astimezone(zone).date() == getattr(row, row_day)
        return hour_column if same_day else day_column
    return None


def _moves_into_past(row: BatchRow, existing: Batch | None, zone: ZoneInfo, today: date) -> bool:
    """A new batch, or a new first day for a stored one, before today at the BLK: nobody
    could take such a seat. A stored batch keeping its first day may still be corrected,
    closed or cancelled."""
    if row.first_day >= today:
        return False
    return existing is None or existing.starts_at.astimezone(zone).date() != row.first_day


class BatchImporter:
    def __init__(
        self,
        db: Database,
        clock: Clock | None = None,
        *,
        reminders: ReminderPlan | None = None,
        waitlist_order: WaitlistOrder = DEFAULT_ORDER,
    ) -> None:
        """`reminders` and `waitlist_order`: seats a larger capacity adds go to the people
        waiting, in that order, who are told and reminded."""
        self._db = db
        self.clock = clock or Clock()
        self._reminders = reminders or ReminderPlan()
        self._waitlist_order = waitlist_order

    async def import_csv(
        self, raw: bytes, *, actor_id: int | None = None, scope: Scope | None = None
    ) -> ImportReport:
        """Raises `TableError` when the file cannot be read; bad rows are reported, not saved.

        Every row in one transaction (the CLI; uploads go in chunks through
        `bot.coordinators.import_jobs`). An upload by a person (`actor_id`) is written to
        the audit log with the counts; `scope` None (the server's CLI) may touch every BLK.
        """
        rows, rejected = self.check(raw)
        async with self._db.transaction() as session:
            report = await self.apply(session, rows, scope, actor_id)
            report.rejected = sorted([*rejected, *report.rejected], key=lambda r: r.line)
            if actor_id is not None:
                audit_import(session, actor_id, "batches", report)
        return report

    @staticmethod
    def check(raw: bytes) -> tuple[list[BatchRow], list[RejectedRow]]:
        """The whole file read and each row checked on its own, in file order; no database."""
        _header, records = read_table(decode(raw), REQUIRED_COLUMNS)
        return check_rows(records)

    async def apply(
        self,
        session: AsyncSession,
        rows: Sequence[BatchRow],
        scope: Scope | None,
        actor_id: int | None = None,
    ) -> ImportReport:
        """Add or update checked rows in the caller's transaction; rows the database
        refuses (unknown BLK, out of scope, a change to a cancelled or completed batch,
        capacity below the seats taken) are rejected.

        People waiting for a batch at a BLK where one opens are told. A cancelled batch
        ends every seat and waitlist place, each holder told, as `actor_id` (with `scope`)
        would in chat; a moved start moves the reminders of the seated.
        """
        report = ImportReport()
        now = self.clock.now()
        opened: list[Batch] = []
        grown: list[Batch] = []
        moved: list[Batch] = []
        batches = BatchRepository(session)
        stored = await batches.by_external_ids([row.id for row in rows])
        blks = await BatchAdminRepository(session).blks_by_id(
            {row.blk_id for row in rows} | {batch.blk_id for batch in stored.values()}
        )
        completed = await CompletionRepository(session).completed_among(
            [batch.id for batch in stored.values()]
        )

        def reject(row: BatchRow, reason: BatchReject, field: str) -> None:
            report.rejected.append(RejectedRow(row.line, row.id, reason, field))

        def covers(blk_id: str) -> bool:
            blk = blks.get(blk_id)
            return scope is None or (blk is not None and scope.covers(blk.id, blk.province_code))

        for row in rows:
            blk = blks.get(row.blk_id)
            if blk is None:
                reject(row, BatchReject.UNKNOWN_BLK, "blk_id")
                continue
            if not covers(blk.id):
                reject(row, BatchReject.OUT_OF_SCOPE, "blk_id")
                continue
            existing = stored.get(row.id)
            values = _values(row, blk.timezone, existing)
            zone = ZoneInfo(blk.timezone)
            change = _first_change(row, values, existing, zone) if existing else None
            if existing is not None and not covers(existing.blk_id):  # another BLK's batch
                reject(row, BatchReject.OUT_OF_SCOPE, "id")
            elif existing is not None and existing.status == CANCELLED and change is not None:
                reject(row, BatchReject.CANCELLED, change)
            elif existing is not None and existing.id in completed and change is not None:
                reject(row, BatchReject.COMPLETED, change)
            elif _moves_into_past(row, existing, zone, self.clock.today_in(zone)):
                reject(row, BatchReject.STARTS_IN_PAST, "start_date")
            elif existing is None:
                batch = Batch(external_id=row.id, **values)
                batches.add(batch)
                opened.append(batch)
                report.added += 1
            elif change is not None and row.status == CANCELLED:
                for key, value in values.items():
                    setattr(existing, key, value)
                enrolled, waitlisted = await cancel_everyone(
                    session, existing.id, now, actor_id=actor_id, scope=scope
                )
                report.updated += 1
                report.cancelled += 1
                report.told += enrolled + waitlisted
            elif row.capacity < existing.seats_taken:
                reject(row, BatchReject.CAPACITY_BELOW_TAKEN, "capacity")
            elif change is None:
                report.unchanged += 1
            else:
                opened += [existing] if existing.status != OPEN else []
                grown += [existing] if row.capacity > existing.capacity else []
                moved += [existing] if values["starts_at"] != existing.starts_at else []
                for key, value in values.items():
                    setattr(existing, key, value)
                report.updated += 1
        await session.flush()
        for batch in moved:
            await plan_reminders_again(session, batch.id, self._reminders, now)
        for batch in opened:
            if batch.status == OPEN:
                await tell_watchers(session, batch.blk_id, batch.id, now)
        for batch in grown:
            await fill_seats(
                session, batch.id, order=self._waitlist_order, plan=self._reminders, now=now
            )
        return report
