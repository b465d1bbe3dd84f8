"""End to end: after registering, and in /status, the bot says what comes next with
buttons; the menu stops offering "Daftar"; the BLK list says which BLKs have open
batches and how many seats; every BLK and batch page has a way back."""

from __future__ import annotations

from tests.enrollment_setup import add_batch
from tests.harness import Chat, RunningBot
from tests.test_registration_flow import register_until_review


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
