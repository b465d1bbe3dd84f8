"""End to end: eligibility check, nearest BLK, batches, enrolment, waitlist, cancel, move."""

from __future__ import annotations

import json
from datetime import timedelta

from aiogram import Bot
from sqlalchemy import select

from storage.models import OutboxMessage
from tests.enrollment_setup import add_batch
from tests.fake_bot_api import FakeBotAPI
from tests.harness import ADMIN_ID, Chat, RunningBot
from tests.import_jobs_setup import imported
from tests.test_broadcasts import audit_actions
from tests.test_registration_flow import register_until_review

JAKSEL = "ppkd-jakarta-selatan"


async def registered(fake: FakeBotAPI, user_id: int, nik: str) -> Chat:
    chat = Chat(fake, user_id=user_id)
    await register_until_review(chat, nik=nik)
    await chat.press("Kirim pendaftaran", "Pendaftaran berhasil")
    return chat


async def test_nearest_by_location_with_map_pin(chat: Chat, fake_api: FakeBotAPI) -> None:
    await chat.send("/blk", "Kirim <b>lokasi</b>")
    assert chat.last.reply_markup["keyboard"][0][0]["request_location"] is True
    fake_api.location(chat.user_id, -6.2726, 106.8100)
    await chat.expect("Mencari BLK terdekat")
    found = await chat.expect(
        "BLK terdekat", "1. Pusat Pelatihan Kerja Daerah (PPKD) Jakarta Selatan"
    )
    assert found.text.count("📏") == 5 and "0 km" in found.text
    # Each BLK's button has its name; its page has the map and the way back.
    chat.press_on(found, "1. Pusat Pelatihan Kerja Daerah (PPKD) Jakarta Selatan")
    page = await chat.expect("Belum ada gelombang yang dibuka")
    assert [label for label, _ in page.buttons] == [
        "🔔 Beri tahu saya",
        "📍 Lokasi BLK",
        "⬅️ BLK di sekitarnya",
    ]
    chat.press_on(page, "Lokasi BLK")
    venue = await fake_api.wait_call("sendVenue", chat_id=chat.user_id)
    assert abs(venue.params["latitude"] - -6.272605) < 1e-6
    assert "Jakarta Selatan" in venue.params["title"]


async def test_nearest_works_in_papua_and_maluku(chat: Chat, fake_api: FakeBotAPI) -> None:
    fake_api.location(chat.user_id, -2.60, 140.70)
    await chat.expect("Mencari")
    await chat.expect("1. BLK Jayapura")
    fake_api.location(chat.user_id, -3.70, 128.18)
    await chat.expect("Mencari")
    await chat.expect("1. Balai Pelatihan Vokasi dan Produktivitas (BPVP) Ambon")


async def test_typed_places_aliases_typos_and_ambiguity(chat: Chat) -> None:
    await chat.send("/blk", "lokasi")
    await chat.send("jaksel", "Mencari")
    await chat.expect("1. Pusat Pelatihan Kerja Daerah (PPKD) Jakarta Selatan")
    await chat.send("/blk", "lokasi")
    await chat.send("Surabya", "Mencari")
    await chat.expect("Surabaya")
    await chat.send("/blk", "lokasi")
    await chat.send("bekasi", "Maksud Anda")
    await chat.press("Kota Bekasi", "BLK terdekat", "Bekasi")
    await chat.send("/blk", "lokasi")
    await chat.send("zzzzqqq", "tidak menemukan daerah")
    await chat.expect("Kirim <b>lokasi</b>")
    await chat.send("/batal", "Dibatalkan")


async def test_eligibility_before_registering_asks_only_what_it_needs(chat: Chat) -> None:
    await chat.send("/kelayakan", "tanggal lahir")
    await chat.send("31-02-1990", "tidak mengenali tanggal")
    await chat.expect("tanggal lahir")
    await chat.send("17-08-1995", "kondisi usaha")
    outcome = await chat.press("Usaha mikro", "termasuk prioritas", "Usaha mikro dan kecil")
    assert "Usia Anda 31 tahun" in outcome.text
    await chat.send("/kelayakan", "tanggal lahir")
    young = await chat.send("01-01-2010", "belum memenuhi syarat", "Usia minimal 18 tahun")
    assert "usia Anda 16 tahun" in young.text
    await chat.send("/kelayakan", "tanggal lahir")
    await chat.send("01-01-1980", "kondisi usaha")
    await chat.press("Usaha menengah", "terkena PHK")
    await chat.press("Tidak", "Anda memenuhi syarat.", "bukan prioritas")


async def test_eligibility_of_a_registered_person(
    fake_api: FakeBotAPI, running_bot: RunningBot
) -> None:
    chat = await registered(fake_api, 5101, "3201011201900001")
    await chat.send("/kelayakan", "termasuk prioritas", "Usia Anda 36 tahun")


async def test_enrol_waitlist_promotion_and_move(
    fake_api: FakeBotAPI, running_bot: RunningBot
) -> None:
    db = running_bot.app.db
    first_batch = await add_batch(db, JAKSEL, capacity=1, title="Kuliner Gelombang 1")
    second_batch = await add_batch(
        db, JAKSEL, 5, starts_in=timedelta(days=60), title="Kuliner Gelombang 2"
    )
    budi = await registered(fake_api, 5201, "3201011201900001")
    siti = await registered(fake_api, 5202, "3201011201900002")

    for chat in (budi, siti):
        await chat.send("/blk", "lokasi")
        await chat.send("jaksel", "Mencari")
        await chat.expect("BLK terdekat")
        await chat.press(
            "1. Pusat Pelatihan Kerja Daerah",
            "Gelombang di Pusat Pelatihan Kerja Daerah",
            "Kuliner Gelombang 1",
        )
        await chat.press("Pilih 1", "Kuliner Gelombang 1", "Sisa kursi")
    budi.press_on(budi.last, "Daftar di gelombang ini")
    await budi.expect("Anda mendapat kursi", "10.00–18.00 WIB")
    siti.press_on(siti.last, "Daftar di gelombang ini")
    await siti.expect("baru saja penuh")
    await siti.press("daftar tunggu", "daftar tunggu, urutan ke-1")

    await budi.send("/jadwal", "kursi sudah pasti", "Kuliner Gelombang 1")
    await budi.press("Batalkan", "Batalkan jadwal Anda?")
    await budi.press("Ya, batalkan", "sudah dibatalkan")
    # Siti is told through the outbox, queued in the cancellation's transaction.
    async with db.transaction() as session:
        notices = (
            await session.execute(
                select(OutboxMessage).where(
                    OutboxMessage.chat_id == siti.user_id, OutboxMessage.kind == "promotion"
                )
            )
        ).scalars()
        assert [json.loads(row.payload)["template"] for row in notices] == ["promotion"]

    await siti.send("/jadwal", "Kuliner Gelombang 1")
    moves = await siti.press("Pindah gelombang", "Pilih gelombang baru", "Kuliner Gelombang 2")
    assert moves.buttons[-1][0] == "⬅️ Kembali ke jadwal"
    await siti.press("Pilih 1", "Jadwal Anda sudah dipindah", "Kuliner Gelombang 2")
    assert (await running_bot.app.services.enrollment.batch(first_batch)).seats_left == 1
    assert (await running_bot.app.services.enrollment.batch(second_batch)).seats_left == 4


async def test_enrolment_needs_a_registration(chat: Chat, running_bot: RunningBot) -> None:
    await add_batch(running_bot.app.db, JAKSEL, 3)
    await chat.send("/blk", "lokasi")
    await chat.send("jaksel", "Mencari")
    await chat.expect("BLK terdekat")
    await chat.press("1. Pusat Pelatihan Kerja Daerah", "Gelombang di")
    await chat.press("Pilih 1", "Sisa kursi")
    await chat.press("Daftar di gelombang ini", "daftar dulu")
    await chat.press("Daftar pelatihan", "Persetujuan")


async def test_forged_and_stale_batch_buttons(
    fake_api: FakeBotAPI, running_bot: RunningBot
) -> None:
    db = running_bot.app.db
    closed = await add_batch(db, JAKSEL, 3, status="closed")
    late = await add_batch(db, JAKSEL, 3, deadline_in=timedelta(hours=-2))
    chat = await registered(fake_api, 5301, "3201011201900001")
    for data, reply in [
        ("g1:go:999999", "tidak ditemukan"),
        (f"g1:go:{closed}", "sudah ditutup"),
        (f"g1:wait:{late}", "Batas waktu"),
        (f"g1:move:{late}", "belum punya jadwal"),
    ]:
        fake_api.callback(chat.user_id, data)
        await chat.expect(reply)
    for forged in ["b1:map:no-such-blk", "b1:bat:no-such-blk", f"g1:pick:{closed}", "p1:99.99"]:
        alert = await chat.answer_to(forged)
        assert alert.params["text"] == "Tombol ini sudah tidak berlaku."
    await chat.send("/jadwal", "belum punya jadwal")


async def test_admin_uploads_a_schedule_and_others_cannot(
    fake_api: FakeBotAPI, running_bot: RunningBot, sender_bot: Bot
) -> None:
    schedule = (
        b"id,blk_id,title,start_date,end_date,daily_start,daily_end,capacity\n"
        b"up-1,ppkd-jakarta-selatan,Kuliner Upload,2027-01-11,2027-01-16,08:00,16:00,20\n"
        b"up-2,no-such-blk,Nowhere,2027-01-11,2027-01-16,08:00,16:00,20\n"
    )
    stranger = Chat(fake_api, user_id=5401)
    fake_api.document(stranger.user_id, schedule, "jadwal.csv")
    await stranger.expect("belum mengerti")
    assert await running_bot.app.services.enrollment.open_batches(JAKSEL) == []

    admin = Chat(fake_api, user_id=ADMIN_ID)
    upload = fake_api.document(admin.user_id, schedule, "jadwal.csv")
    await admin.expect("File diterima dan sedang diproses")
    await imported(fake_api, running_bot, sender_bot, upload)
    report = await admin.expect("Hasil impor", "Ditambah: 1", "Ditolak: 1")
    assert "Baris 3 (no-such-blk" not in report.text and "Baris 3 (up-2)" in report.text
    assert [b.title for b in await running_bot.app.services.enrollment.open_batches(JAKSEL)] == [
        "Kuliner Upload"
    ]
    fake_api.document(admin.user_id, b"nama,alamat\nx,y\n", "lain.csv")
    await admin.expect("tidak dikenali")
    counts = {"added": 1, "updated": 0, "unchanged": 0, "rejected": 1}
    assert await audit_actions(running_bot.app.db) == [
        ("csv.imported", {"kind": "batches", **counts})
    ]
