"""End to end: the "Terdampak PHK" pathway, its summary and JKP facts, registration with the
PHK answers filled in, erasure, and /statistik for coordinators."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.coordinators.roles import Scope
from bot.runtime.app import App
from handlers.common.callbacks import PhkAction, PhkActionCb, PhkCb, PhkStep
from storage.models import PhkProfile, Registration
from tests.enrollment_setup import register
from tests.fake_bot_api import ApiCall, FakeBotAPI
from tests.harness import ADMIN_ID, Chat, RunningBot
from tests.my_data import my_data
from tests.test_broadcasts import BLK_A, build_world
from tests.test_registration_flow import NIK
from tests.test_statistics import add_pathway_answers

STALE = "Tombol ini sudah tidak berlaku."


@pytest.fixture
def app(running_bot: RunningBot) -> App:
    """The running bot's services (on the tests' fixed "now", `tests.clock.NOW`)."""
    assert running_bot.app is not None
    return running_bot.app


@pytest.fixture
def person(fake_api: FakeBotAPI, app: App) -> Chat:
    return Chat(fake_api, user_id=5001)


async def start_pathway(chat: Chat) -> ApiCall:
    """/phk; the introduction (with its JKP button) is returned."""
    intro = await chat.send("/phk", "Terdampak PHK?", "5 pertanyaan", "24 bulan")
    await chat.expect("1/5", "Kapan Anda terkena PHK")
    return intro


async def complete_pathway(chat: Chat) -> str:
    """PHK in May 2026, food sector, a business idea, both kinds of help; the summary."""
    await start_pathway(chat)
    await chat.press("Mei 2026", "2/5")
    await chat.press("Kuliner/makanan", "3/5")
    await chat.send("menjahit & memasak", "4/5")
    await chat.press("Punya ide usaha", "5/5")
    summary = await chat.press("Pendampingan usaha dan info permodalan", "Ringkasan untuk Anda")
    return summary.text or ""


async def register_until_domicile(chat: Chat) -> None:
    """From the summary's "Daftar pelatihan" to the question about the province."""
    await chat.press("Daftar pelatihan", "Persetujuan penggunaan data pribadi")
    await chat.press("Saya setuju", "nama lengkap")
    await chat.send("Budi Santoso", "NIK")
    await chat.send(NIK, "12 Januari 1990")
    await chat.press("Benar", "nomor HP")
    await chat.send("081234567890", "+62812")
    await chat.expect("provinsi")


async def profile_of(app: App, telegram_id: int) -> PhkProfile | None:
    async with app.db.transaction() as session:
        return await session.get(PhkProfile, telegram_id)


async def test_pathway_summary_and_registration_with_phk_prefilled(person: Chat, app: App) -> None:
    summary = await complete_pathway(person)
    for fragment in (
        "Terkena PHK: Mei 2026",
        "Kuliner/makanan",
        "menjahit &amp; memasak",
        "Punya ide usaha",
        "Pelatihan kewirausahaan gratis di BLK",
        "Prioritas untuk Anda",
        "Sejahtera dengan Kerja Wirausaha",
        "Pendampingan usaha</b>",
        "Akses pasar</b>",
        "Informasi bantuan permodalan</b>",
        "Sumber: alamsakti.com · dicek 25 Nov 2026",
        "sekitar sampai November 2026",
    ):
        assert fragment in summary
    assert [label for label, _ in person.last.buttons] == [
        "📝 Daftar pelatihan",
        "📍 Cari BLK terdekat",
        "ℹ️ Tentang JKP",
        "🧭 Langkah berikutnya",
        "🙋 Tanya petugas",
    ]
    assert person.last.button_data("Tanya petugas") == "t0:phk"
    profile = await profile_of(app, person.user_id)
    assert profile is not None
    assert (profile.phk_month.isoformat(), profile.previous_sector, profile.skills) == (
        "2026-05-01",
        "food",
        "menjahit & memasak",
    )
    assert (profile.business_status, profile.wants_counselling, profile.wants_capital_info) == (
        "idea",
        True,
        True,
    )

    await register_until_domicile(person)
    # A business idea is "no business yet": straight to the sector; PHK is not asked again.
    await person.send("kab bogor", "bidang usaha")
    review = await person.press("Kuliner", "Periksa data Anda")
    assert "Ya, sejak Mei 2026" in review.text and "Belum punya usaha" in review.text
    await person.press("Kirim pendaftaran", "Pendaftaran berhasil")
    async with app.db.transaction() as session:
        row = (
            await session.execute(
                select(Registration).where(Registration.telegram_id == person.user_id)
            )
        ).scalar_one()
    assert (row.phk_affected, row.phk_month.isoformat(), row.business_status) == (
        True,
        "2026-05-01",
        "none",
    )


async def test_a_running_business_is_asked_and_phk_can_still_be_edited(person: Chat) -> None:
    await start_pathway(person)
    await person.press("Mei 2026", "2/5")
    await person.press("Jasa", "3/5")
    await person.send("mengemudi", "4/5")
    await person.press("Usaha sudah berjalan", "5/5")
    await person.press("Belum perlu", "Ringkasan untuk Anda")
    await register_until_domicile(person)
    await person.send("kab bogor", "kondisi usaha")
    await person.press("Usaha mikro", "bidang usaha")
    await person.press("Jasa", "Periksa data Anda", "Ya, sejak Mei 2026")
    await person.press("PHK", "Apakah Anda terkena PHK")
    await person.press("Ya", "Kapan Anda terkena PHK")
    await person.press("Maret 2026", "Periksa data Anda", "Ya, sejak Maret 2026")


async def test_jkp_facts_with_sources_from_the_intro_and_the_summary(
    person: Chat, fake_api: FakeBotAPI, app: App
) -> None:
    intro = await start_pathway(person)
    person.press_on(intro, "Tentang JKP")
    facts = await person.expect("JKP — Jaminan Kehilangan Pekerjaan", "PP 6/2025")
    for fragment in (
        "60% dari upah terakhir",
        "Rp5.000.000",
        "Rp3.000.000 per bulan",
        "12 bulan dalam 24 bulan terakhir",
        "6 bulan berturut-turut",
        "pengunduran diri, pensiun",
        "paling lambat 6 bulan setelah PHK",
        "SIAPkerja",
        "Sumber: PP 6/2025; tirto.id, okezone.com (Feb 2025) · dicek 25 Nov 2026",
    ):
        assert fragment in facts.text
    # Asked mid-pathway: the open question comes again, and the pathway goes on.
    await person.expect("1/5")
    await person.press("Mei 2026", "2/5")

    english = Chat(fake_api, user_id=5002, language="en")
    intro = await english.send("/phk", "Affected by a layoff")
    await english.expect("1/5", "When were you laid off")
    english.press_on(intro, "About JKP")
    await english.expect(
        "60% of the last reported wage", "Rp5,000,000", "Source: PP 6/2025", "checked 25 Nov 2026"
    )


async def test_menu_button_opens_the_pathway(person: Chat) -> None:
    await person.send("/start", "gratis")
    menu = await person.expect("Apa yang ingin Anda lakukan?")
    person.press_on(menu, "Terdampak PHK")
    await person.expect("Terdampak PHK?")
    await person.expect("1/5")


async def test_cancel_mid_pathway_keeps_nothing(person: Chat, app: App) -> None:
    await start_pathway(person)
    await person.press("Mei 2026", "2/5")
    sectors = person.last
    await person.press("Jasa", "3/5")
    await person.send("/batal", "Dibatalkan")
    await person.expect("Apa yang ingin Anda lakukan?")
    assert await profile_of(app, person.user_id) is None
    assert sectors is not None
    alert = await person.answer_to(sectors.button_data("Kuliner/makanan"))
    assert alert.params["text"] == STALE


async def test_wrong_answers_get_a_reason_and_the_same_question(person: Chat) -> None:
    await start_pathway(person)
    await person.send("kemarin", "tidak mengenali")
    await person.expect("1/5")
    await person.send("12/2027", "belum terjadi")
    await person.expect("1/5")
    await person.send("Agustus 2023", "2/5")
    await person.send("pabrik", "pilih salah satu tombol")
    await person.expect("2/5")
    await person.press("Jasa", "3/5")
    await person.send("a", "Terlalu pendek", "2 huruf")
    await person.expect("3/5")
    await person.send("x" * 101, "Terlalu panjang", "100 karakter")
    await person.expect("3/5")
    person.fake.sticker(person.user_id)
    await person.expect("hanya bisa membaca teks")
    await person.expect("3/5")
    await person.send("/status", "jalur Terdampak PHK")
    await person.expect("3/5")
    await person.press("Kembali", "2/5")
    await person.press("Kuliner/makanan", "3/5")
    await person.send("memasak", "4/5")
    await person.press("Kembali", "3/5")
    await person.send("memasak kue", "4/5")
    await person.press("Belum keduanya", "5/5")
    summary = await person.press("Belum perlu", "Ringkasan untuk Anda", "Agustus 2023")
    assert "kemungkinan sudah lewat" in summary.text
    assert "Akses pasar" not in summary.text and "permodalan</b>" not in summary.text


async def test_forged_buttons_get_the_stale_alert(person: Chat, app: App) -> None:
    await person.send("/start", "gratis")
    await person.expect("Apa yang ingin Anda lakukan?")
    register = PhkActionCb(action=PhkAction.REGISTER).pack()
    for forged in (register, PhkCb(step=PhkStep.WISH, value="both").pack()):
        alert = await person.answer_to(forged)
        assert alert.params["text"] == STALE
    await start_pathway(person)
    for forged in ("r1:pm:1999-01", "r1:sc:food", "ph1:bs:idea", "ph1:wi:rich", "zz"):
        alert = await person.answer_to(forged)
        assert alert.params["text"] == STALE and alert.params["show_alert"] is True
        await person.expect("1/5")
    await person.press("Mei 2026", "2/5")
    await person.press("Jasa", "3/5")
    await person.send("memasak", "4/5")
    alert = await person.answer_to("ph1:bs:rich")
    assert alert.params["text"] == STALE
    await person.expect("4/5")
    assert await profile_of(app, person.user_id) is None


async def test_my_data_shows_and_erase_removes_the_pathway_answers(person: Chat, app: App) -> None:
    await complete_pathway(person)
    summary = person.last
    await person.press("Cari BLK terdekat", "Kirim <b>lokasi</b>")
    await person.send("/batal", "Dibatalkan")
    await person.expect("Apa yang ingin Anda lakukan?")
    _, exported = await my_data(person)
    assert exported["registration"] is None
    assert exported["phk_pathway"]["skills"] == "menjahit & memasak"
    assert exported["phk_pathway"]["wants_capital_info"] is True
    await person.send("/hapusdata", "Hapus")
    await person.press("Ya, hapus", "telah dihapus")
    assert await profile_of(app, person.user_id) is None
    await person.send("/datasaya", "tidak menyimpan data")
    assert summary is not None
    alert = await person.answer_to(summary.button_data("Daftar pelatihan"))
    assert alert.params["text"] == STALE


async def test_statistics_for_a_blk_coordinator_and_refusal_for_others(
    fake_api: FakeBotAPI, app: App
) -> None:
    await build_world(app.db, app.services.registrations, app.services.privacy)
    await add_pathway_answers(app.db)
    await app.services.roles.grant(ADMIN_ID, 7001, Scope.blk(BLK_A))
    coordinator = Chat(fake_api, 7001)
    chart = await coordinator.send("/statistik", "BLK blk-a (<code>blk-a</code>)")
    assert chart.method == "sendPhoto"
    report = await coordinator.expect("<b>Statistik</b> — BLK blk-a")
    for fragment in (
        "<b>Pendaftaran:</b> 4\n• terdampak PHK: 1",
        "<b>Jalur Terdampak PHK selesai:</b> 1",
        "ingin pendampingan usaha: 1",
        "ingin info permodalan: 1",
        "punya ide usaha: 1",
        "<b>Peserta gelombang:</b> 3 aktif, 1 daftar tunggu",
    ):
        assert fragment in report.text
    admin = Chat(fake_api, ADMIN_ID)
    await admin.send("/statistik", "Seluruh Indonesia")  # the chart
    await admin.expect("<b>Statistik</b> — Seluruh Indonesia", "<b>Pendaftaran:</b> 9")
    stranger = Chat(fake_api, 5555)
    await stranger.send("/statistik", "Maaf, saya belum mengerti")


async def test_restart_mid_pathway_resumes_at_the_same_question(
    person: Chat, running_bot: RunningBot
) -> None:
    await start_pathway(person)
    await person.press("Mei 2026", "2/5")
    await person.press("Jasa", "3/5")
    await running_bot.restart()
    await person.send("mengemudi", "4/5")
    await person.press("Belum keduanya", "5/5")
    await person.press("Belum perlu", "Ringkasan untuk Anda", "Mei 2026", "mengemudi")


async def registration_phk(app: App, telegram_id: int) -> tuple[bool, str | None]:
    participant = await app.services.registrations.get(telegram_id)
    assert participant is not None
    month = participant.phk_month.isoformat() if participant.phk_month else None
    return participant.phk_affected, month


async def test_pathway_updating_a_registration_only_with_a_yes(person: Chat, app: App) -> None:
    """One record: a registered person's PHK answers reach the registration only when they
    confirm; /ubah's review of the saved registration saves changes, it does not register."""
    await register(app.services.registrations, person.user_id, serial=1)
    await person.send("/ubah", "Periksa perubahan data Anda", "Terkena PHK: Tidak")
    assert "Kirim pendaftaran" not in person.last.text
    assert [label for label, _ in person.last.buttons][-1] == "✅ Simpan perubahan"
    await person.send("/start", "gratis")  # the draft is put aside: nothing of it is saved
    await person.expect("Apa yang ingin Anda lakukan?")
    offer = await person.expect("Perubahan data pendaftaran Anda belum disimpan")
    assert [label for label, _ in offer.buttons] == [
        "▶️ Lanjutkan ubah data",
        "🔄 Mulai dari awal",
    ]
    await person.press("Mulai dari awal", "Periksa perubahan data Anda", "Terkena PHK: Tidak")
    await person.press("Simpan perubahan", "sudah diperbarui")

    await complete_pathway(person)
    assert "📝 Daftar pelatihan" not in [label for label, _ in person.last.buttons]
    ask = await person.expect("Anda sudah terdaftar", "Terkena PHK: Tidak", "Ya, sejak Mei 2026")
    await person.press("Tidak, biarkan", "tidak diubah")
    assert await registration_phk(app, person.user_id) == (False, None)

    await complete_pathway(person)
    await person.expect("Perbarui pendaftaran")
    await person.press("Ya, perbarui", "Perubahan disimpan", "Ya, sejak Mei 2026")
    assert await registration_phk(app, person.user_id) == (True, "2026-05-01")
    await person.send("/status", "Ya, sejak Mei 2026")
    # An older question's button applies the answers saved last, which are the same.
    person.press_on(ask, "Ya, perbarui")
    await person.expect("Perubahan disimpan", "Ya, sejak Mei 2026")
