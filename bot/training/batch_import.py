"""Creating and updating batches from a coordinator's CSV: upsert by id, one transaction."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from bot.audit import audit_import
from bot.csv_table import ImportReport, RejectedRow, decode, read_table
from bot.training.batch_csv import REQUIRED_COLUMNS, BatchReject, BatchRow, check_rows
from storage.database import Database
from storage.enrollment_repository import BatchRepository
from storage.models import Batch

# Registration closes at the end of the deadline day, BLK time.
_END_OF_DAY = time(23, 59, 59)


def _utc(day: date, clock: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, clock, zone).astimezone(UTC)


def _values(row: BatchRow, zone: ZoneInfo) -> dict[str, object]:
    return {
        "blk_id": row.blk_id,
        "title": row.title,
        "starts_at": _utc(row.first_day, row.daily_start, zone),
        "ends_at": _utc(row.last_day, row.daily_end, zone),
        "registration_deadline": _utc(row.deadline_day, _END_OF_DAY, zone),
        "capacity": row.capacity,
        "status": row.status,
    }


class BatchImporter:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def import_csv(self, raw: bytes, *, actor_id: int | None = None) -> ImportReport:
        """Raises `TableError` when the file cannot be read; bad rows are reported, not saved.

        An upload by a person (`actor_id`) is written to the audit log with the counts.
        """
        _header, records = read_table(decode(raw), REQUIRED_COLUMNS)
        rows, rejected = check_rows(records)
        report = ImportReport(rejected=rejected)
        async with self._db.transaction() as session:
            batches = BatchRepository(session)
            for row in rows:
                facts = await batches.blk_name_and_zone(row.blk_id)
                if facts is None:
                    report.rejected.append(
                        RejectedRow(row.line, row.id, BatchReject.UNKNOWN_BLK, "blk_id")
                    )
                    continue
                values = _values(row, ZoneInfo(facts[1]))
                existing = await batches.by_external_id(row.id)
                if existing is None:
                    batches.add(Batch(external_id=row.id, **values))
                    report.added += 1
                elif row.capacity < existing.seats_taken:
                    report.rejected.append(
                        RejectedRow(row.line, row.id, BatchReject.CAPACITY_BELOW_TAKEN, "capacity")
                    )
                elif all(getattr(existing, k) == v for k, v in values.items()):
                    report.unchanged += 1
                else:
                    for key, value in values.items():
                        setattr(existing, key, value)
                    report.updated += 1
            report.rejected.sort(key=lambda r: r.line)
            if actor_id is not None:
                audit_import(session, actor_id, "batches", report)
        return report
