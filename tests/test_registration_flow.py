"""End to end through the fake Bot API: a new user registers, as they would on a phone."""

from __future__ import annotations

from datetime import timedelta

from storage.fsm import TrackedStorage
from tests.clock import telegram_dates_follow
from tests.fake_bot_api import FakeBotAPI
from tests.harness import NOW, Chat, RunningBot
from tests.my_data import my_data

NIK = "3201011201900001"  # Kab. Bogor, man born 12 Jan 1990


async def register_until_review(chat: Chat, nik: str = NIK) -> None:
    await chat.send("/daftar", "Persetujuan penggunaan data pribadi", "24 bulan")
    await chat.press("Saya setuju", "nama lengkap")
    await chat.send("Budi Santoso", "NIK")
    await chat.send(nik, "Jumat, 12 Januari 1990", "Laki-laki")
    await chat.press("Benar", "nomor HP")
    assert chat.last is not None and chat.last.keyboard_kind == "reply"
    assert chat.last.reply_markup["keyboard"][0][0]["request_contact"] is True
    chat.fake.contact(chat.user_id, "6281234567890")
    await chat.expect("+62812")
    await chat.expect("provinsi")
    await chat.press("Jawa Barat", "kabupaten/kota", "Jawa Barat")
    await chat.press("Kab. Bogor", "kondisi usaha")
    await chat.press("Usaha mikro", "bidang usaha")
    await chat.press("Kuliner", "PHK")
    await chat.press("Ya", "Kapan Anda terkena PHK")
    await chat.press("Maret 2026", "Periksa data Anda")


async def test_full_registration_and_status(chat: Chat) -> None:
    await chat.send("/start", "gratis")
    await chat.expect("Apa yang ingin Anda lakukan?")
    await register_until_review(chat)
    review = chat.last.text
    assert "3201********0001" in review and NIK not in review
    assert "Kabupaten Bogor, Jawa Barat" in review
    assert "Ya, sejak Maret 2026" in review
    saved = await chat.press("Kirim pendaftaran", "Pendaftaran berhasil", "BLK-")
    code = saved.text.split("BLK-")[1][:6]
    status = await chat.send("/status", f"BLK-{code}", "3201********0001", "+62812")
    assert NIK not in status.text and "6281234567890" not in status.text


async def test_registration_from_the_menu_button(chat: Chat) -> None:
    await chat.send("/start", "gratis")
    menu = await chat.expect("Apa yang ingin Anda lakukan?")
    chat.press_on(menu, "Daftar pelatihan")
    await chat.expect("Persetujuan penggunaan data pribadi")


async def test_wrong_answers_get_a_reason_and_the_same_question(chat: Chat) -> None:
    await chat.send("/daftar", "Persetujuan")
    await chat.send("ya", "pilih salah satu tombol")
    await chat.expect("Persetujuan")
    await chat.press("Saya setuju", "nama lengkap")
    await chat.send("B", "terlalu pendek")
    await chat.expect("nama lengkap")
    await chat.send("Budi 123", "hanya boleh berisi huruf")
    await chat.expect("nama lengkap")
    await chat.send("Budi Santoso", "NIK")
    for wrong, reason in [
        ("3201", "Anda mengetik 4 digit"),
        ("32010112019000O1", "hanya berisi angka"),
        ("9901011201900001", "kode provinsi"),
        ("3200011201900001", "kabupaten/kota atau kecamatan"),
        ("3201013202900001", "bukan tanggal yang benar"),
        ("3201011201900000", "tidak boleh 0000"),
    ]:
        await chat.send(wrong, reason)
        await chat.expect("Tulis <b>NIK</b>")
    await chat.send("3201 0112 0190 0001", "12 Januari 1990")
    await chat.press("Benar", "nomor HP")
    for wrong, reason in [
        ("0812", "Jumlah digit"),
        ("+44 20 7946 0958", "nomor Indonesia"),
        ("021 555 1234", "nomor telepon rumah"),
        ("halo", "bukan nomor telepon"),
    ]:
        await chat.send(wrong, reason)
        await chat.expect("nomor HP")
    chat.fake.contact(chat.user_id, "6281298765432", contact_user_id=chat.user_id + 1)
    await chat.expect("kontak orang lain")
    await chat.expect("nomor HP")
    await chat.send("0812-3456-7890", "+62812")
    await chat.expect("provinsi")
    await chat.send("qwertyuiop", "tidak menemukan daerah")
    await chat.expect("provinsi")
    await chat.send("bekasi", "Maksud Anda")
    await chat.press("Kota Bekasi", "kondisi usaha")
    chat.fake.sticker(chat.user_id)
    await chat.expect("hanya bisa membaca teks")
    await chat.expect("kondisi usaha")
    await chat.send("/status", "sedang mengisi pendaftaran")
    await chat.expect("kondisi usaha")
    await chat.press("Belum punya usaha", "bidang usaha")
    await chat.press("Jasa", "PHK")
    await chat.press("Ya", "Kapan")
    for wrong, reason in [("kemarin", "tidak mengenali"), ("12/2026", "belum terjadi")]:
        await chat.send(wrong, reason)
        await chat.expect("Kapan")
    await chat.send("Agustus 2023", "Periksa data Anda", "Kota Bekasi", "Agustus 2023")


async def test_typed_places_with_aliases_and_typos(chat: Chat) -> None:
    await register_until_review(chat)
    await chat.press("Domisili", "provinsi")
    await chat.send("jogja", "kabupaten/kota", "Daerah Istimewa Yogyakarta")
    await chat.send("kota jogja", "Periksa data Anda", "Kota Yogyakarta")
    await chat.press("Domisili", "provinsi")
    await chat.send("jawa timur", "kabupaten/kota", "Jawa Timur")
    await chat.send("Surabya", "Periksa data Anda", "Kota Surabaya, Jawa Timur")
    await chat.press("Domisili", "provinsi")
    await chat.send("kab bekasi", "Periksa data Anda", "Kabupaten Bekasi, Jawa Barat")


async def test_edit_from_review_returns_to_review(chat: Chat) -> None:
    await register_until_review(chat)
    await chat.press("Nama", "nama lengkap")
    await chat.send("Budi Santoso Putra", "Periksa data Anda", "Budi Santoso Putra")
    await chat.press("PHK", "PHK")
    await chat.press("Tidak", "Periksa data Anda", "Terkena PHK: Tidak")


async def test_forged_and_stale_buttons_are_refused_politely(
    chat: Chat, fake_api: FakeBotAPI
) -> None:
    await register_until_review(chat)
    stale = chat.last.button_data("Kirim pendaftaran").replace("ok", "pv")
    for forged in [
        "r1:pv:99",
        "r1:rc:31.71",
        "r1:ed:nik2",
        "r1:pm:1999-01",
        "m1:nope",
        "zz",
        stale,
    ]:
        alert = await chat.answer_to(forged)
        assert alert.params["text"] == "Tombol ini sudah tidak berlaku."
        assert alert.params["show_alert"] is True
        await chat.expect("Periksa data Anda")
    await chat.press("Kirim pendaftaran", "Pendaftaran berhasil")
    alert = await chat.answer_to("r1:ok:1")
    assert alert.params["text"] == "Tombol ini sudah tidak berlaku."
    await chat.send("/status", "Pendaftaran Anda")


async def test_restart_in_the_middle_resumes_at_the_same_question(
    chat: Chat, running_bot: RunningBot
) -> None:
    await chat.send("/daftar", "Persetujuan")
    await chat.press("Saya setuju", "nama lengkap")
    await chat.send("Budi Santoso", "NIK")
    await chat.send(NIK, "12 Januari 1990")
    await chat.press("Benar", "nomor HP")
    await running_bot.restart()
    await chat.send("081234567890", "+62812")
    await chat.expect("provinsi")
    await chat.send("kab bogor", "kondisi usaha")
    await chat.press("Usaha mikro", "bidang")
    await chat.press("Jasa", "PHK")
    await chat.press("Tidak", "Budi Santoso", "3201********0001", "Kabupaten Bogor")


async def test_second_account_with_the_same_nik_is_refused(
    chat: Chat, fake_api: FakeBotAPI
) -> None:
    await register_until_review(chat)
    await chat.press("Kirim pendaftaran", "Pendaftaran berhasil")
    other = Chat(fake_api, user_id=6001)
    await other.send("/daftar", "Persetujuan")
    await other.press("Saya setuju", "nama lengkap")
    await other.send("Andi", "NIK")
    refused = await other.send(NIK, "tidak dapat kami terima")
    assert "Budi" not in refused.text and "BLK-" not in refused.text
    assert "dipakai" not in refused.text and "terdaftar" not in refused.text
    await other.expect("Tulis <b>NIK</b>")
    await chat.send("/daftar", "sudah terdaftar")


async def test_erase_my_data(chat: Chat, fake_api: FakeBotAPI) -> None:
    await register_until_review(chat)
    await chat.press("Kirim pendaftaran", "Pendaftaran berhasil")
    _, exported = await my_data(chat)
    assert exported["registration"]["nik"] == NIK
    await chat.send("/hapusdata", "Hapus <b>semua</b> data")
    await chat.press("Tidak", "tetap tersimpan")
    await chat.send("/hapusdata", "Hapus")
    await chat.press("Ya, hapus", "telah dihapus")
    await chat.send("/status", "belum terdaftar")
    await chat.send("/datasaya", "tidak menyimpan data")
    other = Chat(fake_api, user_id=6001)
    await register_until_review(other)
    await other.press("Kirim pendaftaran", "Pendaftaran berhasil")


async def test_erasing_during_a_registration_clears_the_draft(chat: Chat) -> None:
    """The draft holds the NIK; with TEST_REDIS_URL it lives in Redis and still goes."""
    confirm = await chat.send("/hapusdata", "Hapus")
    await chat.send("/daftar", "Persetujuan")
    await chat.press("Saya setuju", "nama lengkap")
    await chat.send("Budi Santoso", "NIK")
    await chat.send(NIK, "Jumat, 12 Januari 1990")
    chat.press_on(confirm, "Ya, hapus")
    await chat.expect("telah dihapus")
    await chat.send("Budi", "belum mengerti")


async def test_an_abandoned_registration_is_nudged_then_erased(
    chat: Chat, running_bot: RunningBot, fake_api: FakeBotAPI
) -> None:
    """Both jobs find the draft through the conversation activity, Redis or not."""
    assert running_bot.app is not None
    telegram_dates_follow(fake_api, running_bot.clock)
    storage, services = running_bot.app.storage, running_bot.app.services
    assert isinstance(storage, TrackedStorage)
    await chat.send("/daftar", "Persetujuan")
    await chat.press("Saya setuju", "nama lengkap")
    await chat.send("Budi Santoso", "NIK")

    running_bot.clock.set(NOW + timedelta(hours=25))
    assert await services.reminders.remind_abandoned() == 1
    running_bot.clock.set(NOW + timedelta(days=2 * 365 + 31))
    # Someone else writes: Telegram's date on it vouches for the clock (bot.clock_sanity).
    await Chat(fake_api, 5002).send("/bantuan")
    assert (await services.privacy.erase_expired()).conversations == 1
    await chat.send("Budi", "belum mengerti")


async def test_cancel_and_decline(chat: Chat) -> None:
    await chat.send("/batal", "Tidak ada langkah")
    await chat.expect("Apa yang ingin")
    await chat.send("/daftar", "Persetujuan")
    await chat.press("Tidak setuju", "tidak ada data yang kami simpan")
    await chat.send("/daftar", "Persetujuan")
    await chat.press("Saya setuju", "nama lengkap")
    await chat.send("/batal", "Dibatalkan")
    await chat.expect("Apa yang ingin")
    await chat.send("Budi", "belum mengerti")


async def test_english_from_telegram_language_and_bahasa_command(
    fake_api: FakeBotAPI, running_bot: RunningBot
) -> None:
    english = Chat(fake_api, user_id=7001, language="en")
    await english.send("/start", "free")
    await english.expect("What would you like to do?")
    await english.send("/bahasa", "Choose a language")
    await english.press("Bahasa Indonesia", "Bahasa diubah")
    await english.send("/daftar", "Persetujuan")


async def test_commands_are_published_in_both_languages(
    fake_api: FakeBotAPI, running_bot: RunningBot
) -> None:
    calls = [c for c in fake_api.calls if c.method == "setMyCommands"]
    assert {c.params.get("language_code") for c in calls} == {None, "en"}
    default = next(c for c in calls if c.params.get("language_code") is None)
    assert {"command": "daftar", "description": "Daftar pelatihan kewirausahaan"} in default.params[
        "commands"
    ]
