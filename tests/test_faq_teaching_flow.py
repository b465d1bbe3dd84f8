"""End to end: a coordinator teaches the bot from /faqcelah which FAQ entry answers a
question it could not answer (or that it is one for staff), and the bot answers from it at
once, after /faqmuat, after a restart, and in another process of the bot.

People and places come from `tests.test_broadcasts.build_world` (101 has a seat at blk-a),
coordinators of blk-a and blk-b from `tests.test_faq_chat_flow`.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import inspect, select

from bot.runtime.app import create_app
from handlers.common.callbacks import FaqTeachCb, TeachAction
from storage.models import AuditEntry, FaqExample, FaqGap
from tests.fake_bot_api import FakeBotAPI
from tests.harness import ADMIN_ID, Chat, RunningBot
from tests.test_faq_chat_flow import (  # noqa: F401 (app: a fixture)
    BLK_A_STAFF,
    BLK_B_STAFF,
    NOT_UNDERSTOOD,
    app,
)

TRAINEE = 101  # seated at blk-a
UNIFORM = "dapat seragam ga?"  # nothing in the FAQ's wording: not understood at first
POOL = "apakah ada kolam renang di blk?"
ALLOWANCE = "Apakah ada uang saku, uang transport, atau makan?"  # entry uang-saku
GONE = "sudah tidak ada di daftar Anda"
STALE = "Tombol ini sudah tidak berlaku"


def teach(action: TeachAction, gap: int, key: str = "") -> str:
    return FaqTeachCb(action=action, gap=gap, key=key).pack()


async def gap_ids(running_bot: RunningBot) -> dict[str, int]:
    assert running_bot.app is not None
    async with running_bot.app.db.transaction() as session:
        rows = (await session.execute(select(FaqGap))).scalars().all()
    return {row.question: row.id for row in rows}


@pytest.mark.usefixtures("app")
async def test_a_coordinator_teaches_an_entry_and_the_bot_answers_with_it(
    fake_api: FakeBotAPI, running_bot: RunningBot
) -> None:
    trainee = Chat(fake_api, TRAINEE)
    await trainee.send(UNIFORM, NOT_UNDERSTOOD)
    await trainee.send(POOL, NOT_UNDERSTOOD)

    staff_a = Chat(fake_api, BLK_A_STAFF)
    listing = await staff_a.send("/faqcelah", f"1. 1× “{UNIFORM}”", f"2. 1× “{POOL}”", "🧠 Ajari")
    assert [label for label, _ in listing.buttons] == ["🧠 Ajari 1", "🧠 Ajari 2"]
    await staff_a.press("🧠 Ajari 1", "Ajari bot", UNIFORM, "pilih topiknya")
    await staff_a.press("💰 Biaya", "Topik: 💰 Biaya", "pilih entri")
    await staff_a.press(ALLOWANCE, f"Dijawab dengan: “{ALLOWANCE}”", "Simpan?")
    await staff_a.press("✅ Ya, simpan", "Bot sudah belajar", UNIFORM, ALLOWANCE)

    # The same question typed again gets the entry's answer straight away.
    await trainee.send(UNIFORM, ALLOWANCE, "uang saku")
    listing = await staff_a.send("/faqcelah", f"1. 1× “{POOL}”")
    assert UNIFORM not in (listing.text or "")
    assert [label for label, _ in listing.buttons] == ["🧠 Ajari 1"]

    # Kept through /faqmuat (the files read again) and a restart (read at start).
    await Chat(fake_api, ADMIN_ID).send("/faqmuat", "FAQ dimuat ulang")
    await trainee.send(UNIFORM, ALLOWANCE)
    await running_bot.restart()
    await trainee.send(UNIFORM, ALLOWANCE)

    # Another process of the bot, started before the label, takes it on its next look.
    assert running_bot.app is not None
    other = create_app(running_bot.settings, clock=running_bot.clock)
    try:
        assert other.services.faq.match(UNIFORM).matches == ()
        assert await other.services.faq_teaching.refresh()
        assert [m.id for m in other.services.faq.match(UNIFORM).matches][:1] == ["uang-saku"]
        assert not await other.services.faq_teaching.refresh()  # nothing new: no rebuild
    finally:
        await other.close()

    async with running_bot.app.db.transaction() as session:
        examples = (await session.execute(select(FaqExample))).scalars().all()
        audit = (
            (await session.execute(select(AuditEntry).where(AuditEntry.action == "faq.taught")))
            .scalars()
            .all()
        )
        columns = {column.key for column in inspect(FaqExample).columns}
    assert [(e.question, e.entry_id) for e in examples] == [(UNIFORM, "uang-saku")]
    assert not {"telegram_id", "user_id", "chat_id", "actor_id"} & columns
    assert [entry.actor_id for entry in audit] == [BLK_A_STAFF]
    details = json.loads(audit[0].details)
    assert details["entry_id"] == "uang-saku" and details["gaps_removed"] == 1
    assert UNIFORM not in audit[0].details


@pytest.mark.usefixtures("app")
async def test_a_question_for_staff_is_not_listed_again(fake_api: FakeBotAPI) -> None:
    trainee = Chat(fake_api, TRAINEE)
    await trainee.send(POOL, NOT_UNDERSTOOD)
    staff_a = Chat(fake_api, BLK_A_STAFF)
    await staff_a.send("/faqcelah", POOL)
    await staff_a.press("🧠 Ajari 1", "Ajari bot", POOL)
    await staff_a.press("Bukan pertanyaan FAQ", "mengarahkan penanya ke petugas", "Simpan?")
    await staff_a.press("✅ Ya, simpan", "pertanyaan untuk petugas")

    # Still "Tanya petugas" for the asker, and not counted into the list again.
    await trainee.send(POOL, NOT_UNDERSTOOD)
    await staff_a.send("/faqcelah", "Belum ada pertanyaan")


@pytest.mark.usefixtures("app")
async def test_cancel_changes_nothing(fake_api: FakeBotAPI) -> None:
    await Chat(fake_api, TRAINEE).send(UNIFORM, NOT_UNDERSTOOD)
    staff_a = Chat(fake_api, BLK_A_STAFF)
    await staff_a.send("/faqcelah", UNIFORM)
    await staff_a.press("🧠 Ajari 1", "Ajari bot")
    await staff_a.press("✖️ Batal", "Tidak ada yang diubah")
    await staff_a.send("/faqcelah", UNIFORM, "🧠 Ajari")


@pytest.mark.usefixtures("app")
async def test_other_places_forged_and_old_buttons_are_refused(
    fake_api: FakeBotAPI, running_bot: RunningBot
) -> None:
    trainee = Chat(fake_api, TRAINEE)
    await trainee.send(UNIFORM, NOT_UNDERSTOOD)
    await trainee.send(POOL, NOT_UNDERSTOOD)
    gaps = await gap_ids(running_bot)
    uniform, pool = gaps[UNIFORM], gaps[POOL]

    # A coordinator of another BLK sees nothing to teach and cannot teach blk-a's.
    staff_b = Chat(fake_api, BLK_B_STAFF)
    await staff_b.send("/faqcelah", "Belum ada pertanyaan")
    for action in TeachAction:
        answer = await staff_b.answer_to(teach(action, uniform, "uang-saku"))
        assert GONE in answer.params["text"]
    # A participant pressing a forged button: a stale button.
    answer = await trainee.answer_to(teach(TeachAction.SAVE, uniform, "uang-saku"))
    assert STALE in answer.params["text"]

    staff_a = Chat(fake_api, BLK_A_STAFF)
    await staff_a.send("/faqcelah", UNIFORM, POOL)
    forged = {
        teach(TeachAction.SAVE, uniform, "tidak-ada"): STALE,  # no such entry
        teach(TeachAction.CHOSEN, uniform, "tidak-ada"): STALE,
        teach(TeachAction.TOPIC, uniform, "tidak-ada"): STALE,  # no such topic
        teach(TeachAction.SAVE, 2**31 - 1, "uang-saku"): GONE,  # no such gap
        f"ft1:ok:{uniform}:{'x' * 40}": STALE,  # longer than an entry id
        "ft1:zz:1:": STALE,  # no such step
    }
    for data, refusal in forged.items():
        answer = await staff_a.answer_to(data)
        assert refusal in answer.params["text"], data

    # An unhelpful-answer gap is not a question to teach.
    answer = await trainee.send("apakah pelatihan ini berbayar?", "gratis")
    trainee.press_on(answer, "👎 Tidak membantu")
    await trainee.expect()
    unhelpful = (await gap_ids(running_bot))[""]
    answer = await staff_a.answer_to(teach(TeachAction.OPEN, unhelpful))
    assert GONE in answer.params["text"]

    # Teaching one question leaves the other's buttons working; the old one is gone.
    await staff_a.answer_to(teach(TeachAction.SAVE, uniform, "uang-saku"))
    answer = await staff_a.answer_to(teach(TeachAction.SAVE, uniform, "uang-saku"))
    assert GONE in answer.params["text"]
    assert UNIFORM not in await gap_ids(running_bot)
    assert pool in (await gap_ids(running_bot)).values()
    await trainee.send(UNIFORM, ALLOWANCE)
