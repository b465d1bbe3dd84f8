"""End to end: "Tanya petugas" from the question to the close, through the real outbox sender.

People and places come from `tests.test_broadcasts.build_world` (101 trains at blk-a,
103 at blk-b, 104 lives in province 32 without a seat). The outbox is delivered by a
`Sender` with the production render hook, run once whenever a test wants it delivered.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from aiogram import Bot
from sqlalchemy import select

from bot.coordinators.roles import Scope
from bot.delivery.sender import Sender
from bot.registration.nik import mask_nik
from bot.runtime.app import App
from handlers.common.callbacks import TicketAction, TicketCb
from handlers.delivery.templates import notice_renderer
from storage.models import AuditEntry, Ticket
from tests.enrollment_setup import nik_for
from tests.fake_bot_api import ApiCall, FakeBotAPI
from tests.harness import ADMIN_ID, NOW, Chat, RunningBot
from tests.test_broadcasts import BLK_A, BLK_B, build_world

BLK_A_STAFF, BLK_B_STAFF, PROVINCE_STAFF = 7001, 7004, 7002
STALE = "Tombol ini sudah tidak berlaku."


@pytest.fixture
async def app(running_bot: RunningBot) -> App:
    assert running_bot.app is not None
    app = running_bot.app
    await build_world(app.db, app.services.registrations, app.services.privacy)
    await app.services.roles.grant(ADMIN_ID, BLK_A_STAFF, Scope.blk(BLK_A))
    await app.services.roles.grant(ADMIN_ID, BLK_B_STAFF, Scope.blk(BLK_B))
    return app


async def deliver(running_bot: RunningBot, bot: Bot) -> int:
    """Everything due in the outbox, sent as `blk-bot run` sends it."""
    app = running_bot.app
    assert app is not None
    render = notice_renderer(app.services, app.i18n)
    sender = Sender(app.db, bot, render=render, per_chat_interval=0, clock=app.clock)
    return await sender.run_once()


def reply_to(fake: FakeBotAPI, user_id: int, text: str, message: dict[str, Any]) -> None:
    """The user answers `message` with Telegram's reply."""
    fake.message(user_id, text, reply_to_message=message)


async def ask(user: Chat, question: str) -> ApiCall:
    await user.send("/tanya", "Tanya petugas", "maksimal 1.000 karakter")
    return await user.send(question, "terkirim dengan nomor")


async def test_question_answer_follow_up_and_close(
    fake_api: FakeBotAPI, running_bot: RunningBot, app: App, sender_bot: Bot
) -> None:
    user = Chat(fake_api, 101)
    await user.send("/tanya", "Tanya petugas")
    fake_api.sticker(101)
    await user.expect("sebagai teks biasa")
    fake_api.photo(101, caption="lihat foto")
    await user.expect("sebagai teks biasa")
    await user.send("x" * 1001, "Pesan Anda 1.001 karakter, batasnya 1.000")
    injected = '<b>Tolong</b> <a href="https://evil.example">klik</a> kapan mulai?'
    await user.send(injected, "terkirim dengan nomor <b>#1</b>")

    assert await deliver(running_bot, sender_bot) == 1
    staff = Chat(fake_api, BLK_A_STAFF)
    notice = await staff.expect(
        "🎫 #1 · Pertanyaan baru",
        "Peserta 101",
        f"NIK {mask_nik(nik_for(101))}",
        "A satu",
        '&lt;b&gt;Tolong&lt;/b&gt; &lt;a href="https://evil.example"&gt;klik&lt;/a&gt;',
    )
    assert nik_for(101) not in (notice.text or "")
    assert "<a href" not in (notice.text or "")
    assert fake_api.calls_to(BLK_B_STAFF) == []  # another BLK is not told

    # The coordinator answers with Telegram's reply to the notice.
    reply_to(fake_api, BLK_A_STAFF, "Kelas mulai Senin <i>pagi</i>.", notice.result)
    await staff.expect("Jawaban untuk pertanyaan #1 terkirim")
    assert await deliver(running_bot, sender_bot) == 1
    answer = await user.expect(
        "🎫 #1 · Jawaban petugas", "Kelas mulai Senin &lt;i&gt;pagi&lt;/i&gt;."
    )
    assert [label for label, _ in answer.buttons] == ["✍️ Balas", "✅ Selesai"]

    # The asker writes back: the ticket is open again and the coordinator is told.
    await user.press("Balas", "Tulis balasan Anda untuk pertanyaan #1")
    await user.send("Jam berapa?", "Balasan Anda untuk pertanyaan #1 terkirim")
    assert await deliver(running_bot, sender_bot) == 1
    await staff.expect("🎫 #1 · Penanya menulis lagi", "Jam berapa?")
    await staff.press("Balas", "Tulis jawaban untuk pertanyaan #1")
    await staff.send("Jam 08.00 WIB.", "Jawaban untuk pertanyaan #1 terkirim")
    assert await deliver(running_bot, sender_bot) == 1
    await user.expect("🎫 #1 · Jawaban petugas", "Jam 08.00 WIB.")
    await user.press("Selesai", "Pertanyaan #1 ditutup")

    async with app.db.transaction() as session:
        ticket = (await session.execute(select(Ticket))).scalar_one()
        audit = list((await session.execute(select(AuditEntry))).scalars())
    assert ticket.status == "closed"
    assert [(a.actor_id, a.action) for a in audit if a.action.startswith("ticket.")] == [
        (BLK_A_STAFF, "ticket.answered"),
        (BLK_A_STAFF, "ticket.answered"),
    ]
    listing = await user.send("/tiket", "Pertanyaan Anda ke petugas", "#1 · ✅ selesai")
    assert [label for label, _ in listing.buttons] == ["Lihat #1"]
    closed = await user.press(
        "Lihat #1", "🎫 #1", "Kelas mulai Senin", "Jam berapa?", "Jam 08.00 WIB."
    )
    assert [label for label, _ in closed.buttons] == ["⬅️ Kembali ke daftar"]  # the way back
    await user.press("Kembali ke daftar", "Pertanyaan Anda ke petugas", "#1 · ✅ selesai")
    await staff.send("/tiket", "Tidak ada pertanyaan yang menunggu jawaban")
    # Old buttons of a closed ticket do nothing.
    alert = await user.answer_to(answer.button_data("Balas"))
    assert alert.params["text"] == STALE


async def test_other_blks_and_other_people_cannot_see_or_answer(
    fake_api: FakeBotAPI, running_bot: RunningBot, app: App, sender_bot: Bot
) -> None:
    await ask(Chat(fake_api, 101), "Pertanyaan dari blk-a")
    other_user = Chat(fake_api, 103)
    await ask(other_user, "Pertanyaan dari blk-b")
    await deliver(running_bot, sender_bot)
    notice = await Chat(fake_api, BLK_A_STAFF).expect("🎫 #1")
    await Chat(fake_api, BLK_B_STAFF).expect("🎫 #2")

    # A coordinator of another BLK: a plain refusal, by reply and by button.
    outsider = Chat(fake_api, BLK_B_STAFF)
    reply_to(fake_api, BLK_B_STAFF, "Saya jawab", notice.result)
    await outsider.expect("Pertanyaan #1 tidak ada di wilayah Anda")
    for action in (TicketAction.ANSWER, TicketAction.STAFF_VIEW):
        forged = await outsider.answer_to(TicketCb(action=action, ticket=1).pack())
        assert forged.params["text"] == STALE
    listing = await outsider.send("/tiket", "wilayah Anda: 1")
    assert [label for label, _ in listing.buttons] == ["Lihat #2"]
    detail = await outsider.press("Lihat #2", "🎫 #2", "Pertanyaan dari blk-b")
    assert [label for label, _ in detail.buttons] == ["✍️ Balas", "⬅️ Kembali ke daftar"]
    await outsider.press("Kembali ke daftar", "wilayah Anda: 1")

    # Someone who is no coordinator learns nothing.
    reply_to(fake_api, 103, "Saya jawab juga", notice.result)
    heard = await other_user.next()  # the answer any free text gets: nothing of ticket #1
    assert "#1" not in (heard.text or "") and "Saya jawab juga" not in (heard.text or "")
    mine = await other_user.send("/tiket", "Pertanyaan Anda ke petugas", "#2 ·")
    assert "#1" not in (mine.text or "")
    assert [label for label, _ in mine.buttons] == ["Lihat #2"]
    for action in set(TicketAction) - {TicketAction.LIST}:
        forged = await other_user.answer_to(TicketCb(action=action, ticket=1).pack())
        assert forged.params["text"] == STALE, action
    # "Back to the list" names the ticket left, but shows the presser's own list.
    fake_api.callback(other_user.user_id, TicketCb(action=TicketAction.LIST, ticket=1).pack())
    back = await other_user.expect("Pertanyaan Anda ke petugas", "#2 ·")
    assert "#1" not in (back.text or "")
    forged = await other_user.answer_to("tk1:view:999999")
    assert forged.params["text"] == STALE
    async with app.db.transaction() as session:
        statuses = list((await session.execute(select(Ticket.status))).scalars())
    assert statuses == ["open", "open"]


async def test_unanswered_question_escalates_to_the_admin_once(
    fake_api: FakeBotAPI, running_bot: RunningBot, app: App, sender_bot: Bot
) -> None:
    await app.services.roles.grant(ADMIN_ID, PROVINCE_STAFF, Scope.province("32"))
    user = Chat(fake_api, 104)
    await user.send("/start", "Selamat datang")
    await user.expect("Apa yang ingin Anda lakukan?")
    await user.press("Tanya petugas", "Tanya petugas")
    await user.send("Bagaimana cara daftar?", "terkirim dengan nomor <b>#1</b>")
    await deliver(running_bot, sender_bot)
    await Chat(fake_api, PROVINCE_STAFF).expect("🎫 #1 · Pertanyaan baru")

    hours = app.settings.ticket_escalation_hours
    assert await app.services.tickets.escalate_due(NOW + timedelta(hours=hours - 1)) == 0
    assert await app.services.tickets.escalate_due(NOW + timedelta(hours=hours)) == 1
    assert await deliver(running_bot, sender_bot) == 1
    admin = Chat(fake_api, ADMIN_ID)
    escalation = await admin.expect(
        f"🎫 #1 · Belum dijawab lebih dari {hours} jam", "Bagaimana cara daftar?"
    )
    assert await app.services.tickets.escalate_due(NOW + timedelta(hours=3 * hours)) == 0
    await running_bot.restart()
    assert running_bot.app is not None
    assert await running_bot.app.services.tickets.escalate_due(NOW + timedelta(days=30)) == 0
    assert await deliver(running_bot, sender_bot) == 0

    # The admin answers the escalation right there.
    reply_to(fake_api, ADMIN_ID, "Ketik /daftar.", escalation.result)
    await admin.expect("Jawaban untuk pertanyaan #1 terkirim")
    await deliver(running_bot, sender_bot)
    await user.expect("🎫 #1 · Jawaban petugas", "Ketik /daftar.")


async def test_cancel_and_help_lead_to_a_person(
    fake_api: FakeBotAPI, running_bot: RunningBot, app: App
) -> None:
    user = Chat(fake_api, 200)
    help_text = await user.send("/bantuan", "Bantuan")
    assert "🙋 Tanya petugas" in [label for label, _ in help_text.buttons]
    await user.press("Tanya petugas", "Tulis pertanyaan Anda")
    await user.send("/batal", "")
    await user.expect("Apa yang ingin Anda lakukan?")
    await user.send("/tiket", "Anda belum pernah bertanya")
    async with app.db.transaction() as session:
        assert list((await session.execute(select(Ticket))).scalars()) == []


async def test_a_fourth_waiting_question_is_refused_politely(
    fake_api: FakeBotAPI, running_bot: RunningBot, app: App
) -> None:
    user = Chat(fake_api, 101)
    for question in ("Kapan mulai?", "Di mana tempatnya?", "Apakah gratis?"):  # the default: 3
        await ask(user, question)
    await user.send("/tanya", "masih menunggu jawaban untuk 3 pertanyaan", "/tiket")
    reply = await user.send("Bawa apa saja?")  # no question was asked for: not a ticket
    assert "terkirim" not in (reply.text or "")
    async with app.db.transaction() as session:
        assert len((await session.execute(select(Ticket))).scalars().all()) == 3
