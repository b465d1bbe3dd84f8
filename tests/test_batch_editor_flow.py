"""End to end: coordinators create, edit and cancel batches in chat (through the desk).

The world of tests/test_broadcasts.py: blk-a and blk-b in province 32 (WIB), blk-c in 51.
Batch "A satu" (blk-a) has three seats taken; "A dua" has 102 waiting. Today is Tuesday
24 November 2026 in the tests' clock. Notices of a cancelled batch are delivered by the
outbox sender, as in production.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from aiogram import Bot
from sqlalchemy import func, select, update

from bot.coordinators.roles import Scope
from bot.delivery.sender import Sender
from bot.runtime.app import App
from handlers.common.callbacks import (
    BatchAdminAction,
    BatchAdminCb,
    BatchFormCb,
    BlkAction,
    BlkCb,
)
from handlers.delivery.templates import notice_renderer
from storage.models import AuditEntry, Batch, Enrollment, OutboxMessage
from tests.fake_bot_api import FakeBotAPI
from tests.harness import ADMIN_ID, Chat, RunningBot
from tests.import_jobs_setup import imported
from tests.test_broadcasts import BLK_A, BLK_C, World, build_world

BLK_A_STAFF, BLK_C_STAFF, PROVINCE_32_STAFF, PROVINCE_51_STAFF = 7001, 7003, 7032, 7051
STALE = "Tombol ini sudah tidak berlaku."


async def setup(running_bot: RunningBot) -> tuple[App, World]:
    """The world, with each batch's seat counter as enrolment would have kept it."""
    app = running_bot.app
    assert app is not None
    world = await build_world(app.db, app.services.registrations, app.services.privacy)
    async with app.db.transaction() as session:
        for batch_id in world.batches.values():
            active = select(func.count()).where(
                Enrollment.batch_id == batch_id, Enrollment.status == "active"
            )
            taken = (await session.execute(active)).scalar_one()
            await session.execute(
                update(Batch).where(Batch.id == batch_id).values(seats_taken=taken)
            )
    roles = app.services.roles
    await roles.grant(ADMIN_ID, BLK_A_STAFF, Scope.blk(BLK_A))
    await roles.grant(ADMIN_ID, BLK_C_STAFF, Scope.blk(BLK_C))
    await roles.grant(ADMIN_ID, PROVINCE_32_STAFF, Scope.province("32"))
    return app, world


async def audit_of(app: App, action: str) -> list[dict[str, object]]:
    async with app.db.transaction() as session:
        stmt = select(AuditEntry.details).where(AuditEntry.action == action)
        return [json.loads(details) for details in (await session.execute(stmt)).scalars()]


async def batch_row(app: App, title: str) -> Batch:
    async with app.db.transaction() as session:
        stmt = select(Batch).where(Batch.title == title)
        return (await session.execute(stmt)).scalar_one()


async def open_batch_card(chat: Chat, title: str) -> None:
    """/peserta → the batch → ✏️ Ubah gelombang."""
    await chat.send("/peserta", "Peserta per gelombang")
    await chat.press(title, f"<b>{title}</b>")
    await chat.press("Ubah gelombang", f"<b>{title}</b>", "Status: Pendaftaran dibuka")


async def test_a_blk_coordinator_creates_a_batch_that_participants_see(
    fake_api: FakeBotAPI, running_bot: RunningBot
) -> None:
    app, _ = await setup(running_bot)
    chat = Chat(fake_api, BLK_A_STAFF)
    await chat.send("/peserta", "Peserta per gelombang")
    await chat.press("Gelombang baru", "Gelombang baru untuk <b>BLK blk-a</b>")
    await chat.expect("Tulis judul gelombang", "/batal")
    await chat.send("ab", "Judul harus 3 sampai 200 karakter")
    await chat.expect("Tulis judul gelombang")
    first = await chat.send("Kuliner Lanjutan", "Kapan hari pertama pelatihan?")
    assert first.buttons[0][0] == "Sen, 30 Nov 2026"  # the next Mondays, to tap

    await chat.send("31 Februari 2027", "Tanggal itu tidak dapat dibaca")
    await chat.expect("Kapan hari pertama pelatihan?")
    await chat.send("1 November 2026", "Minggu, 1 November 2026 sudah lewat")
    await chat.expect("Kapan hari pertama pelatihan?")
    await chat.send("12 jan 27", "Kapan hari terakhir pelatihan?")
    await chat.send("10/01/2027", "Tanggal selesai (Minggu, 10 Januari 2027) tidak boleh sebelum")
    await chat.expect("Kapan hari terakhir pelatihan?")
    await chat.press("5 hari · s.d. Sab, 16 Jan 2027", "Jam berapa pelatihan setiap hari", "(WIB)")
    await chat.send("16.00-08.00", "Jam selesai harus setelah jam mulai")
    await chat.expect("Jam berapa")
    await chat.press("08.00-16.00", "Berapa kursi tersedia?")
    # A quick pick left under an earlier question answers nothing now.
    stale = await chat.answer_to(first.button_data("Sen, 30 Nov 2026"))
    assert stale.params["text"] == STALE
    await chat.send("dua puluh", "Kapasitas harus berupa angka")
    await chat.expect("Berapa kursi tersedia?")
    await chat.send("24", "Sampai tanggal berapa pendaftaran dibuka?")
    await chat.send("20 Januari 2027", "tidak boleh setelah tanggal mulai")
    await chat.expect("Sampai tanggal berapa")
    review = await chat.send(
        "5-1-2027",
        "Periksa sekali lagi",
        "<b>Kuliner Lanjutan</b>",
        "Selasa, 12 Januari 2027 – Sabtu, 16 Januari 2027",
        "08.00–16.00 WIB",
        "Kapasitas 24",
        "Pendaftaran sampai Selasa, 5 Januari 2027",
    )
    assert [label for label, _ in review.buttons] == [
        "🎓 Pelatihan Kewirausahaan ✓",
        "🎓 Pengelola Koperasi Desa/Kelurahan Merah Putih",
        "🎓 Sejahtera dengan Kerja Wirausaha",
        "✅ Simpan",
        "❌ Batal",
    ]
    await chat.press("Simpan", "Gelombang disimpan", "Kuliner Lanjutan")

    batch = await batch_row(app, "Kuliner Lanjutan")
    assert (batch.blk_id, batch.capacity, batch.status) == (BLK_A, 24, "open")
    # 08.00 WIB is 01.00 UTC; registration closes at the end of 5 January, BLK time.
    assert batch.starts_at == datetime(2027, 1, 12, 1, 0, tzinfo=UTC)
    assert batch.ends_at == datetime(2027, 1, 16, 9, 0, tzinfo=UTC)
    assert batch.registration_deadline == datetime(2027, 1, 5, 16, 59, 59, tzinfo=UTC)
    assert await audit_of(app, "batch.created") == [
        {"batch_id": batch.id, "blk_id": BLK_A, "scope": {"kind": "blk", "code": BLK_A}}
    ]

    desk = await chat.send("/peserta", "Kuliner Lanjutan")
    assert "1. Kuliner Lanjutan · 0/24" in [label for label, _ in desk.buttons]
    participant = Chat(fake_api, 5002)
    await participant.send("/start", "")  # a chat with the bot, where BLK cards are pressed
    await participant.expect("Apa yang ingin Anda lakukan?")
    fake_api.callback(participant.user_id, BlkCb(action=BlkAction.BATCHES, blk=BLK_A).pack())
    await participant.expect("Kuliner Lanjutan", "Selasa, 12 Januari 2027", "08.00")


async def test_editing_the_capacity_never_below_the_seats_taken(
    fake_api: FakeBotAPI, running_bot: RunningBot
) -> None:
    app, world = await setup(running_bot)
    chat = Chat(fake_api, BLK_A_STAFF)
    await open_batch_card(chat, "A satu")
    await chat.press("Kapasitas", "Saat ini: 10", "Berapa kursi tersedia?")
    await chat.send("2", "Sudah ada 3 peserta yang mendapat kursi")
    await chat.expect("Berapa kursi tersedia?")
    await chat.send("40", "Perubahan disimpan", "Kapasitas 40 · kursi terisi 3")
    assert (await batch_row(app, "A satu")).capacity == 40
    await chat.press("Tutup pendaftaran", "Status: Pendaftaran ditutup")
    assert (await batch_row(app, "A satu")).status == "closed"
    assert [entry["batch_id"] for entry in await audit_of(app, "batch.edited")] == [
        world.batches["a1"]
    ]
    assert (await audit_of(app, "batch.edited"))[0]["field"] == "cap"
    assert len(await audit_of(app, "batch.closed")) == 1


async def test_cancelling_tells_the_seated_and_the_waiting(
    fake_api: FakeBotAPI, running_bot: RunningBot, sender_bot: Bot
) -> None:
    app, world = await setup(running_bot)
    await app.services.enrollment.enroll(104, world.batches["a2"], waitlist=False)
    chat = Chat(fake_api, BLK_A_STAFF)
    await open_batch_card(chat, "A dua")
    await chat.press(
        "Batalkan gelombang", "Batalkan gelombang <b>A dua</b>?", "1 peserta", "1 orang"
    )
    await chat.press(
        "Ya, batalkan", "Gelombang dibatalkan", "1 peserta yang mendapat kursi dan 1 orang"
    )
    batch = await batch_row(app, "A dua")
    assert (batch.status, batch.seats_taken) == ("cancelled", 0)
    async with app.db.transaction() as session:
        stmt = select(OutboxMessage.chat_id, OutboxMessage.kind).where(
            OutboxMessage.status == "pending", OutboxMessage.kind != "reply"
        )
        pending = sorted((await session.execute(stmt)).all())
    assert pending == [(102, "batch-cancelled"), (104, "batch-cancelled")]  # no reminders

    render = notice_renderer(app.services, app.i18n)
    sender = Sender(app.db, sender_bot, render=render, per_chat_interval=0, clock=running_bot.clock)
    await sender.run_once()
    seated = await Chat(fake_api, 104).expect("Gelombang dibatalkan", "<b>A dua</b>", "Kursi Anda")
    assert [label for label, _ in seated.buttons] == [
        "📅 Gelombang lain di BLK ini",
        "📍 Cari BLK terdekat",
    ]
    await Chat(fake_api, 102).expect("Gelombang dibatalkan", "Tempat Anda di daftar tunggu")
    assert await audit_of(app, "batch.cancelled") == [
        {
            "batch_id": world.batches["a2"],
            "enrolled": 1,
            "waitlisted": 1,
            "scope": {"kind": "blk", "code": BLK_A},
        }
    ]


async def test_coordinators_of_other_places_cannot_touch_the_batch(
    fake_api: FakeBotAPI, running_bot: RunningBot
) -> None:
    app, world = await setup(running_bot)
    a1 = world.batches["a1"]
    forged = [
        BatchAdminCb(action=BatchAdminAction.VIEW, batch=a1),
        BatchAdminCb(action=BatchAdminAction.EDIT, batch=a1, field="cap"),
        BatchAdminCb(action=BatchAdminAction.CLOSE, batch=a1),
        BatchAdminCb(action=BatchAdminAction.CANCEL_CONFIRMED, batch=a1),
    ]
    for staff, desk in ((BLK_C_STAFF, "C satu"), (5555, "belum mengerti")):  # no role: 5555
        chat = Chat(fake_api, staff)
        await chat.send("/peserta", desk)
        for data in forged:
            answer = await chat.answer_to(data.pack())
            assert answer.params["text"] == STALE
    batch = await batch_row(app, "A satu")
    assert (batch.status, batch.capacity) == ("open", 10)
    assert await audit_of(app, "batch.cancelled") == []


async def test_province_coordinators_choose_a_blk_of_their_province(
    fake_api: FakeBotAPI, running_bot: RunningBot
) -> None:
    """Bali's few BLKs are buttons; West Java's many are typed by name or id."""
    app, _ = await setup(running_bot)
    await app.services.roles.grant(ADMIN_ID, PROVINCE_51_STAFF, Scope.province("51"))
    bali = Chat(fake_api, PROVINCE_51_STAFF)
    await bali.send("/peserta", "Peserta per gelombang")
    choice = await bali.press("Gelombang baru", "Untuk BLK mana gelombang ini? Pilih BLK.")
    labels = [label for label, _ in choice.buttons]
    assert "BLK blk-c" in labels and "BLK blk-a" not in labels
    await bali.press("BLK blk-c", "Gelombang baru untuk <b>BLK blk-c</b>")
    await bali.expect("Tulis judul gelombang")
    await bali.send("/batal", "Dibatalkan")
    await bali.expect("Apa yang ingin Anda lakukan?")

    west_java = Chat(fake_api, PROVINCE_32_STAFF)
    await west_java.send("/peserta", "Peserta per gelombang")
    await west_java.press("Gelombang baru", "Ketik nama atau ID BLK")
    await west_java.send(BLK_C, "Tidak ada BLK dengan nama itu di wilayah Anda")
    answer = await west_java.answer_to(BatchFormCb(field="blk", value=BLK_C).pack())
    assert answer.params["text"] == STALE
    await west_java.send("blk-b", "Gelombang baru untuk <b>BLK blk-b</b>")
    await west_java.expect("Tulis judul gelombang")


async def test_a_coordinator_uploads_the_schedule_of_their_own_blk(
    fake_api: FakeBotAPI, running_bot: RunningBot, sender_bot: Bot
) -> None:
    """A row of another BLK, and a row reusing the id of another BLK's batch, are refused."""
    app, _ = await setup(running_bot)
    header = b"id,blk_id,title,start_date,end_date,daily_start,daily_end,capacity\n"
    theirs = header + b"c-1,blk-c,Bali Kuliner,2027-02-01,2027-02-05,08:00,16:00,20\n"
    chat = Chat(fake_api, BLK_C_STAFF)
    upload = fake_api.document(chat.user_id, theirs, "jadwal.csv")
    await chat.expect("File diterima")
    await imported(fake_api, running_bot, sender_bot, upload)
    await chat.expect("Ditambah: 1")

    schedule = header + (
        b"a-1,blk-a,Kuliner Upload,12/01/2027,16/01/2027,08.00,16.00,20\n"
        b"c-2,blk-c,Bukan Wilayahnya,2027-02-01,2027-02-05,08:00,16:00,20\n"
        b"c-1,blk-a,Ambil Alih,2027-02-01,2027-02-05,08:00,16:00,20\n"
    )
    chat = Chat(fake_api, BLK_A_STAFF)
    upload = fake_api.document(chat.user_id, schedule, "jadwal.csv")
    await chat.expect("File diterima")
    await imported(fake_api, running_bot, sender_bot, upload)
    report = await chat.expect(
        "Ditambah: 1",
        "Ditolak: 2",
        "Baris 3 (c-2): di luar wilayah Anda — kolom blk_id",
        "Baris 4 (c-1): di luar wilayah Anda — kolom id",
    )
    assert "Ambil Alih" not in (report.text or "")
    assert (await batch_row(app, "Kuliner Upload")).blk_id == BLK_A
    assert (await batch_row(app, "Bali Kuliner")).blk_id == BLK_C
    async with app.db.transaction() as session:
        stmt = select(func.count()).where(Batch.title.in_(["Bukan Wilayahnya", "Ambil Alih"]))
        assert (await session.execute(stmt)).scalar_one() == 0

    fake_api.document(chat.user_id, b"id,name,type,regency_code\nx,BLK X,UPTD,32.01\n", "blk.csv")
    await chat.expect("Daftar BLK hanya dapat dikirim oleh administrator")
    uploads = await audit_of(app, "csv.imported")
    assert [(entry["added"], entry["rejected"]) for entry in uploads] == [(1, 0), (1, 2)]
