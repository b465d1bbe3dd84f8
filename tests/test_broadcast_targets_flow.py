"""End to end: /siaran targets typed by name, choices when a name fits several, batch
pickers that leave out ended batches, and a business-matching notice to those who passed
in one business sector. The BLK directory's real rows are loaded beside `build_world`'s
blk-a and blk-b (province 32, Jawa Barat) and blk-c (51)."""

from __future__ import annotations

from datetime import timedelta

from aiogram import Bot
from sqlalchemy import update

from bot.coordinators.roles import Scope
from bot.delivery.sender import Sender
from bot.registration.participants import Sector
from bot.runtime.app import App
from handlers.delivery.templates import notice_renderer
from storage.models import Batch
from tests.clock import NOW
from tests.enrollment_setup import add_batch, register
from tests.fake_bot_api import ApiCall, FakeBotAPI
from tests.harness import ADMIN_ID, Chat, RunningBot
from tests.test_broadcasts import BLK_A, build_world, enroll, register_person
from tests.test_coordinator_flow import COORDINATOR, app_of, committed, outbox
from tests.test_training_flow import JAKSEL


async def start_broadcast(chat: Chat, audience: str, *fragments: str) -> ApiCall:
    """/siaran with a short text, then the audience button; the question that follows."""
    await chat.send("/siaran", "Siaran baru")
    await chat.send("Pelatihan gratis dibuka", "Kepada siapa")
    return await chat.press(audience, *fragments)


async def test_admin_types_a_province_by_name(
    fake_api: FakeBotAPI, running_bot: RunningBot
) -> None:
    app = app_of(running_bot)
    await build_world(app.db, app.services.registrations, app.services.privacy)
    admin = Chat(fake_api, ADMIN_ID)
    provinces = await start_broadcast(admin, "Satu provinsi", "Pilih provinsi, atau ketik namanya")
    assert len(provinces.buttons) == 38
    await admin.send("zzz", "Tidak ditemukan")
    await admin.send("jabar", "Pratinjau")
    await admin.expect("Pelatihan gratis dibuka")
    await admin.expect("peserta di Provinsi Jawa Barat", "<b>Jumlah:</b> 6 orang")
    await admin.press("Kirim", "Terkirim 0 / 6")
    await committed(fake_api)
    assert [row.chat_id for row in await outbox(app)] == [101, 102, 103, 104, 106, 108]


async def test_ambiguous_blk_name_offers_buttons_in_scope_only(
    fake_api: FakeBotAPI, running_bot: RunningBot
) -> None:
    app = app_of(running_bot)
    await build_world(app.db, app.services.registrations, app.services.privacy)
    batch = await add_batch(app.db, "bbpvp-bekasi", 10, title="Menjahit")
    await register_person(app.services.registrations, 120, province="32")
    await enroll(app.db, 120, batch)
    await app.services.roles.grant(ADMIN_ID, COORDINATOR, Scope.province("32"))
    chat = Chat(fake_api, COORDINATOR)
    await start_broadcast(chat, "Peserta satu BLK", "Ketik nama BLK")
    # Semarang's BLKs are in Jawa Tengah: named, refused politely, never offered.
    await chat.send("semarang", "Maaf, «semarang» berada di luar wilayah Anda")
    await chat.send("BBPVP Semarang", "«BBPVP Semarang» berada di luar wilayah Anda")
    choices = await chat.send("bekasi", "Ada beberapa yang cocok")
    labels = [label for label, _ in choices.buttons]
    assert sorted(labels) == [
        "BLK Kabupaten Bekasi (Disnaker Kabupaten Bekasi)",
        "Balai Besar Pelatihan Vokasi dan Produktivitas (BBPVP) Bekasi",
    ]
    await chat.press("Balai Besar Pelatihan Vokasi dan Produktivitas (BBPVP) Bekasi", "Pratinjau")
    await chat.expect("Pelatihan gratis dibuka")
    await chat.expect("peserta gelombang di Balai Besar", "<b>Jumlah:</b> 1 orang")


async def end_batch(app: App, batch_id: int) -> None:
    async with app.db.transaction() as session:
        await session.execute(
            update(Batch)
            .where(Batch.id == batch_id)
            .values(starts_at=NOW - timedelta(days=10), ends_at=NOW - timedelta(days=3))
        )


async def test_ended_batch_is_not_offered(fake_api: FakeBotAPI, running_bot: RunningBot) -> None:
    app = app_of(running_bot)
    world = await build_world(app.db, app.services.registrations, app.services.privacy)
    await end_batch(app, world.batches["a2"])
    await app.services.roles.grant(ADMIN_ID, COORDINATOR, Scope.blk(BLK_A))
    chat = Chat(fake_api, COORDINATOR)
    picker = await start_broadcast(chat, "Peserta satu gelombang", "Pilih gelombang")
    assert [label for label, _ in picker.buttons] == [
        "BLK blk-a · A satu · 24 Des 2026 – 29 Des 2026"
    ]
    await chat.send("A dua", "Tidak ditemukan di wilayah Anda")
    await chat.send("a satu", "Pratinjau")
    await chat.expect("Pelatihan gratis dibuka")
    await chat.expect("peserta gelombang A satu di BLK blk-a", "<b>Jumlah:</b> 2 orang")

    # With every batch of the scope ended there is nothing to pick: the audiences again.
    await end_batch(app, world.batches["a1"])
    await chat.press("Ganti penerima", "Kepada siapa")
    menu = await chat.press("Peserta satu gelombang", "Tidak ada gelombang yang sedang berjalan")
    assert menu.buttons[0][0] == "👥 Semua peserta di wilayah Anda"


async def test_business_matching_reaches_only_the_passed_in_one_sector(
    fake_api: FakeBotAPI, running_bot: RunningBot, sender_bot: Bot
) -> None:
    """A completed batch: Ani passed (food), Bayu passed (fashion), Cici failed (food);
    Dodi (food) waits for a later batch at the same BLK. Only Ani gets the notice."""
    app, clock = app_of(running_bot), running_bot.clock
    done = await add_batch(
        app.db, JAKSEL, 5, starts_in=timedelta(days=2), deadline_in=timedelta(days=1)
    )
    later = await add_batch(
        app.db, JAKSEL, 5, starts_in=timedelta(days=20), deadline_in=timedelta(days=15)
    )
    ani, bayu, cici, dodi = 5301, 5302, 5303, 5304
    people = ((ani, Sector.FOOD, done), (bayu, Sector.FASHION, done))
    people += ((cici, Sector.FOOD, done), (dodi, Sector.FOOD, later))
    for serial, (person, sector, batch) in enumerate(people, start=1):
        await register(app.services.registrations, person, serial, sector=sector)
        await app.services.enrollment.enroll(person, batch, waitlist=False)
    await app.services.roles.grant(ADMIN_ID, COORDINATOR, Scope.blk(JAKSEL))
    clock.set(NOW + timedelta(days=7, hours=10))  # the day after the last training day
    assert await app.services.completion.complete_due() == 1  # nobody checked in: all fail
    results = await app.services.completion.results(COORDINATOR, done)
    seats = {row.full_name: row.enrollment_id for row in results.rows}
    for name in ("Peserta 1", "Peserta 2"):
        await app.services.completion.override(COORDINATOR, done, seats[name], passed=True)

    chat = Chat(fake_api, COORDINATOR)
    await chat.send("/siaran", "Siaran baru")
    await chat.send("Temu usaha kuliner Sabtu ini", "Kepada siapa")
    await chat.press("Lulus pelatihan (temu usaha", "Pratinjau")
    await chat.expect("Temu usaha kuliner Sabtu ini")
    await chat.expect("lulus pelatihan di wilayah Anda", "<b>Jumlah:</b> 2 orang")
    await chat.press("Ganti penerima", "Kepada siapa")
    await chat.press("Lulus pelatihan, satu bidang usaha", "Pilih bidang usaha")
    await chat.press("Kuliner/makanan", "Pratinjau")
    await chat.expect("Temu usaha kuliner Sabtu ini")
    await chat.expect("bidang usaha Kuliner/makanan", "<b>Jumlah:</b> 1 orang")
    await chat.press("Kirim", "Terkirim 0 / 1")
    await committed(fake_api)
    assert [row.chat_id for row in await outbox(app)] == [ani]

    render = notice_renderer(app.services, app.i18n)
    sender = Sender(app.db, sender_bot, render=render, per_chat_interval=0, clock=app.clock)
    await sender.run_once()  # the results notices go too; the broadcast only to Ani
    received = {
        call.chat_id
        for call in fake_api.calls
        if call.method == "sendMessage" and "Temu usaha" in call.params.get("text", "")
    }
    assert received == {COORDINATOR, ani}  # the coordinator's preview, and Ani
