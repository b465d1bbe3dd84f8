"""End to end: /start, /bantuan, /faq, /tanya and /bahasa in the middle of a registration
lead home or to help without losing the answers, and "Lanjutkan" picks up the question
where it stopped; "Mulai dari awal" drops the answers."""

from __future__ import annotations

from aiogram.fsm.storage.base import StorageKey

from handlers.common import paused
from handlers.home import resume
from storage.fsm import TrackedStorage
from tests.fake_bot_api import ApiCall, FakeBotAPI
from tests.harness import Chat, RunningBot
from tests.test_registration_flow import NIK


async def _until_phone(chat: Chat) -> None:
    await chat.send("/daftar", "Persetujuan")
    await chat.press("Saya setuju", "nama lengkap")
    await chat.send("Budi Santoso", "NIK")
    await chat.send(NIK, "12 Januari 1990")
    await chat.press("Benar", "nomor HP")


async def _finish_from_phone(chat: Chat) -> None:
    await chat.send("081234567890", "+62812")
    await chat.expect("provinsi")
    await chat.send("kab bogor", "kondisi usaha")
    await chat.press("Usaha mikro", "bidang")
    await chat.press("Jasa", "PHK")
    await chat.press("Tidak", "Periksa data Anda", "Budi Santoso", "3201********0001")
    await chat.press("Kirim pendaftaran", "Pendaftaran berhasil")


async def _home(chat: Chat) -> ApiCall:
    """/start: greeting, the menu, then the unfinished registration offered again."""
    await chat.send("/start", "gratis")
    menu = await chat.expect("Apa yang ingin Anda lakukan?")
    assert any("Daftar" in label for label, _ in menu.buttons)
    offer = await chat.expect("belum selesai", "tetap tersimpan")
    assert [label for label, _ in offer.buttons] == [
        "▶️ Lanjutkan pendaftaran",
        "🔄 Mulai dari awal",
    ]
    return offer


async def test_start_mid_registration_then_continue(chat: Chat) -> None:
    await _until_phone(chat)
    offer = await _home(chat)
    # At home: the menu and commands work as outside a flow.
    await chat.send("/status", "belum terdaftar")
    chat.press_on(offer, "Lanjutkan pendaftaran")
    await chat.expect("nomor HP")
    await _finish_from_phone(chat)


async def test_daftar_continues_a_registration_put_aside(chat: Chat) -> None:
    """The abandoned-registration nudge says: type /daftar to continue."""
    await _until_phone(chat)
    await _home(chat)
    await chat.send("/daftar", "nomor HP")
    await _finish_from_phone(chat)


async def test_start_over_clears_the_answers(
    chat: Chat, fake_api: FakeBotAPI, running_bot: RunningBot
) -> None:
    await _until_phone(chat)
    await _home(chat)
    await chat.press("Mulai dari awal", "Persetujuan")
    assert running_bot.app is not None and isinstance(running_bot.app.storage, TrackedStorage)
    key = StorageKey(bot_id=fake_api.bot_id, chat_id=chat.user_id, user_id=chat.user_id)
    answers = await running_bot.app.storage.get_data(key)
    assert "nik" not in answers and "full_name" not in answers
    await chat.press("Saya setuju", "nama lengkap")


async def test_help_mid_registration_then_continue(chat: Chat) -> None:
    await _until_phone(chat)
    help_text = await chat.send("/bantuan", "<b>Bantuan</b>")
    assert [label for label, _ in help_text.buttons][-1] == "▶️ Lanjutkan pendaftaran"
    await chat.press("Lanjutkan pendaftaran", "nomor HP")
    # The flow never left: a typed answer works too.
    await chat.send("/bantuan", "<b>Bantuan</b>")
    await _finish_from_phone(chat)


async def test_faq_and_a_question_to_staff_mid_registration(chat: Chat) -> None:
    await _until_phone(chat)
    topics = await chat.send("/faq", "Pertanyaan umum")
    await chat.expect("tetap tersimpan")
    # The FAQ's buttons work inside the flow too.
    chat.press_on(topics, topics.buttons[0][0])
    await chat.expect()
    await chat.send("/tanya", "Tanya petugas")
    await chat.send("Apakah pelatihan ada di hari Sabtu?", "Pertanyaan Anda terkirim")
    await chat.expect("tetap tersimpan")
    await chat.press("Lanjutkan pendaftaran", "nomor HP")
    # "Tanya petugas" under the help works there too.
    await chat.send("/bantuan", "<b>Bantuan</b>")
    await chat.press("Tanya petugas", "Tanya petugas")
    await chat.send("Di mana lokasi BLK Bogor?", "Pertanyaan Anda terkirim")
    await chat.expect("tetap tersimpan")
    await chat.press("Lanjutkan pendaftaran", "nomor HP")
    await _finish_from_phone(chat)


async def test_language_mid_registration_asks_the_question_again(chat: Chat) -> None:
    await _until_phone(chat)
    await chat.send("/bahasa", "Pilih bahasa")
    await chat.press("English", "Language changed to English")
    await chat.expect("mobile number")


def test_every_resumable_flow_can_be_continued_and_restarted() -> None:
    """The labels, the repeat and the restart tables name the same flows."""
    assert set(paused.RESUMABLE) == set(resume.REPEAT) == set(resume.RESTART)
