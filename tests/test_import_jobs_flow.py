"""End to end: a staff CSV upload is acknowledged at once and imported in chunks outside
the upload's update, so other people are answered meanwhile; a file over the byte cap is
refused before it is all read; a restart mid-import finishes it without applying a row
twice."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from aiogram import Bot
from sqlalchemy import func, select

from bot.coordinators.import_jobs import CHUNK_ROWS, MAX_ATTEMPTS
from bot.coordinators.roles import Scope
from storage.models import Batch, ImportJob
from tests.fake_bot_api import FakeBotAPI
from tests.harness import ADMIN_ID, Chat, RunningBot, make_settings
from tests.import_jobs_setup import SCHEDULE_HEADER, imported, run_imports, send_outbox

JAKSEL = "ppkd-jakarta-selatan"
STAFF = 7301  # a coordinator of JAKSEL
ROWS = 6 * CHUNK_ROWS
# Line 2 is the first row: a bad date in the first chunk (refused by the check, before any
# write) and an unknown BLK in the third (refused by the database, while importing).
BAD_DATE_LINE, UNKNOWN_BLK_LINE = 10, 2 * CHUNK_ROWS + 20


def schedule(rows: int) -> bytes:
    lines = [SCHEDULE_HEADER]
    for line in range(2, rows + 2):
        blk = "no-such-blk" if line == UNKNOWN_BLK_LINE else JAKSEL
        start = "2027-02-30" if line == BAD_DATE_LINE else "2027-01-11"
        lines.append(f"big-{line},{blk},Kelas {line},{start},2027-01-16,08:00,16:00,20")
    return "\n".join(lines).encode()


async def stored_batches(running_bot: RunningBot) -> int:
    assert running_bot.app is not None
    async with running_bot.app.db.transaction() as session:
        return (await session.execute(select(func.count()).select_from(Batch))).scalar_one()


async def jobs(running_bot: RunningBot) -> list[ImportJob]:
    assert running_bot.app is not None
    async with running_bot.app.db.transaction() as session:
        return list(await session.scalars(select(ImportJob).order_by(ImportJob.id)))


class Gate:
    """The import's pause between chunks, held closed after `chunks` chunks until opened."""

    def __init__(self, chunks: int = 1) -> None:
        self.held = asyncio.Event()
        self.opened = asyncio.Event()
        self._left = chunks

    async def __call__(self) -> None:
        self._left -= 1
        if self._left == 0:
            self.held.set()
            await self.opened.wait()


async def test_a_large_upload_is_imported_in_chunks_while_others_are_answered(
    fake_api: FakeBotAPI, running_bot: RunningBot, sender_bot: Bot
) -> None:
    admin = Chat(fake_api, ADMIN_ID)
    upload = fake_api.document(ADMIN_ID, schedule(ROWS), "jadwal-besar.csv")
    received = await admin.expect("File diterima dan sedang diproses")
    await fake_api.wait_confirmed(upload)
    assert await stored_batches(running_bot) == 0  # the update only stored the file

    gate = Gate(chunks=5)  # a progress edit is queued every 5 chunks
    importing = asyncio.create_task(run_imports(running_bot, pause=gate))
    await gate.held.wait()
    await Chat(fake_api, 5601).send("/start", "Selamat datang")
    assert await stored_batches(running_bot) == 5 * CHUNK_ROWS - 1  # less the unknown BLK
    assert await send_outbox(running_bot, sender_bot) == 1
    progress = await admin.expect(
        f"Sedang diproses: 2.500 dari {ROWS - 1:,} baris".replace(",", ".")
    )
    gate.opened.set()
    assert await importing == 1

    assert await send_outbox(running_bot, sender_bot) == 1
    report = await admin.expect(
        "Hasil impor",
        f"Ditambah: {ROWS - 2}",
        "Diperbarui: 0",
        "Tidak berubah: 0",
        "Ditolak: 2",
        f"Baris {BAD_DATE_LINE} (big-{BAD_DATE_LINE}): ",
        f"Baris {UNKNOWN_BLK_LINE} (big-{UNKNOWN_BLK_LINE}): ",
    )
    assert report.text.index(f"Baris {BAD_DATE_LINE} ") < report.text.index(
        f"Baris {UNKNOWN_BLK_LINE} "
    )
    for edit in (progress, report):
        assert edit.method == "editMessageText"
        assert edit.params["message_id"] == received.result["message_id"]
    assert await stored_batches(running_bot) == ROWS - 2
    [job] = await jobs(running_bot)
    assert (job.status, job.content, job.next_row) == ("done", None, ROWS - 1)


async def test_a_restart_mid_import_resumes_without_applying_a_row_twice(
    fake_api: FakeBotAPI, running_bot: RunningBot, sender_bot: Bot
) -> None:
    admin = Chat(fake_api, ADMIN_ID)
    upload = fake_api.document(ADMIN_ID, schedule(ROWS), "jadwal-besar.csv")
    await admin.expect("File diterima")
    await fake_api.wait_confirmed(upload)
    gate = Gate(chunks=3)
    importing = asyncio.create_task(run_imports(running_bot, pause=gate))
    await gate.held.wait()
    importing.cancel()  # the process dies between two chunks
    with pytest.raises(asyncio.CancelledError):
        await importing
    await running_bot.restart()
    assert await stored_batches(running_bot) == 3 * CHUNK_ROWS - 1

    assert await run_imports(running_bot) == 1
    await send_outbox(running_bot, sender_bot)  # the progress edit is dropped: it is over
    await admin.expect(f"Ditambah: {ROWS - 2}", "Tidak berubah: 0", "Ditolak: 2")
    assert await stored_batches(running_bot) == ROWS - 2
    assert await run_imports(running_bot) == 0


@pytest.fixture
async def capped_bot(
    fake_api: FakeBotAPI, database_url: str, redis_url: str | None, data_key: str
) -> AsyncIterator[RunningBot]:
    """The bot with IMPORT_MAX_BYTES at its smallest, 1 KiB."""
    settings = make_settings(fake_api, database_url, redis_url, data_key)
    bot = RunningBot(settings.model_copy(update={"import_max_bytes": 1024}))
    await bot.start()
    yield bot
    await bot.stop()


async def test_a_file_over_the_cap_is_refused_before_it_is_all_read(
    fake_api: FakeBotAPI, capped_bot: RunningBot
) -> None:
    admin = Chat(fake_api, ADMIN_ID)
    big = schedule(40)
    assert len(big) > 2 * 1024
    fake_api.document(ADMIN_ID, big, "jadwal.csv")
    await admin.expect("File terlalu besar (maksimal 1 KB)")
    assert [c.method for c in fake_api.calls if c.method == "getFile"] == []

    # A document that claims to be small is counted while it arrives.
    document = fake_api.add_file(fake_api.new_file_id("document"), big, "kecil.csv", "text/csv")
    user = {"id": ADMIN_ID, "is_bot": False, "first_name": "Admin", "language_code": "id"}
    message = {
        "message_id": fake_api.new_message_id(),
        "date": fake_api.now(),
        "chat": {"id": ADMIN_ID, "type": "private", "first_name": "Admin"},
        "from": user,
        "document": document | {"file_size": 100},
    }
    fake_api.push_update({"message": message})
    await admin.expect("File terlalu besar")
    assert len(fake_api.downloads) == 1  # fetched, then dropped past the cap
    assert await jobs(capped_bot) == []
    assert await stored_batches(capped_bot) == 0


async def test_a_whole_file_problem_is_reported_and_nothing_written(
    fake_api: FakeBotAPI, running_bot: RunningBot, sender_bot: Bot
) -> None:
    admin = Chat(fake_api, ADMIN_ID)
    upload = fake_api.document(ADMIN_ID, schedule(3) + b"\nx,\x00,y", "jadwal.csv")
    await admin.expect("File diterima")
    await imported(fake_api, running_bot, sender_bot, upload)
    await admin.expect("tidak bisa dibaca sebagai CSV (baris 5)")
    assert await stored_batches(running_bot) == 0


async def test_the_runner_starts_on_an_upload_once_it_committed(
    fake_api: FakeBotAPI, running_bot: RunningBot, sender_bot: Bot
) -> None:
    """As in `blk-bot run`: no one calls the runner; the upload's commit wakes it."""
    assert running_bot.app is not None
    imports, stop, queued = running_bot.app.services.imports, asyncio.Event(), asyncio.Event()
    runner = asyncio.create_task(imports.run(stop, queued.set))
    admin = Chat(fake_api, ADMIN_ID)
    directory = b"id,name,type,regency_code\nblk-baru,BLK Baru,UPTD,32.01\n"
    fake_api.document(ADMIN_ID, directory, "blk.csv")
    await admin.expect("File diterima")
    # Far below the runner's RECHECK_SECONDS: the commit woke it, not the periodic look.
    await asyncio.wait_for(queued.wait(), 10)
    stop.set()
    await runner
    await send_outbox(running_bot, sender_bot)
    await admin.expect("Hasil impor", "Ditambah: 1", "Ditolak: 0")
    blk = await running_bot.app.services.directory.blk("blk-baru")
    assert blk is not None and blk.name == "BLK Baru"  # the lookups see it at once


async def admin_upload(
    fake: FakeBotAPI,
    running_bot: RunningBot,
    sender_bot: Bot,
    content: bytes,
    *report: str,
    user_id: int = ADMIN_ID,
) -> None:
    """The administrator (or the coordinator `user_id`) sends the file, it is imported,
    everything due is sent, and the report says `report`."""
    uploader = Chat(fake, user_id)
    upload = fake.document(user_id, content, "upload.csv")
    await uploader.expect("File diterima")
    await imported(fake, running_bot, sender_bot, upload)
    await uploader.expect(*report)


async def test_an_administrator_sends_the_plut_directory_a_coordinator_may_not(
    fake_api: FakeBotAPI, running_bot: RunningBot, sender_bot: Bot
) -> None:
    """Told from the BLK directory by its header: regency_code without type."""
    assert running_bot.app is not None
    app = running_bot.app
    pluts = (
        b"id,name,regency_code,address,latitude,longitude,phone,source\n"
        b"plut-bogor,PLUT Kabupaten Bogor,32.01,Jl. Tegar Beriman,,,0218765,\n"
        b"plut-salah,PLUT Salah,99.99,,,,,\n"
    )
    await app.services.roles.grant(ADMIN_ID, STAFF, Scope.blk(JAKSEL))
    fake_api.document(STAFF, pluts, "plut.csv")
    await Chat(fake_api, STAFF).expect("Daftar PLUT hanya dapat dikirim oleh administrator")
    assert await jobs(running_bot) == []

    await admin_upload(
        fake_api,
        running_bot,
        sender_bot,
        pluts,
        "Hasil impor",
        "Ditambah: 1",
        "Ditolak: 1",
        "Baris 3 (plut-salah): kode kabupaten/kota tidak dikenal — kolom regency_code",
    )
    [job] = await jobs(running_bot)
    assert (job.kind, job.status) == ("plut", "done")
    [near] = await app.services.directory.pluts.near("32.01")
    assert (near.plut.name, near.plut.phone) == ("PLUT Kabupaten Bogor", "0218765")
    assert await app.services.directory.blk("plut-bogor") is None


async def test_an_upload_cannot_change_a_completed_batch(
    fake_api: FakeBotAPI, running_bot: RunningBot, sender_bot: Bot
) -> None:
    """Its row is rejected with the reason, the rest of the file is imported; repeated as
    stored it is unchanged."""
    assert running_bot.app is not None
    app = running_bot.app
    row = "{id},{blk},Kuliner {id},2026-11-26,2026-11-28,08:00,16:00,{capacity}"
    stored = [row.format(id=i, blk=JAKSEL, capacity=20) for i in ("lama-a", "lama-b")]
    first = "\n".join([SCHEDULE_HEADER, *stored]).encode()
    await admin_upload(fake_api, running_bot, sender_bot, first, "Ditambah: 2")
    running_bot.clock.set(running_bot.clock.now() + timedelta(days=5))  # 29 November
    assert await app.services.completion.complete_due() == 2

    changed = row.format(id="lama-b", blk=JAKSEL, capacity=30)
    later = row.replace("2026-11-2", "2026-12-0").format(id="baru", blk=JAKSEL, capacity=20)
    await admin_upload(
        fake_api,
        running_bot,
        sender_bot,
        "\n".join([SCHEDULE_HEADER, stored[0], changed, later]).encode(),
        "Ditambah: 1",
        "Diperbarui: 0",
        "Tidak berubah: 1",
        "Ditolak: 1",
        "Baris 3 (lama-b): gelombang ini sudah selesai dan hasilnya sudah dihitung, jadi "
        "tidak dapat diubah lagi (hasil peserta dapat diubah lewat 🎓 Kelulusan) — kolom "
        "capacity",
    )
    async with app.db.transaction() as session:
        capacity = select(Batch.capacity).where(Batch.external_id == "lama-b")
        assert (await session.execute(capacity)).scalar_one() == 20


async def test_a_job_that_keeps_failing_is_given_up_and_reported(
    fake_api: FakeBotAPI, running_bot: RunningBot, sender_bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert running_bot.app is not None

    def broken(raw: bytes) -> None:
        raise RuntimeError("a bug in the importer")

    monkeypatch.setattr(running_bot.app.services.batch_importer, "check", broken)
    admin = Chat(fake_api, ADMIN_ID)
    upload = fake_api.document(ADMIN_ID, schedule(3), "jadwal.csv")
    await admin.expect("File diterima")
    await fake_api.wait_confirmed(upload)
    for _ in range(MAX_ATTEMPTS):
        assert await run_imports(running_bot) == 0  # logged; tried again next round
    assert await run_imports(running_bot) == 1
    await send_outbox(running_bot, sender_bot)
    await admin.expect("Impor file ini terhenti karena gangguan di server")
    [job] = await jobs(running_bot)
    assert (job.status, job.content) == ("failed", None)
