"""End to end: the coordinators' desk (/peserta) through the fake Bot API.

The world of tests/test_broadcasts.py: blk-a and blk-b in province 32, blk-c in 51. Batch
"A satu" (blk-a) holds 101, 106 and 109; "A dua" has 102 waiting. The spreadsheet the bot
uploads is downloaded back from the fake, as a coordinator's phone would, and opened.
"""

from __future__ import annotations

import io
from datetime import date

import openpyxl
from sqlalchemy import select

from bot.coordinators.roles import Scope
from bot.coordinators.sheets import SheetFormat
from bot.registration.participants import BusinessStatus, RegistrationForm, Sector
from bot.runtime.app import App
from bot.runtime.dispatcher import build_bot
from handlers.common.callbacks import DeskAction, DeskCb, SheetCb
from storage.models import Registration
from tests.enrollment_setup import NOW, nik_for
from tests.fake_bot_api import ApiCall, FakeBotAPI
from tests.harness import ADMIN_ID, Chat, RunningBot
from tests.test_broadcasts import BLK_A, BLK_C, World, build_world, enroll

BLK_A_STAFF, BLK_C_STAFF, PROVINCE_51_STAFF = 7001, 7003, 7051
STALE = "Tombol ini sudah tidak berlaku."
NOT_UNDERSTOOD = "Maaf, saya belum mengerti"


async def setup(running_bot: RunningBot) -> tuple[App, World]:
    app = running_bot.app
    assert app is not None
    world = await build_world(app.db, app.services.registrations, app.services.privacy)
    roles = app.services.roles
    await roles.grant(ADMIN_ID, BLK_A_STAFF, Scope.blk(BLK_A))
    await roles.grant(ADMIN_ID, BLK_C_STAFF, Scope.blk(BLK_C))
    await roles.grant(ADMIN_ID, PROVINCE_51_STAFF, Scope.province("51"))
    return app, world


async def codes_of(app: App, *telegram_ids: int) -> set[str]:
    async with app.db.transaction() as session:
        stmt = select(Registration.code).where(Registration.telegram_id.in_(telegram_ids))
        return set((await session.execute(stmt)).scalars())


async def download(fake: FakeBotAPI, document: ApiCall) -> bytes:
    """getFile and the file URL, as any client fetches a document it received."""
    bot = build_bot(fake.token, fake.url)
    try:
        buffer = await bot.download(document.result["document"]["file_id"])
        assert isinstance(buffer, io.BytesIO)
        return buffer.getvalue()
    finally:
        await bot.session.close()


def sheet_rows(content: bytes) -> list[tuple[object, ...]]:
    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return list(workbook.active.iter_rows(values_only=True))


async def test_blk_coordinator_downloads_the_roster_of_their_batch(
    fake_api: FakeBotAPI, running_bot: RunningBot
) -> None:
    app, _ = await setup(running_bot)
    chat = Chat(fake_api, BLK_A_STAFF)
    desk = await chat.send("/peserta", "Peserta per gelombang", "A satu", "A dua")
    assert "B satu" not in (desk.text or "") and "C satu" not in (desk.text or "")
    assert [label for label, _ in desk.buttons] == [
        "1. A dua · 0/10",
        "2. A satu · 3/10",
        "📥 Semua pendaftar (XLSX)",
        "📥 Semua pendaftar (CSV)",
        "🔎 Cari peserta",
        "➕ Gelombang baru",
    ]
    roster = await chat.press("A satu", "<b>A satu</b>", "3/10 kursi terisi", "Halaman 1/1")
    assert roster.method == "editMessageText"
    for person in ("Peserta 101", "Peserta 106", "Peserta 109"):
        assert person in (roster.text or "")
    assert "📞 +6281234567890" in (roster.text or "")  # in full: coordinators call people
    assert "Dapat kursi · Belum menjawab" in (roster.text or "")

    document = await chat.press("Unduh XLSX", "Daftar peserta gelombang: 3 orang")
    assert document.method == "sendDocument"
    assert document.files["document"].filename.endswith(".xlsx")
    rows = sheet_rows(await download(fake_api, document))
    header, body = rows[0], rows[1:]
    assert header[:4] == ("Nama", "Kode pendaftaran", "Nomor HP", "NIK (disamarkan)")
    assert {row[1] for row in body} == await codes_of(app, 101, 106, 109)
    assert {row[0] for row in body} == {"Peserta 101", "Peserta 106", "Peserta 109"}
    assert {row[2] for row in body} == {"0812-3456-7890"}
    assert all(str(row[3]).count("*") == 8 for row in body)
    assert {row[10] for row in body} == {"Dapat kursi"}

    chat.press_on(roster, "Kembali")
    back = await chat.expect("Peserta per gelombang")
    assert back.method == "editMessageText"


async def test_a_roster_as_csv_and_everyone_in_scope(
    fake_api: FakeBotAPI, running_bot: RunningBot
) -> None:
    app, _ = await setup(running_bot)
    chat = Chat(fake_api, BLK_A_STAFF)
    await chat.send("/peserta", "Peserta per gelombang")
    roster = await chat.press("A dua", "Daftar tunggu no. 1")
    csv_document = await chat.press("Unduh CSV", "1 orang")
    lines = (await download(fake_api, csv_document)).decode("utf-8-sig").splitlines()
    assert len(lines) == 2 and lines[1].startswith("Peserta 102,")
    chat.press_on(roster, "Kembali")
    await chat.expect("Peserta per gelombang")
    everyone = await chat.press("Semua pendaftar (XLSX)", "Semua pendaftar di wilayah Anda: 4")
    rows = sheet_rows(await download(fake_api, everyone))
    assert rows[0][-2:] == ("BLK", "Gelombang")
    assert {row[1] for row in rows[1:]} == await codes_of(app, 101, 102, 106, 109)


async def test_other_coordinators_get_none_of_the_batch(
    fake_api: FakeBotAPI, running_bot: RunningBot
) -> None:
    app, world = await setup(running_bot)
    a1 = world.batches["a1"]
    for staff, own in ((BLK_C_STAFF, "C satu"), (PROVINCE_51_STAFF, "C satu")):
        chat = Chat(fake_api, staff)
        desk = await chat.send("/peserta", own)
        assert desk.buttons[0][0] == "1. C satu · 1/10"
        assert "A satu" not in (desk.text or "")
        # Buttons forged with blk-a's batch are refused like stale ones: no roster, no file.
        for forged in (
            DeskCb(action=DeskAction.ROSTER, batch=a1),
            SheetCb(batch=a1, fmt=SheetFormat.XLSX),
            SheetCb(batch=a1, fmt=SheetFormat.CSV),
        ):
            answer = await chat.answer_to(forged.pack())
            assert answer.params["text"] == STALE
    assert not any(call.method == "sendDocument" for call in fake_api.calls)
    assert all("Peserta 101" not in text for text in fake_api.sent_texts(BLK_C_STAFF))

    chat = Chat(fake_api, BLK_C_STAFF)
    await chat.send("/peserta", "C satu")
    document = await chat.press("Semua pendaftar (XLSX)", "Semua pendaftar di wilayah Anda: 1")
    rows = sheet_rows(await download(fake_api, document))
    assert {row[1] for row in rows[1:]} == await codes_of(app, 105)

    # No role: the desk does not exist.
    await Chat(fake_api, 5555).send("/peserta", NOT_UNDERSTOOD)
    answer = await Chat(fake_api, 5555).answer_to(SheetCb(batch=0, fmt=SheetFormat.XLSX).pack())
    assert answer.params["text"] == STALE


async def test_long_rosters_are_paged_within_telegram_limits(
    fake_api: FakeBotAPI, running_bot: RunningBot
) -> None:
    """Names of 50 emoji are 100 UTF-16 units each: pages split by Telegram's count."""
    app, world = await setup(running_bot)
    for telegram_id in range(200, 230):
        form = RegistrationForm(
            full_name="😀" * 50,
            nik=nik_for(telegram_id),
            phone="+6281234567890",
            province_code="32",
            regency_code="32.01",
            business_status=BusinessStatus.MICRO,
            business_sector=Sector.FOOD,
            phk_affected=True,
            phk_month=date(2026, 6, 1),
            consent_at=NOW,
        )
        await app.services.registrations.register(telegram_id, form)
        await enroll(app.db, telegram_id, world.batches["a2"], "waitlisted")
    chat = Chat(fake_api, BLK_A_STAFF)
    await chat.send("/peserta", "Peserta per gelombang")
    page = await chat.press("A dua", "Halaman 1/")
    pages = int((page.text or "").split("Halaman 1/")[1].split("<")[0])
    assert pages >= 4
    seen = (page.text or "").count("😀" * 50)
    for number in range(2, pages + 1):
        page = await chat.press("Berikutnya", f"Halaman {number}/{pages}")
        seen += (page.text or "").count("😀" * 50)
    assert seen == 30
    assert "Daftar tunggu no. 31" in (page.text or "")
    assert "Berikutnya" not in [label for label, _ in page.buttons]
