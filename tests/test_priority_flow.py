"""End to end: a priority person who joins the waitlist later gets the seat that comes free
before a non-priority person who waited longer, and is told."""

from __future__ import annotations

from aiogram import Bot

from bot.delivery.sender import Sender
from bot.registration.participants import BusinessStatus
from handlers.delivery.templates import notice_renderer
from tests.enrollment_setup import add_batch, register
from tests.fake_bot_api import FakeBotAPI
from tests.harness import Chat, RunningBot
from tests.test_registration_flow import register_until_review

JAKSEL = "ppkd-jakarta-selatan"
HOLDER, WAITING, PRIORITY = 5401, 5402, 5403


async def test_a_freed_seat_goes_to_the_priority_person_waiting(
    fake_api: FakeBotAPI, running_bot: RunningBot, sender_bot: Bot
) -> None:
    app = running_bot.app
    services = app.services
    batch = await add_batch(running_bot.app.db, JAKSEL, capacity=1, title="Kuliner Prioritas")
    await register(services.registrations, HOLDER, 1, business=BusinessStatus.MICRO)
    await register(services.registrations, WAITING, 2, business=BusinessStatus.MEDIUM)
    await services.enrollment.enroll(HOLDER, batch, waitlist=False)
    waiting = await services.enrollment.enroll(WAITING, batch, waitlist=True)
    assert (waiting.status, waiting.position) == ("waitlisted", 1)

    # Registered in chat as a micro business laid off (PHK): a priority person.
    siti = Chat(fake_api, user_id=PRIORITY)
    await register_until_review(siti, nik="3201011201900003")
    await siti.press("Kirim pendaftaran", "Pendaftaran berhasil")
    await siti.send("/kelayakan", "termasuk prioritas", "Arti prioritas", "tidak menyisihkan kursi")
    await siti.send("/blk", "lokasi")
    await siti.send("jaksel", "Mencari")
    await siti.expect("BLK terdekat")
    await siti.press("1. Pusat Pelatihan Kerja Daerah", "Kuliner Prioritas")
    await siti.press("Pilih 1", "Kuliner Prioritas")
    await siti.press("Masuk daftar tunggu", "daftar tunggu, urutan ke-1", "didahulukan")
    assert (await services.enrollment.placement(WAITING)).position == 2

    holder = Chat(fake_api, user_id=HOLDER)
    await holder.send("/jadwal", "kursi sudah pasti", "Kuliner Prioritas")
    await holder.press("Batalkan", "Batalkan jadwal Anda?")
    await holder.press("Ya, batalkan", "sudah dibatalkan")
    # The notice was queued in the cancellation's transaction; sent as `blk-bot run` sends it.
    render = notice_renderer(services, app.i18n)
    await Sender(app.db, sender_bot, render=render, per_chat_interval=0, clock=app.clock).run_once()
    await siti.expect("Kabar baik", "kursi sudah pasti", "Kuliner Prioritas")
    assert (await services.enrollment.placement(PRIORITY)).status == "active"
    assert (await services.enrollment.placement(WAITING)).position == 1

    # Leaving the waitlist speaks of the place in it, not of a seat; /jadwal leads home.
    waiting = Chat(fake_api, user_id=WAITING)
    await waiting.send("/jadwal", "daftar tunggu, urutan ke-1")
    assert [label for label, _ in waiting.last.buttons][-1] == "⬅️ Menu utama"
    question = await waiting.press("Batalkan", "Keluar dari daftar tunggu?")
    assert "Kursi" not in (question.text or "")
    assert [label for label, _ in question.buttons] == [
        "Ya, keluar dari daftar tunggu",
        "Tidak, tetap menunggu",
    ]
    await waiting.press("Ya, keluar", "sudah keluar dari daftar tunggu")
    assert await services.enrollment.placement(WAITING) is None
    await holder.send("/jadwal", "belum punya jadwal")
    menu = await holder.press("Menu utama", "Apa yang ingin Anda lakukan?")
    assert not any("Daftar" in label for label, _ in menu.buttons)  # registered
