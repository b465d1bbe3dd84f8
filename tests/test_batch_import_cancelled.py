"""Batch schedule rows for a cancelled batch: people were told and its seats released, so a
row that would change anything (reopening it above all) is rejected whole, naming the
first column it would change; one that repeats the batch as stored is unchanged."""

from __future__ import annotations

import pytest
from aiogram import Bot
from sqlalchemy import select

from bot.coordinators.roles import Scope
from bot.training.batch_csv import BatchReject
from bot.training.batch_import import BatchImporter
from bot.training.batch_seats import cancel_everyone
from bot.training.managed_batch import CANCELLED
from storage.database import Database
from storage.models import Batch
from tests.clock import FixedClock
from tests.enrollment_setup import add_blk
from tests.fake_bot_api import FakeBotAPI
from tests.harness import ADMIN_ID, RunningBot
from tests.import_jobs_setup import SCHEDULE_HEADER
from tests.test_batch_import_completed import (
    STORED,
    assert_rejected_whole,
    refused,
    schedule,
    stored_batch,
)
from tests.test_import_jobs_flow import JAKSEL, admin_upload

# NOW is 24 Nov 2026: the batch was to train from 7 to 11 December.
CANCELLED_ROW = STORED | {
    "id": "batal",
    "start_date": "2026-12-07",
    "end_date": "2026-12-11",
    "registration_deadline": "2026-12-06",
    "status": "batal",
}


@pytest.fixture
async def importer(db: Database, clock: FixedClock) -> BatchImporter:
    """The batch imported open, then cancelled as a coordinator cancels it in chat."""
    await add_blk(db, "blk-jkt")
    await add_blk(db, "blk-bdg")
    importer = BatchImporter(db, clock)
    assert (await importer.import_csv(schedule(CANCELLED_ROW | {"status": "buka"}))).added == 1
    batch = await stored_batch(db, "batal")
    async with db.transaction() as session:
        await cancel_everyone(session, batch.id, clock.now())
    assert (await stored_batch(db, "batal")).status == CANCELLED
    return importer


@pytest.mark.parametrize("status", ["batal", "dibatalkan", "Cancelled"])
async def test_a_row_repeating_a_cancelled_batch_is_unchanged(
    importer: BatchImporter, status: str
) -> None:
    report = await importer.import_csv(schedule(CANCELLED_ROW | {"status": status}))
    assert (report.added, report.updated, report.unchanged, report.rejected) == (0, 0, 1, [])


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("status", "buka"),  # reopened
        ("status", ""),  # a blank status is open
        ("status", "tutup"),
        ("blk_id", "blk-bdg"),
        ("title", "Kuliner Lanjutan"),
        ("start_date", "2026-12-08"),
        ("daily_end", "15:00"),
        ("capacity", "25"),
        ("programme", "kopdes"),
    ],
)
async def test_a_row_changing_a_cancelled_batch_is_rejected_whole(
    importer: BatchImporter, db: Database, column: str, value: str
) -> None:
    row = CANCELLED_ROW | {column: value}
    await assert_rejected_whole(importer, db, row, BatchReject.CANCELLED, column)


async def test_other_rows_of_the_file_are_imported(importer: BatchImporter) -> None:
    later = CANCELLED_ROW | {"id": "baru", "status": "buka"}
    report = await importer.import_csv(schedule(CANCELLED_ROW | {"status": "buka"}, later))
    assert report.added == 1
    assert refused(report) == [(2, "batal", BatchReject.CANCELLED, "status")]


async def test_a_cancelled_batch_of_another_blk_is_out_of_scope_first(
    importer: BatchImporter,
) -> None:
    """A coordinator of another BLK learns nothing of the batch, not even that it was
    cancelled."""
    row = CANCELLED_ROW | {"blk_id": "blk-bdg", "status": "buka"}
    report = await importer.import_csv(schedule(row), scope=Scope.blk("blk-bdg"))
    assert refused(report) == [(2, "batal", BatchReject.OUT_OF_SCOPE, "id")]


async def test_an_upload_cannot_reopen_a_batch_cancelled_in_chat(
    fake_api: FakeBotAPI, running_bot: RunningBot, sender_bot: Bot
) -> None:
    """The report gives the row's line, id, reason and column; the batch stays cancelled."""
    assert running_bot.app is not None
    app = running_bot.app

    async def upload(status: str, *report: str) -> None:
        row = f"kuliner,{JAKSEL},Kuliner,2026-12-07,2026-12-11,08:00,16:00,20,{status}"
        content = f"{SCHEDULE_HEADER},status\n{row}".encode()
        await admin_upload(fake_api, running_bot, sender_bot, content, *report)

    await upload("buka", "Ditambah: 1")
    async with app.db.transaction() as session:
        query = select(Batch.id).where(Batch.external_id == "kuliner")
        batch_id = (await session.execute(query)).scalar_one()
    await app.services.batch_admin.cancel(ADMIN_ID, batch_id)

    await upload(
        "buka",
        "Ditambah: 0",
        "Diperbarui: 0",
        "Ditolak: 1",
        "Baris 2 (kuliner): gelombang ini sudah dibatalkan dan peserta sudah diberi tahu, "
        "jadi tidak dapat diubah lagi (untuk membukanya kembali, tambahkan gelombang baru "
        "dengan id lain) — kolom status",
    )
    await upload("batal", "Tidak berubah: 1", "Ditolak: 0")
    async with app.db.transaction() as session:
        status = select(Batch.status).where(Batch.id == batch_id)
        assert (await session.execute(status)).scalar_one() == CANCELLED
