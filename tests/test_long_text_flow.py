"""End to end: texts the bot assembles from long emoji and markup-heavy parts stay within
Telegram's limits as Telegram counts them (UTF-16 units; the fake checks every call):
a question thread, its notices to the coordinator and back, and a list of batches."""

from __future__ import annotations

import pytest
from aiogram import Bot
from sqlalchemy import select

from bot.telegram_text import MESSAGE_LIMIT, utf16_length
from handlers.common.callbacks import BlkAction, BlkCb
from storage.models import Blk
from tests.enrollment_setup import add_batch
from tests.fake_bot_api import FakeBotAPI
from tests.harness import ADMIN_ID, Chat, RunningBot
from tests.test_broadcasts import BLK_A
from tests.test_ticket_flow import BLK_A_STAFF, app, ask, deliver, reply_to  # noqa: F401 (app: a fixture)

# Within the message limit of a question (1,000 characters), but each emoji counts twice
# in Telegram's units (a flag four times), so three of them do not fit in one message.
QUESTION = "😀&" * 499
EMOJI = "😀" * 1000
FLAGS = "🇮🇩" * 499


def fits(text: str | None) -> bool:
    return text is not None and utf16_length(text) <= MESSAGE_LIMIT


@pytest.mark.usefixtures("app")
async def test_a_thread_of_long_emoji_messages_is_shown_and_sent_within_the_limit(
    fake_api: FakeBotAPI, running_bot: RunningBot, sender_bot: Bot
) -> None:
    user, staff = Chat(fake_api, 101), Chat(fake_api, BLK_A_STAFF)
    await ask(user, QUESTION)
    assert await deliver(running_bot, sender_bot) == 1
    notice = await staff.expect("🎫 #1 · Pertanyaan baru", "😀&amp;" * 499)

    reply_to(fake_api, BLK_A_STAFF, EMOJI, notice.result)
    await staff.expect("Jawaban untuk pertanyaan #1 terkirim")
    assert await deliver(running_bot, sender_bot) == 1
    await user.expect("🎫 #1 · Jawaban petugas", "😀" * 100)

    await user.press("Balas", "Tulis balasan Anda untuk pertanyaan #1")
    await user.send(FLAGS, "Balasan Anda untuk pertanyaan #1 terkirim")
    assert await deliver(running_bot, sender_bot) == 1
    await staff.expect("🎫 #1 · Penanya menulis lagi", FLAGS)

    await user.send("/tiket", "Pertanyaan Anda ke petugas")
    thread = await user.press("Lihat #1", "🎫 #1", "pesan sebelumnya tidak ditampilkan", FLAGS)
    assert fits(thread.text)
    await staff.send("/tiket", "#1")
    staff_thread = await staff.press("#1", "🎫 #1", "Peserta 101", FLAGS)
    assert fits(staff_thread.text)
    assert fake_api.violations == []


@pytest.mark.usefixtures("app")
async def test_a_list_of_batches_with_long_emoji_titles_fits_in_one_message(
    fake_api: FakeBotAPI, running_bot: RunningBot
) -> None:
    assert running_bot.app is not None
    db = running_bot.app.db
    async with db.transaction() as session:
        (await session.get(Blk, BLK_A)).name = "BLK " + "🇮🇩" * 98  # 200 characters
    for _ in range(8):
        await add_batch(db, BLK_A, capacity=5, title="🇮🇩" * 100)
    user = Chat(fake_api, 104)
    await user.send("/id", "104")  # presses come from a private chat with the bot
    fake_api.callback(user.user_id, BlkCb(action=BlkAction.BATCHES, blk=BLK_A).pack())
    listing = await user.expect("🇮🇩" * 100)
    assert fits(listing.text)
    assert 1 <= len(listing.buttons) < 10  # one per batch shown; some did not fit
    assert fake_api.violations == []


@pytest.mark.usefixtures("app")
async def test_a_list_of_long_emoji_blk_names_is_cut_to_one_message(
    fake_api: FakeBotAPI, running_bot: RunningBot
) -> None:
    assert running_bot.app is not None
    async with running_bot.app.db.transaction() as session:
        for blk in (
            await session.execute(select(Blk).where(Blk.regency_code.startswith("32.")))
        ).scalars():
            blk.name = "BLK " + "🇮🇩" * 98  # 200 characters, 396 units
    admin = Chat(fake_api, ADMIN_ID)
    listing = await admin.send("/koordinator blk jabar", "<b>BLK di", "🇮🇩" * 98)
    assert fits(listing.text)
    assert "BLK pertama yang ditampilkan" in (listing.text or "")
    assert fake_api.violations == []
