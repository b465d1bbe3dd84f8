"""End to end: a question nobody could receive is refused honestly, and coordinators never
see a NIK or phone number typed inside a question.

People and places come from `tests.test_broadcasts.build_world` (101 trains at blk-a,
104 lives in province 32 without a seat).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from sqlalchemy import func, select, update

from bot.tickets.masking import mask_numbers
from handlers.common.callbacks import FaqAction, FaqCb, MenuAction, MenuCb
from storage.models import Blk, Coordinator, Ticket
from tests.fake_bot_api import FakeBotAPI
from tests.harness import Chat, RunningBot, make_settings
from tests.test_broadcasts import BLK_A, build_world
from tests.test_ticket_flow import BLK_A_STAFF, app, ask, deliver  # noqa: F401 (app: a fixture)

NIK, NIK_MASKED = "3201011201900101", "3201********0101"
QUESTION = "Data saya: NIK 3201 0112 0190 0101, HP 0812-3456-7890. Kapan mulai?"
NO_STAFF = "belum ada petugas yang bisa menerima pertanyaan Anda"


@pytest.fixture
async def unstaffed_bot(
    fake_api: FakeBotAPI, database_url: str, redis_url: str | None, data_key: str
) -> AsyncIterator[RunningBot]:
    """The bot with no ADMIN_IDS: before any coordinator exists, nobody reads questions."""
    settings = make_settings(fake_api, database_url, redis_url, data_key)
    bot = RunningBot(settings.model_copy(update={"admin_ids": frozenset()}))
    await bot.start()
    assert bot.app is not None
    await build_world(bot.app.db, bot.app.services.registrations, bot.app.services.privacy)
    yield bot
    await bot.stop()


async def tickets(running_bot: RunningBot) -> int:
    assert running_bot.app is not None
    async with running_bot.app.db.transaction() as session:
        return int((await session.execute(select(func.count()).select_from(Ticket))).scalar_one())


async def test_no_staff_is_said_honestly_with_other_ways(
    fake_api: FakeBotAPI, unstaffed_bot: RunningBot
) -> None:
    db = unstaffed_bot.app.db if unstaffed_bot.app else None
    assert db is not None
    async with db.transaction() as session:
        await session.execute(update(Blk).where(Blk.id == BLK_A).values(phone="0251-8765432"))

    trainee = Chat(fake_api, 101)
    refusal = await trainee.send(
        "/tanya", NO_STAFF, "tanya-jawab (FAQ)", "Telepon BLK blk-a: <code>0251-8765432</code>"
    )
    assert refusal.button_data("FAQ") == FaqCb(action=FaqAction.TOPICS).pack()
    assert refusal.button_data("BLK terdekat") == MenuCb(action=MenuAction.NEAREST_BLK).pack()
    # No question was opened: the next message is not taken as one.
    await trainee.send("/tiket", "Anda belum pernah bertanya")

    # Someone without a seat has no BLK phone to be given; the menu button says the same.
    neighbour = Chat(fake_api, 104)
    answer = await neighbour.send("/tanya", NO_STAFF)
    assert "Telepon" not in (answer.text or "")
    neighbour.fake.callback(104, "t0:menu")
    await neighbour.expect(NO_STAFF)
    assert await tickets(unstaffed_bot) == 0

    # Once the province has a coordinator, the same person can ask.
    async with db.transaction() as session:
        session.add(
            Coordinator(telegram_id=7002, scope_kind="province", scope_code="32", granted_by=1)
        )
    await ask(neighbour, "Sekarang ada petugas?")
    assert await tickets(unstaffed_bot) == 1


@pytest.mark.usefixtures("app")
async def test_personal_numbers_are_masked_for_coordinators_only(
    fake_api: FakeBotAPI, running_bot: RunningBot, sender_bot: Bot
) -> None:
    user = Chat(fake_api, 101)
    await ask(user, QUESTION)
    assert await deliver(running_bot, sender_bot) == 1

    staff = Chat(fake_api, BLK_A_STAFF)
    notice = await staff.expect(
        "🎫 #1 · Pertanyaan baru", f"NIK {NIK_MASKED}, HP +62812****7890. Kapan mulai?"
    )
    assert "3456" not in (notice.text or "") and "0112 0190" not in (notice.text or "")
    await staff.send("/tiket", "wilayah Anda: 1")
    detail = await staff.press("Lihat #1", f"NIK {NIK_MASKED}, HP +62812****7890")
    assert "0812-3456" not in (detail.text or "")

    # The asker sees their own words as they typed them.
    await user.send("/tiket", "Pertanyaan Anda ke petugas")
    await user.press("Lihat #1", "NIK 3201 0112 0190 0101, HP 0812-3456-7890")


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("NIK saya 3201011201900101", "NIK saya 3201********0101"),
        ("hp +62 812 3456 7890 ya", "hp +62812****7890 ya"),
        ("(0812) 3456 7890", "+62812****7890"),
        ("rekening 1234567890123", "rekening *************"),
        ("mulai 12-01-2027, biaya Rp5.000.000?", "mulai 12-01-2027, biaya Rp5.000.000?"),
    ],
)
def test_mask_numbers(typed: str, shown: str) -> None:
    assert mask_numbers(typed) == shown
