"""End to end: /statistik as a chart photo and figures, drilled down by buttons to a batch,
downloaded as a spreadsheet, and never beyond the coordinator's scope.

The world is `tests.test_broadcasts.build_world`: blk-a (batches "A satu", "A dua") and
blk-b in province 32, blk-c in 51.
"""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from bot.coordinators.roles import Scope
from bot.runtime.app import App
from handlers.common.callbacks import StatsAction, StatsCb
from tests.fake_bot_api import ApiCall, FakeBotAPI
from tests.harness import ADMIN_ID, Chat, RunningBot
from tests.test_broadcasts import BLK_A, BLK_C, build_world

PROVINCE_STAFF, BLK_STAFF = 7002, 7001
STALE = "Tombol ini sudah tidak berlaku."
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
async def app(running_bot: RunningBot) -> App:
    assert running_bot.app is not None
    app = running_bot.app
    await build_world(app.db, app.services.registrations, app.services.privacy)
    await app.services.roles.grant(ADMIN_ID, PROVINCE_STAFF, Scope.province("32"))
    await app.services.roles.grant(ADMIN_ID, BLK_STAFF, Scope.blk(BLK_A))
    return app


async def chart_and_figures(chat: Chat, caption: str, *fragments: str) -> ApiCall:
    """A level arrives as a PNG photo, then its figures with the buttons."""
    photo = await chat.expect(caption)
    assert photo.method == "sendPhoto"
    assert photo.files["photo"].content.startswith(PNG)
    return await chat.expect(*fragments)


@pytest.mark.usefixtures("app")
async def test_province_coordinator_drills_down_to_a_batch(fake_api: FakeBotAPI) -> None:
    staff = Chat(fake_api, PROVINCE_STAFF)
    fake_api.message(PROVINCE_STAFF, "/statistik")
    figures = await chart_and_figures(
        staff,
        "Provinsi Jawa Barat (32)",
        "<b>Pendaftaran:</b> 7",
        "<b>Kursi:</b> 4 terisi dari 30 · daftar tunggu 1",
        "prioritas 7 · layak 0 · tidak layak 0",
        "<b>Per BLK</b>",
        "• BLK blk-a: 4 · 1 · 3/20 · 1",
        "• BLK blk-b: 1 · 0 · 1/10 · 0",
    )
    assert "blk-c" not in (figures.text or "")
    # The province's other BLKs (from the packaged directory) have nobody yet and come after.
    labels = [label for label, _ in figures.buttons]
    assert labels[:2] == ["BLK blk-a", "BLK blk-b"]
    assert labels[-1] == "📥 Unduh spreadsheet (XLSX)" and "BLK blk-c" not in labels

    await staff.press("BLK blk-a", "BLK blk-a (<code>blk-a</code>)")
    blk = await staff.expect("<b>Per gelombang</b>", "• A satu: 3 · 0 · 3/10 · 0")
    assert "⬆️ Naik satu tingkat" in [label for label, _ in blk.buttons]
    await staff.press("A satu", "Gelombang A satu · BLK blk-a")
    batch = await staff.expect(
        "<b>Peserta gelombang:</b> 3 (terdampak PHK: 0)",
        "<b>Kursi:</b> 3 terisi dari 10 · daftar tunggu 0",
        "akan hadir 0 · tidak bisa 0 · belum menjawab 3",
    )
    assert "Per " not in (batch.text or "")

    sheet = await staff.press("Unduh spreadsheet", "Gelombang A satu · BLK blk-a")
    assert sheet.method == "sendDocument"
    document = sheet.files["document"]
    assert document.filename.startswith("statistik-g-") and document.filename.endswith(".xlsx")
    book = load_workbook(io.BytesIO(document.content))
    assert book.sheetnames == ["Ringkasan", "Harian"]
    figures_sheet = {
        row[0]: row[1] for row in book["Ringkasan"].iter_rows(min_row=4, values_only=True)
    }
    assert (
        figures_sheet["Pendaftar"],
        figures_sheet["Kursi terisi"],
        figures_sheet["Kapasitas"],
    ) == (3, 3, 10)
    assert book["Harian"].max_row == 31  # a header and 30 days


@pytest.mark.usefixtures("app")
async def test_nothing_beyond_the_scope(fake_api: FakeBotAPI) -> None:
    """Forged buttons (pressed under the last /statistik message) name other places."""
    province = Chat(fake_api, PROVINCE_STAFF)
    fake_api.message(PROVINCE_STAFF, "/statistik")
    await chart_and_figures(province, "Provinsi Jawa Barat (32)", "<b>Per BLK</b>")
    for level, code in [("c", ""), ("p", "51"), ("b", BLK_C), ("g", "999"), ("x", "1")]:
        data = StatsCb(action=StatsAction.VIEW, level=level, code=code).pack()
        assert (await province.answer_to(data)).params["text"] == STALE, (level, code)

    blk = Chat(fake_api, BLK_STAFF)
    fake_api.message(BLK_STAFF, "/statistik")
    figures = await chart_and_figures(blk, "BLK blk-a (<code>blk-a</code>)", "<b>Per gelombang</b>")
    assert "Naik satu tingkat" not in str(figures.buttons)  # the province is not theirs
    for action in StatsAction:
        data = StatsCb(action=action, level="p", code="32").pack()
        assert (await blk.answer_to(data)).params["text"] == STALE, action

    stranger = Chat(fake_api, 5555)
    await stranger.send("/statistik", "Maaf, saya belum mengerti")
    data = StatsCb(action=StatsAction.VIEW, level="c").pack()
    assert (await stranger.answer_to(data)).params["text"] == STALE
