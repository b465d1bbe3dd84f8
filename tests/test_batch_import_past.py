"""Batch schedule rows dated before today at the BLK: refused when they would add a batch or
move one into the past, accepted when they keep a stored batch's first day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from importlib.resources import files

from bot.csv_table import ImportReport
from bot.training.batch_csv import BatchReject
from bot.training.batch_import import BatchImporter
from storage.database import Database
from tests.clock import NOW, FixedClock
from tests.enrollment_setup import add_blk

HEADER = "id,blk_id,title,start_date,end_date,daily_start,daily_end,capacity,status"
# NOW is 24 Nov 2026, 10:00 WIB.
ROW = "{id},{blk},Kuliner,{first},2026-12-05,08:00,16:00,20,{status}"


def schedule(*rows: str) -> bytes:
    return "\n".join([HEADER, *rows]).encode()


def row(batch_id: str, first: str, *, blk: str = "blk-jkt", status: str = "buka") -> str:
    return ROW.format(id=batch_id, blk=blk, first=first, status=status)


def refused(report: ImportReport) -> list[tuple[int, str, BatchReject, str | None]]:
    return [(r.line, r.id, r.reason, r.field) for r in report.rejected]


async def test_a_new_batch_may_start_today_not_yesterday(db: Database) -> None:
    await add_blk(db, "blk-jkt")
    importer = BatchImporter(db, FixedClock(NOW))
    report = await importer.import_csv(
        schedule(row("kemarin", "2026-11-23"), row("hari-ini", "24/11/2026"))
    )
    assert report.added == 1
    assert refused(report) == [(2, "kemarin", BatchReject.STARTS_IN_PAST, "start_date")]


async def test_a_stored_batch_that_has_begun_can_be_closed_but_not_moved_back(
    db: Database,
) -> None:
    await add_blk(db, "blk-jkt")
    clock = FixedClock(NOW - timedelta(days=10))
    importer = BatchImporter(db, clock)
    assert (await importer.import_csv(schedule(row("b1", "2026-11-20")))).added == 1
    clock.set(NOW)  # the first day, 20 Nov, has passed
    assert (await importer.import_csv(schedule(row("b1", "2026-11-20")))).unchanged == 1
    closed = await importer.import_csv(schedule(row("b1", "2026-11-20", status="tutup")))
    assert (closed.updated, closed.rejected) == (1, [])
    moved = await importer.import_csv(schedule(row("b1", "2026-11-19", status="tutup")))
    assert refused(moved) == [(2, "b1", BatchReject.STARTS_IN_PAST, "start_date")]


async def test_today_is_the_day_where_the_blk_is(db: Database) -> None:
    """23:30 WIB on 24 Nov is already 01:30 on 25 Nov in Papua (WIT)."""
    await add_blk(db, "blk-jkt", province="32")
    await add_blk(db, "blk-papua", province="91")
    importer = BatchImporter(db, FixedClock(datetime(2026, 11, 24, 16, 30, tzinfo=UTC)))
    report = await importer.import_csv(
        schedule(row("jkt", "2026-11-24"), row("papua", "2026-11-24", blk="blk-papua"))
    )
    assert report.added == 1
    assert refused(report) == [(3, "papua", BatchReject.STARTS_IN_PAST, "start_date")]


async def test_the_shipped_batch_template_imports_cleanly(db: Database) -> None:
    for blk_id in ("ppkd-jakarta-selatan", "bbpvp-bekasi"):
        await add_blk(db, blk_id)
    template = files("bot.data").joinpath("batches-template.csv").read_bytes()
    report = await BatchImporter(db, FixedClock(NOW)).import_csv(template)
    assert (report.added, report.rejected) == (2, [])
