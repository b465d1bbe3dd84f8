"""End to end: small talk, scam reports, the list of what the FAQ did not answer, and
reloading the FAQ file without a restart.

People and places come from `tests.test_broadcasts.build_world` (101 has a seat at
blk-a, 104 lives in province 32 without a seat).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect, select

from bot.coordinators.roles import Scope
from bot.runtime.app import App
from handlers.common.callbacks import AskCb
from storage.models import FaqGap
from tests.fake_bot_api import FakeBotAPI
from tests.harness import ADMIN_ID, Chat, RunningBot
from tests.test_broadcasts import BLK_A, BLK_B, build_world

BLK_A_STAFF, BLK_B_STAFF = 7001, 7004
MENU_BUTTON = "📝 Daftar pelatihan"
HELPFUL = "👍 Membantu"
NOT_UNDERSTOOD = "Maaf, saya belum mengerti"
PACKAGED_FAQ = Path(__file__).resolve().parents[1] / "bot" / "data" / "faq.toml"
NEW_ENTRY = """
[[entry]]
id = "asrama"
topic = "biaya"
question_id = "Apakah ada asrama untuk peserta?"
question_en = "Is there a dormitory for participants?"
answer_id = "Tanyakan kepada BLK Anda."
answer_en = "Ask your BLK."
keywords = ["asrama", "menginap", "penginapan"]
"""


@pytest.fixture
async def app(running_bot: RunningBot) -> App:
    assert running_bot.app is not None
    app = running_bot.app
    await build_world(app.db, app.services.registrations, app.services.privacy)
    await app.services.roles.grant(ADMIN_ID, BLK_A_STAFF, Scope.blk(BLK_A))
    await app.services.roles.grant(ADMIN_ID, BLK_B_STAFF, Scope.blk(BLK_B))
    return app


def labels(call) -> list[str]:  # type: ignore[no-untyped-def]
    return [label for label, _ in call.buttons]


@pytest.mark.parametrize("greeting", ["halo", "pagi min", "Assalamualaikum"])
async def test_a_greeting_gets_a_greeting_and_the_menu(chat: Chat, greeting: str) -> None:
    reply = await chat.send(greeting, "Halo! 👋", "ketik pertanyaan Anda")
    assert MENU_BUTTON in labels(reply) and HELPFUL not in labels(reply)


@pytest.mark.parametrize("thanks", ["makasih", "terima kasih banyak", "🙏"])
async def test_thanks_get_a_short_reply_never_an_faq_entry(chat: Chat, thanks: str) -> None:
    reply = await chat.send(thanks, "Sama-sama!")
    assert "Sampai kapan" not in (reply.text or "") and labels(reply) == []


@pytest.mark.parametrize("ok", ["ok", "siap"])
async def test_ok_gets_a_short_reply_and_the_menu(chat: Chat, ok: str) -> None:
    reply = await chat.send(ok, "Baik.")
    assert MENU_BUTTON in labels(reply)


async def test_a_registered_person_is_not_offered_registration(
    fake_api: FakeBotAPI, app: App
) -> None:
    registered = Chat(fake_api, 104)  # registered in build_world
    for typed, reply in (("halo", "Halo! 👋"), ("ok", "Baik.")):
        menu = await registered.send(typed, reply)
        assert MENU_BUTTON not in labels(menu) and "📅 Jadwal saya" in labels(menu)


async def test_a_scam_report_gets_the_warning_and_the_way_to_report(chat: Chat) -> None:
    reply = await chat.send(
        "ada yang minta bayar biar lolos", "Jangan bayar siapa pun", "<b>gratis</b>"
    )
    assert reply.buttons == [("🚨 Laporkan ke petugas", AskCb(origin="faq").pack())]
    await chat.press("Laporkan ke petugas", "Tanya petugas")


async def test_coordinators_see_unanswered_and_unhelpful_questions_in_their_scope(
    fake_api: FakeBotAPI, app: App
) -> None:
    trainee = Chat(fake_api, 101)  # seated at blk-a
    for _ in range(2):
        await trainee.send("apakah ada kolam renang di blk? hp 0812-3456-7890", NOT_UNDERSTOOD)
    answer = await trainee.send("apakah pelatihan ini berbayar?", "gratis")
    trainee.press_on(answer, "👎 Tidak membantu")
    await trainee.expect()

    staff_a = Chat(fake_api, BLK_A_STAFF)
    listing = await staff_a.send("/faqcelah", "belum terjawab", "/faqmuat")
    assert "2× “apakah ada kolam renang di blk? hp”" in (listing.text or "")
    assert "1× 👎 pada jawaban “Apakah pelatihan ini berbayar?”" in (listing.text or "")
    await Chat(fake_api, BLK_B_STAFF).send("/faqcelah", "Belum ada pertanyaan")
    await Chat(fake_api, 104).send("/faqcelah", NOT_UNDERSTOOD)

    async with app.db.transaction() as session:
        rows = (await session.execute(select(FaqGap))).scalars().all()
        columns = {column.key for column in inspect(FaqGap).columns}
    assert not any(char.isdigit() for row in rows for char in row.question)
    assert {row.blk_id for row in rows} == {BLK_A}
    assert not {"telegram_id", "user_id", "chat_id"} & columns


async def test_an_admin_reloads_the_faq_and_a_broken_file_keeps_the_old_one(
    fake_api: FakeBotAPI, app: App, tmp_path: Path
) -> None:
    path = tmp_path / "faq.toml"
    path.write_text(PACKAGED_FAQ.read_text(encoding="utf-8") + NEW_ENTRY, encoding="utf-8")
    app.services.faq.path = path  # as if FAQ_FILE pointed at the coordinators' copy
    user, admin = Chat(fake_api, 5001), Chat(fake_api, ADMIN_ID)
    await user.send("apakah ada asrama untuk peserta", NOT_UNDERSTOOD)

    await admin.send("/faqmuat", "FAQ dimuat ulang: 43 pertanyaan dalam 12 topik.")
    await user.send("apakah ada asrama untuk peserta", "Tanyakan kepada BLK Anda.")

    path.write_text(path.read_text(encoding="utf-8").replace('id = "asrama"', 'id = "gratis"'))
    await admin.send("/faqmuat", "tidak dimuat ulang", "FAQ yang lama tetap dipakai", "gratis")
    await user.send("apakah ada asrama untuk peserta", "Tanyakan kepada BLK Anda.")
    await Chat(fake_api, BLK_A_STAFF).send("/faqmuat", NOT_UNDERSTOOD)
