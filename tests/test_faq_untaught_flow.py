"""End to end: an administrator lists the questions coordinators taught (/faqajaran),
newest first and a page at a time, and deletes a mistaken label; the bot stops answering
from it at once, and another process of the bot on its next look. Coordinators and
participants cannot list or delete; forged and old buttons are refused politely.

People, places and coordinators as in `tests.test_faq_teaching_flow`.
"""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.errors import NotPermitted
from bot.faq.teaching import Label, LabelGone
from bot.runtime.app import create_app
from handlers.common.callbacks import FaqTaughtCb, TaughtAction
from storage.faq_example_repository import FaqExampleRepository
from storage.models import AuditEntry, FaqExample
from tests.clock import NOW
from tests.fake_bot_api import FakeBotAPI
from tests.harness import ADMIN_ID, Chat, RunningBot
from tests.test_faq_chat_flow import BLK_A_STAFF, NOT_UNDERSTOOD, app  # noqa: F401 (a fixture)
from tests.test_faq_teaching_flow import ALLOWANCE, STALE, TRAINEE, UNIFORM

GONE = "Ajaran ini sudah tidak ada"


def taught(action: TaughtAction, label: int = 0, page: int = 0) -> str:
    return FaqTaughtCb(action=action, label=label, page=page).pack()


async def teach_uniform(fake_api: FakeBotAPI) -> Chat:
    """The trainee asks UNIFORM, which the FAQ does not answer; blk-a's coordinator teaches
    it to the allowance entry from /faqcelah. The trainee's chat."""
    trainee = Chat(fake_api, TRAINEE)
    await trainee.send(UNIFORM, NOT_UNDERSTOOD)
    staff_a = Chat(fake_api, BLK_A_STAFF)
    await staff_a.send("/faqcelah", UNIFORM)
    await staff_a.press("🧠 Ajari 1", "Ajari bot")
    await staff_a.press("💰 Biaya", "pilih entri")
    await staff_a.press(ALLOWANCE, "Simpan?")
    await staff_a.press("✅ Ya, simpan", "Bot sudah belajar")
    await trainee.send(UNIFORM, ALLOWANCE)
    return trainee


async def stored(running_bot: RunningBot) -> list[tuple[int, str, str]]:
    assert running_bot.app is not None
    async with running_bot.app.db.transaction() as session:
        rows = (await session.execute(select(FaqExample).order_by(FaqExample.id))).scalars()
        return [(row.id, row.question, row.entry_id) for row in rows]


@pytest.mark.usefixtures("app")
async def test_the_admin_deletes_a_label_and_the_bot_forgets_it(
    fake_api: FakeBotAPI, running_bot: RunningBot
) -> None:
    trainee = await teach_uniform(fake_api)
    [(label_id, _, _)] = await stored(running_bot)

    # Another process of the bot, which has the label, forgets it on its next look.
    assert running_bot.app is not None
    other = create_app(running_bot.settings, clock=running_bot.clock)
    try:
        assert await other.services.faq_teaching.refresh()
        assert [m.id for m in other.services.faq.match(UNIFORM).matches][:1] == ["uang-saku"]

        admin = Chat(fake_api, ADMIN_ID)
        listing = await admin.send(
            "/faqajaran",
            "Pertanyaan yang diajarkan koordinator</b> (1)",
            f"1. “{UNIFORM}” → “{ALLOWANCE}” · diajarkan 24 Nov 2026",
        )
        assert [label for label, _ in listing.buttons] == ["🗑 Hapus 1"]
        assert all(len(data.encode()) <= 64 and UNIFORM not in data for _, data in listing.buttons)
        await admin.press("🗑 Hapus 1", "Hapus ajaran ini?", UNIFORM, ALLOWANCE)
        await admin.press("⬅️ Kembali", f"1. “{UNIFORM}”")  # nothing deleted yet
        await admin.press("🗑 Hapus 1", "Hapus ajaran ini?")
        await admin.press("🗑 Ya, hapus", "Ajaran dihapus", UNIFORM, "Belum ada pertanyaan")

        # Not answered from the label any more, so the question is a gap again.
        await trainee.send(UNIFORM, NOT_UNDERSTOOD)
        await Chat(fake_api, BLK_A_STAFF).send("/faqcelah", f"1. 1× “{UNIFORM}”")
        await admin.send("/faqajaran", "Belum ada pertanyaan yang diajarkan")

        assert await other.services.faq_teaching.refresh()
        assert other.services.faq.match(UNIFORM).matches == ()
        assert not await other.services.faq_teaching.refresh()
    finally:
        await other.close()

    assert await stored(running_bot) == []
    async with running_bot.app.db.transaction() as session:
        stmt = select(AuditEntry).where(AuditEntry.action == "faq.untaught")
        audit = (await session.execute(stmt)).scalars().all()
    assert [entry.actor_id for entry in audit] == [ADMIN_ID]
    assert json.loads(audit[0].details) == {"entry_id": "uang-saku", "example_id": label_id}

    # Kept deleted through a restart (labels are read again at start).
    await running_bot.restart()
    await trainee.send(UNIFORM, NOT_UNDERSTOOD)


@pytest.mark.usefixtures("app")
async def test_coordinators_and_participants_can_neither_list_nor_delete(
    fake_api: FakeBotAPI, running_bot: RunningBot
) -> None:
    trainee = await teach_uniform(fake_api)
    [(label_id, _, _)] = await stored(running_bot)

    staff_a = Chat(fake_api, BLK_A_STAFF)
    await staff_a.send("/faqajaran", NOT_UNDERSTOOD)
    await trainee.send("/faqajaran", NOT_UNDERSTOOD)
    for person in (staff_a, trainee):
        for action in TaughtAction:
            answer = await person.answer_to(taught(action, label_id))
            assert answer.params["text"] == "Tombol ini sudah tidak berlaku.", action

    assert [row[0] for row in await stored(running_bot)] == [label_id]
    await trainee.send(UNIFORM, ALLOWANCE)


@pytest.mark.usefixtures("app")
async def test_forged_and_old_delete_buttons_are_refused(
    fake_api: FakeBotAPI, running_bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)
    await teach_uniform(fake_api)
    [(label_id, _, _)] = await stored(running_bot)

    admin = Chat(fake_api, ADMIN_ID)
    await admin.send("/faqajaran", UNIFORM)
    confirmation = await admin.press("🗑 Hapus 1", "Hapus ajaran ini?")
    confirmed = confirmation.button_data("🗑 Ya, hapus")
    assert confirmed == taught(TaughtAction.DELETE_CONFIRMED, label_id)
    await admin.press("🗑 Ya, hapus", "Ajaran dihapus")

    # The confirmation pressed again, and the list's old button: already deleted.
    forged = {
        confirmed: GONE,
        taught(TaughtAction.DELETE, label_id): GONE,
        taught(TaughtAction.DELETE_CONFIRMED, 2**31 - 1): GONE,  # no such label
        taught(TaughtAction.DELETE_CONFIRMED, 0): GONE,
        f"fa1:dk:{2**31}:0": STALE,  # beyond any row id
        "fa1:dk:x:0": STALE,
        "fa1:zz:1:0": STALE,  # no such step
        f"fa1:dk:{label_id}": STALE,  # a field missing
    }
    for data, refusal in forged.items():
        answer = await admin.answer_to(data)
        assert refusal in answer.params["text"], data
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


async def test_the_list_is_newest_first_a_page_at_a_time(
    fake_api: FakeBotAPI, running_bot: RunningBot
) -> None:
    """Ten labels of the longest questions (200 emoji are 400 units on Telegram): eight a
    page, each page within Telegram's limit, numbered across pages."""
    assert running_bot.app is not None
    entries = ("uang-saku", "", "no-such-entry")
    # Oldest first; the newest was taught at 00:30 WIB on 24 Nov, still 23 Nov in UTC.
    newest = datetime(2026, 11, 23, 17, 30, tzinfo=UTC)
    async with running_bot.app.db.transaction() as session:
        examples = FaqExampleRepository(session)
        for n in range(10):
            question = f"soal-{n} & <b> " + "😀" * 185
            at = newest - timedelta(days=9 - n)
            await examples.label(question, entries[n % 3], at)

    admin = Chat(fake_api, ADMIN_ID)
    first = await admin.send(
        "/faqajaran",
        "(10)",
        "Halaman 1 dari 2",
        "1. “soal-9 &amp; &lt;b&gt; 😀",
        "…” → “Apakah ada uang saku",  # entry of label 9 (9 % 3 == 0)
        "· diajarkan 24 Nov 2026",
        "2. “soal-8 &amp;",
        "…” → “no-such-entry” · diajarkan 23 Nov 2026",
        "3. “soal-7 &amp;",
        "…” → Untuk petugas · diajarkan 22 Nov 2026",
        "8. “soal-2 &amp;",
    )
    assert "soal-1 " not in (first.text or "")
    assert [label for label, _ in first.buttons] == [
        *(f"🗑 Hapus {n}" for n in range(1, 9)),
        "Berikutnya ▶️",
    ]
    second = await admin.press("Berikutnya ▶️", "Halaman 2 dari 2", "9. “soal-1", "10. “soal-0")
    assert [label for label, _ in second.buttons] == ["🗑 Hapus 9", "🗑 Hapus 10", "◀️ Sebelumnya"]
    await admin.press("🗑 Hapus 10", "Hapus ajaran ini?", "soal-0 &amp; &lt;b&gt; " + "😀" * 185)
    await admin.press("🗑 Ya, hapus", "Ajaran dihapus", "(9)", "Halaman 2 dari 2", "9. “soal-1")
    assert [question[:6] for _, question, _ in await stored(running_bot)] == [
        f"soal-{n}" for n in range(1, 10)
    ]
    await admin.press("◀️ Sebelumnya", "Halaman 1 dari 2", "1. “soal-9")


@pytest.mark.usefixtures("app")  # BLK_A_STAFF is a coordinator
async def test_two_deletes_at_once_delete_once_and_only_admins_may(
    running_bot: RunningBot,
) -> None:
    assert running_bot.app is not None
    bot_app = running_bot.app
    async with bot_app.db.transaction() as session:
        label_id = await FaqExampleRepository(session).label(UNIFORM, "uang-saku", NOW)
    teaching = bot_app.services.faq_teaching
    assert await teaching.refresh()
    for call in (teaching.labels(BLK_A_STAFF), teaching.untaught(BLK_A_STAFF, label_id)):
        with pytest.raises(NotPermitted):
            await call

    results = await asyncio.gather(
        teaching.untaught(ADMIN_ID, label_id),
        teaching.untaught(ADMIN_ID, label_id),
        return_exceptions=True,
    )
    assert sorted(type(result).__name__ for result in results) == ["Label", "LabelGone"]
    assert Label(label_id, UNIFORM, "uang-saku", NOW.date()) in results
    assert any(isinstance(result, LabelGone) for result in results)
    async with bot_app.db.transaction() as session:
        stmt = select(AuditEntry).where(AuditEntry.action == "faq.untaught")
        assert len((await session.execute(stmt)).scalars().all()) == 1
    assert bot_app.services.faq.match(UNIFORM).matches == ()
