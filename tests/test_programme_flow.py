"""End to end: a coordinator creates a batch of the village cooperative programme, a
participant sees the programme on its card, /statistik splits by programme, and
"Langkah berikutnya" from the menu shows its facts with their sources.

The world of tests/test_broadcasts.py (see tests/test_batch_editor_flow.py): blk-a holds
"A satu" (3 seats of 10) and "A dua"; today is 24 November 2026 in the tests' clock.
"""

from __future__ import annotations

from handlers.common.callbacks import (
    BatchAdminAction,
    BatchAdminCb,
    BlkAction,
    BlkCb,
    ReferralCb,
)
from tests.fake_bot_api import FakeBotAPI
from tests.harness import Chat, RunningBot
from tests.test_batch_editor_flow import BLK_A_STAFF, STALE, batch_row, setup
from tests.test_broadcasts import BLK_A

KOPDES = "Pengelola Koperasi Desa/Kelurahan Merah Putih"


async def test_a_cooperative_batch_from_creation_to_statistics(
    fake_api: FakeBotAPI, running_bot: RunningBot
) -> None:
    app, _ = await setup(running_bot)
    staff = Chat(fake_api, BLK_A_STAFF)
    await staff.send("/peserta", "Peserta per gelombang")
    await staff.press("Gelombang baru", "Gelombang baru untuk <b>BLK blk-a</b>")
    await staff.expect("Tulis judul gelombang")
    await staff.send("Koperasi Merah Putih", "Kapan hari pertama pelatihan?")
    await staff.send("12 jan 27", "Kapan hari terakhir pelatihan?")
    await staff.press("5 hari · s.d. Sab, 16 Jan 2027", "Jam berapa pelatihan setiap hari")
    await staff.press("08.00-16.00", "Berapa kursi tersedia?")
    await staff.send("24", "Sampai tanggal berapa pendaftaran dibuka?")
    await staff.send("5-1-2027", "Periksa sekali lagi", "🎓 Program: Pelatihan Kewirausahaan")
    review = await staff.press(f"🎓 {KOPDES}", f"🎓 Program: {KOPDES}")
    assert f"🎓 {KOPDES} ✓" in [label for label, _ in review.buttons]
    await staff.press("Simpan", "Gelombang disimpan", f"🎓 Program: {KOPDES}")
    batch = await batch_row(app, "Koperasi Merah Putih")
    assert batch.programme == "kopdes"

    # The card can move it to another programme; a forged programme is a stale button.
    forged = BatchAdminCb(action=BatchAdminAction.SET_PROGRAMME, batch=batch.id, field="x")
    assert (await staff.answer_to(forged.pack())).params["text"] == STALE
    assert (await batch_row(app, "Koperasi Merah Putih")).programme == "kopdes"

    participant = Chat(fake_api, 5002)
    await participant.send("/start", "Selamat datang")
    await participant.expect("Apa yang ingin Anda lakukan?")
    fake_api.callback(participant.user_id, BlkCb(action=BlkAction.BATCHES, blk=BLK_A).pack())
    listed = await participant.expect("Koperasi Merah Putih", f"🎓 Program: {KOPDES}")
    # Entrepreneurship training, the default, is not marked on every card.
    assert (listed.text or "").count("🎓 Program:") == 1

    # Business-matching events go to those who passed, by sector: nobody has yet.
    await staff.send("/siaran", "Siaran baru")
    await staff.send("Temu usaha koperasi, Sabtu di BLK.", "Kepada siapa")
    sectors = await staff.press("Lulus pelatihan, satu bidang usaha", "Pilih bidang usaha")
    await staff.press(sectors.buttons[0][0], "Tidak ada penerima untuk pilihan ini")
    await staff.send("/batal", "")  # the broadcast is dropped; the menu follows
    await staff.expect("Apa yang ingin Anda lakukan?")

    fake_api.message(BLK_A_STAFF, "/statistik")
    await staff.expect("BLK blk-a")  # the chart
    await staff.expect(
        "<b>Per program</b>",
        f"• {KOPDES}: 0 · 0 · 0/24 · 0",
        "• Pelatihan Kewirausahaan: ",
    )


async def test_next_steps_from_the_menu_show_facts_with_sources(
    fake_api: FakeBotAPI, running_bot: RunningBot
) -> None:
    app, _ = await setup(running_bot)
    person = Chat(fake_api, 5003)
    await person.send("/start", "Selamat datang")
    await person.expect("Apa yang ingin Anda lakukan?")
    await person.press("🧭 Langkah berikutnya", "Langkah berikutnya", "Pilih topik")
    await person.press(
        "Modal usaha",
        "KUR (Kredit Usaha Rakyat)",
        "Sumber: poskota.co.id, 20 Jan 2025 (secondary source) · dicek 6 Des 2026",
        "TKM Pemula",
        "Sumber: kaltara.prokal.co 43349; valoranews.com 20395",
    )
    await person.press("Topik lain", "Pilih topik")
    await person.press("Izin usaha", "NIB (Nomor Induk Berusaha)", "OSS")
    assert (await person.answer_to(ReferralCb(topic="loans").pack())).params["text"] == STALE
    await person.send("/langkah", "Langkah berikutnya", "Pilih topik")
    support = await person.press("Pendampingan usaha", "PLUT (Pusat Layanan Usaha Terpadu)")
    assert "dari domisili Anda" not in (support.text or "")  # not registered, none imported

    # Coordinators import PLUTs; a registered person sees the nearest to their home.
    registered = await app.services.registrations.get(101)
    assert registered is not None
    home = registered.regency_code
    csv = (
        "id,name,regency_code,address,phone\n"
        f"plut-uji,PLUT Uji,{home},Jl. Merdeka 1,0211234\n"
        "plut-salah,PLUT Salah,99.99,,\n"
    )
    report = await app.services.directory.pluts.import_csv(csv.encode(), source_name="uji.csv")
    assert (report.added, [row.field for row in report.rejected]) == (1, ["regency_code"])
    member = Chat(fake_api, 101)
    await member.send("/langkah", "Pilih topik")
    await member.press(
        "Pendampingan usaha",
        "PLUT terdekat dari domisili Anda",
        "<b>PLUT Uji</b>, Jl. Merdeka 1",
        "☎️ 0211234",
    )
