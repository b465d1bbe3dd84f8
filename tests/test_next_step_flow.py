"""End to end: after registering, and in /status, the bot says what comes next with
buttons; the menu stops offering "Daftar"; the BLK list says which BLKs have open
batches and how many seats; every BLK and batch page has a way back; "Beri tahu saya" at a
BLK with no open batch brings one notice when a batch opens there."""

from __future__ import annotations

from aiogram import Bot

from bot.delivery.sender import Sender
from handlers.delivery.templates import notice_renderer
from tests.enrollment_setup import add_batch
from tests.fake_bot_api import FakeBotAPI
from tests.harness import Chat, RunningBot
from tests.test_registration_flow import register_until_review
from tests.test_training_flow import JAKSEL

JAKSEL_NAME = "Pusat Pelatihan Kerja Daerah (PPKD) Jakarta Selatan"


async def test_next_step_after_registration_and_in_status(
    chat: Chat, running_bot: RunningBot
) -> None:
    assert running_bot.app is not None
    await register_until_review(chat)  # domicile: Kabupaten Bogor
    saved = await chat.press("Kirim pendaftaran", "Pendaftaran berhasil", "Langkah berikutnya")
    assert [label for label, _ in saved.buttons] == [
        "📅 Pilih gelombang di dekat Anda",
        "📍 Cari BLK di tempat lain",
    ]
    found = await chat.press("Pilih gelombang di dekat Anda", "hasil untuk Kabupaten Bogor")
    assert "Belum ada gelombang yang dibuka" in (found.text or "")
    first = found.buttons[0][1]
    assert first is not None
    blk_id = first.split(":")[-1]
    await add_batch(running_bot.app.db, blk_id, capacity=5, title="Kuliner Bogor")

    await chat.send("/status", "Pendaftaran Anda", "Langkah berikutnya", "pilih gelombang")
    found = await chat.press("Pilih gelombang di dekat Anda", "hasil untuk Kabupaten Bogor")
    assert "Gelombang dibuka: 1 · sisa kursi: 5" in (found.text or "")
    page = await chat.press(found.buttons[0][0], "Kuliner Bogor")
    assert [label for label, _ in page.buttons] == [
        "Pilih 1",
        "📍 Lokasi BLK",
        "⬅️ BLK di sekitarnya",
    ]
    batch = await chat.press("Pilih 1", "Kuliner Bogor", "Sisa kursi")
    assert [label for label, _ in batch.buttons][-1] == "⬅️ Kembali ke daftar gelombang"
    await chat.press("Kembali ke daftar gelombang", "Kuliner Bogor")
    await chat.press("BLK di sekitarnya", "BLK terdekat", "hasil untuk")
    chat.press_on(batch, "Daftar di gelombang ini")
    await chat.expect("Anda mendapat kursi")

    status = await chat.send("/status", "Langkah berikutnya", "kursi Anda sudah pasti")
    assert [label for label, _ in status.buttons] == ["📅 Jadwal saya", "📍 Cari BLK terdekat"]
    await chat.press("Jadwal saya", "Kuliner Bogor")

    await chat.send("/start", "gratis")
    menu = await chat.expect("Apa yang ingin Anda lakukan?")
    assert not any("Daftar" in label for label, _ in menu.buttons)


async def test_the_menu_offers_registration_to_newcomers(chat: Chat) -> None:
    await chat.send("/start", "gratis")
    menu = await chat.expect("Apa yang ingin Anda lakukan?")
    assert menu.buttons[0][0] == "📝 Daftar pelatihan"


def _schedule(*rows: str) -> bytes:
    header = "id,blk_id,title,start_date,end_date,daily_start,daily_end,capacity,status"
    return "\n".join([header, *rows]).encode()


async def test_notify_me_then_a_batch_opens_once(
    chat: Chat, fake_api: FakeBotAPI, running_bot: RunningBot, sender_bot: Bot
) -> None:
    """ "Beri tahu saya" at a BLK with no open batch: the batch that opens there later is
    told once, through the outbox; re-importing it, or another batch, tells nothing more."""
    app = running_bot.app
    assert app is not None
    await chat.send("/blk", "lokasi")
    await chat.send("jaksel", "Mencari")
    await chat.expect(
        "hasil untuk Kota Administrasi Jakarta Selatan", "Belum ada gelombang yang dibuka"
    )
    page = await chat.press(f"1. {JAKSEL_NAME}", "Belum ada gelombang yang dibuka")
    assert [label for label, _ in page.buttons] == [
        "🔔 Beri tahu saya",
        "📍 Lokasi BLK",
        "⬅️ BLK di sekitarnya",
    ]
    started = await chat.press("Beri tahu saya", "kami akan memberi tahu Anda satu kali")
    assert started.buttons[0][0] == "🔕 Berhenti memberi tahu"
    await chat.press("BLK di sekitarnya", "hasil untuk Kota Administrasi Jakarta Selatan")
    again = await chat.press(f"1. {JAKSEL_NAME}", "Belum ada gelombang yang dibuka")
    assert again.buttons[0][0] == "🔕 Berhenti memberi tahu"  # the page knows the watch
    chat.press_on(page, "Beri tahu saya")  # the older page's button
    await chat.expect("sudah terdaftar untuk diberi tahu")
    await chat.press("Berhenti memberi tahu", "tidak akan memberi tahu Anda lagi", JAKSEL_NAME)
    await chat.press("Beri tahu saya", "kami akan memberi tahu Anda satu kali")
    # /jadwal lists the watch with a button to stop it, and leads back to the menu.
    schedule = await chat.send("/jadwal", "belum punya jadwal", "menunggu kabar gelombang baru")
    labels = [label for label, _ in schedule.buttons]
    assert labels[0] == "📍 Cari BLK terdekat" and labels[-1] == "⬅️ Menu utama"
    assert labels[1].startswith("🔕 Berhenti: Pusat Pelatihan Kerja") and len(labels) == 3
    await chat.press("Menu utama", "Apa yang ingin Anda lakukan?")

    closed = f"w-1,{JAKSEL},Kuliner Baru,2027-01-11,2027-01-16,08:00,16:00,20,closed"
    await app.services.batch_importer.import_csv(_schedule(closed))
    assert await _deliver(running_bot, sender_bot) == 0  # registration not open yet

    opened = closed.replace(",closed", ",open")
    await app.services.batch_importer.import_csv(_schedule(opened))
    assert await _deliver(running_bot, sender_bot) == 1
    notice = await chat.expect("Gelombang baru dibuka", JAKSEL_NAME, "Kuliner Baru")
    await chat.press("Lihat gelombang ini", "Kuliner Baru", "Sisa kursi")

    another = f"w-2,{JAKSEL},Jahit,2027-02-01,2027-02-06,08:00,16:00,20,open"
    await app.services.batch_importer.import_csv(_schedule(opened, another))
    assert await _deliver(running_bot, sender_bot) == 0
    assert [c for c in fake_api.unconsumed(chat.user_id) if c.method == "sendMessage"] == []
    assert notice.params["chat_id"] == chat.user_id


async def _deliver(running_bot: RunningBot, bot: Bot) -> int:
    """Everything due in the outbox, sent as `blk-bot run` sends it."""
    app = running_bot.app
    assert app is not None
    render = notice_renderer(app.services, app.i18n)
    return await Sender(app.db, bot, render=render, per_chat_interval=0, clock=app.clock).run_once()
