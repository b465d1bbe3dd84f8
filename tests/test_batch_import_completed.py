"""Batch schedule rows for a completed batch: one that repeats the batch as stored is
unchanged, one that would change anything is rejected whole, naming the first column it
would change; the batch stays as it was."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.coordinators.roles import Scope
from bot.csv_table import ImportReport
from bot.training.batch_csv import BatchReject
from bot.training.batch_import import BatchImporter
from storage.completion_repository import CompletionRepository
from storage.database import Database
from storage.models import Batch
from tests.clock import NOW, FixedClock
from tests.enrollment_setup import add_blk

HEADER = (
    "id,blk_id,title,start_date,end_date,daily_start,daily_end,capacity,"
    "registration_deadline,status,programme"
)
# NOW is 24 Nov 2026, 10:00 WIB: the batch trained from 10 to 14 November.
STORED = {
    "id": "selesai",
    "blk_id": "blk-jkt",
    "title": "Kuliner",
    "start_date": "2026-11-10",
    "end_date": "2026-11-14",
    "daily_start": "08:00",
    "daily_end": "16:00",
    "capacity": "20",
    "registration_deadline": "2026-11-09",
    "status": "open",
    "programme": "wirausaha",
}


def schedule(*rows: dict[str, str]) -> bytes:
    return "\n".join([HEADER, *(",".join(row.values()) for row in rows)]).encode()


def refused(report: ImportReport) -> list[tuple[int, str, BatchReject, str | None]]:
    return [(r.line, r.id, r.reason, r.field) for r in report.rejected]


async def stored_batch(db: Database, external_id: str) -> Batch:
    async with db.transaction() as session:
        batch = await session.scalar(select(Batch).where(Batch.external_id == external_id))
        assert batch is not None
        return batch


def scheduled(batch: Batch) -> list[object]:
    """What a schedule row sets in a stored batch."""
    columns = ("blk_id", "title", "starts_at", "ends_at", "registration_deadline")
    columns += ("capacity", "status", "programme")
    return [getattr(batch, column) for column in columns]


async def assert_rejected_whole(
    importer: BatchImporter, db: Database, row: dict[str, str], reason: BatchReject, column: str
) -> None:
    """The file of that one row is rejected on line 2 for `reason`, naming `column`; the
    stored batch stays as it was."""
    before = await stored_batch(db, row["id"])
    report = await importer.import_csv(schedule(row))
    assert (report.added, report.updated, report.unchanged) == (0, 0, 0)
    assert refused(report) == [(2, row["id"], reason, column)]
    assert scheduled(await stored_batch(db, row["id"])) == scheduled(before)


@pytest.fixture
async def importer(db: Database) -> BatchImporter:
    """The batch imported before it began, then completed."""
    await add_blk(db, "blk-jkt")
    await add_blk(db, "blk-bdg")
    clock = FixedClock(NOW - timedelta(days=20))
    importer = BatchImporter(db, clock)
    assert (await importer.import_csv(schedule(STORED))).added == 1
    clock.set(NOW)
    batch = await stored_batch(db, "selesai")
    async with db.transaction() as session:
        CompletionRepository(session).complete(batch.id, NOW, None)
    return importer


async def test_a_row_repeating_a_completed_batch_is_unchanged(importer: BatchImporter) -> None:
    report = await importer.import_csv(schedule(STORED))
    assert (report.added, report.updated, report.unchanged, report.rejected) == (0, 0, 1, [])
    # Written as spreadsheets write it: the same batch.
    same = STORED | {"start_date": "10/11/2026", "daily_start": "08.00", "status": "buka"}
    assert (await importer.import_csv(schedule(same))).unchanged == 1


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("blk_id", "blk-bdg"),
        ("title", "Kuliner Lanjutan"),
        ("start_date", "2026-11-09"),
        ("daily_start", "09:00"),
        ("end_date", "2026-11-13"),
        ("daily_end", "15:00"),
        ("capacity", "25"),
        ("registration_deadline", "2026-11-08"),
        ("status", "batal"),
        ("programme", "kopdes"),
    ],
)
async def test_a_row_changing_a_completed_batch_is_rejected_whole(
    importer: BatchImporter, db: Database, column: str, value: str
) -> None:
    # The title changes too: the column named is the first the row would change.
    row = STORED | {column: value} | ({"title": "Judul Baru"} if column == "blk_id" else {})
    await assert_rejected_whole(importer, db, row, BatchReject.COMPLETED, column)


async def test_other_rows_of_the_file_are_imported(importer: BatchImporter) -> None:
    later = STORED | {"id": "baru", "start_date": "2026-12-07", "end_date": "2026-12-11"}
    later["registration_deadline"] = ""
    report = await importer.import_csv(schedule(STORED | {"capacity": "30"}, later))
    assert report.added == 1
    assert refused(report) == [(2, "selesai", BatchReject.COMPLETED, "capacity")]


async def test_a_completed_batch_of_another_blk_is_out_of_scope_first(
    importer: BatchImporter,
) -> None:
    """A coordinator of another BLK learns nothing of the batch, not even that it is over."""
    row = STORED | {"blk_id": "blk-bdg", "capacity": "30"}
    report = await importer.import_csv(schedule(row), scope=Scope.blk("blk-bdg"))
    assert refused(report) == [(2, "selesai", BatchReject.OUT_OF_SCOPE, "id")]
