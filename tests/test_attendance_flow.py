"""End to end: a reminder reaches the chat, "Tidak bisa hadir" frees the seat, the next in
line is told through the outbox.

The render hook's message is sent the way the sender sends it (`build_method`), with a
plain Bot, and the clock is moved to the reminder's due time instead of waiting.
"""

from __future__ import annotations

from aiogram import Bot
from sqlalchemy import select

from bot.delivery.outbox import Outgoing
from bot.delivery.outbox_calls import build_method
from handlers.delivery.templates import notice_renderer
from storage.models import Attendance, OutboxMessage
from tests.enrollment_setup import add_batch
from tests.fake_bot_api import FakeBotAPI
from tests.harness import Chat, RunningBot
from tests.test_training_flow import JAKSEL, registered


async def rows_for(running_bot: RunningBot, chat_id: int, kind: str) -> list[OutboxMessage]:
    async with running_bot.app.db.transaction() as session:
        stmt = (
            select(OutboxMessage)
            .where(OutboxMessage.chat_id == chat_id, OutboxMessage.kind == kind)
            .order_by(OutboxMessage.not_before)
        )
        return list((await session.execute(stmt)).scalars())


async def deliver(running_bot: RunningBot, bot: Bot, row: OutboxMessage) -> None:
    """What the sender does with a template row: render it, then make the Bot API call."""
    app = running_bot.app
    outgoing = await notice_renderer(app.services, app.i18n)(row)
    assert isinstance(outgoing, Outgoing) and outgoing.method == "sendMessage"
    await bot(build_method(outgoing, row.chat_id))


async def attendance_of(running_bot: RunningBot, enrollment_id: int) -> str | None:
    async with running_bot.app.db.transaction() as session:
        row = await session.get(Attendance, enrollment_id)
        return row.answer if row else None


async def test_cannot_attend_cancel_and_the_waitlist_moves_up(
    fake_api: FakeBotAPI, running_bot: RunningBot, sender_bot: Bot
) -> None:
    app = running_bot.app
    batch = await add_batch(app.db, JAKSEL, capacity=1, title="Kuliner Gelombang 1")
    budi = await registered(fake_api, 5601, "3201011201900001")
    siti = await registered(fake_api, 5602, "3201011201900002")
    await app.services.enrollment.enroll(budi.user_id, batch, waitlist=False)
    await app.services.enrollment.enroll(siti.user_id, batch, waitlist=True)
    assert await rows_for(running_bot, siti.user_id, "reminder") == []

    day_before = (await rows_for(running_bot, budi.user_id, "reminder"))[1]
    running_bot.clock.set(day_before.not_before)
    await deliver(running_bot, sender_bot, day_before)
    reminder = await budi.expect(
        "dimulai besok", "Kuliner Gelombang 1", "Pusat Pelatihan Kerja Daerah", "10.00 WIB"
    )
    # One address format everywhere: street, regency (once), province.
    assert "📍 Kota Administrasi Jakarta Selatan, " in reminder.text
    assert "📍 Lokasi BLK" in [label for label, _ in reminder.buttons]

    budi.press_on(reminder, "Saya akan hadir")
    await budi.expect("kehadiran Anda sudah dicatat")
    assert await attendance_of(running_bot, day_before.enrollment_id) == "yes"

    budi.press_on(reminder, "Tidak bisa hadir")  # plans changed: the latest answer counts
    await budi.expect("Agar kursi Anda bisa dipakai orang lain")
    assert await attendance_of(running_bot, day_before.enrollment_id) == "no"
    await budi.press("Batalkan kursi saya", "Batalkan jadwal Anda?")
    await budi.press("Ya, batalkan", "sudah dibatalkan")

    assert await rows_for(running_bot, budi.user_id, "reminder") == []
    assert (await app.services.enrollment.batch(batch)).seats_left == 0  # the seat went to Siti
    [notice] = await rows_for(running_bot, siti.user_id, "promotion")
    # The 1-day reminder is due right now, so only the 2-hour one is still ahead.
    [ahead] = await rows_for(running_bot, siti.user_id, "reminder")
    assert ahead.not_before > day_before.not_before
    await deliver(running_bot, sender_bot, notice)
    await siti.expect("Kabar baik", "kursi sudah pasti", "Kuliner Gelombang 1")

    # The old reminder's buttons no longer belong to a seat.
    alert = await budi.answer_to(reminder.button_data("Saya akan hadir"))
    assert alert.params["text"] == "Tombol ini sudah tidak berlaku."


async def test_move_offered_and_forged_answers_refused(
    fake_api: FakeBotAPI, running_bot: RunningBot, sender_bot: Bot
) -> None:
    app = running_bot.app
    first = await add_batch(app.db, JAKSEL, capacity=3, title="Kuliner Gelombang 1")
    later = await add_batch(app.db, JAKSEL, capacity=3, title="Kuliner Gelombang 2")
    budi = await registered(fake_api, 5701, "3201011201900001")
    siti = await registered(fake_api, 5702, "3201011201900002")
    await app.services.enrollment.enroll(budi.user_id, first, waitlist=False)
    await app.services.enrollment.enroll(siti.user_id, later, waitlist=False)
    [siti_row, *_] = await rows_for(running_bot, siti.user_id, "reminder")

    for forged in (f"at1:yes:{siti_row.enrollment_id}", "at1:no:999999"):
        alert = await budi.answer_to(forged)
        assert alert.params["text"] == "Tombol ini sudah tidak berlaku."
    stranger = Chat(fake_api, user_id=5703)
    await stranger.send("/bantuan", "/daftar")  # a press comes from a message in the chat
    alert = await stranger.answer_to(f"at1:no:{siti_row.enrollment_id}")
    assert alert.params["text"] == "Tombol ini sudah tidak berlaku."
    assert await attendance_of(running_bot, siti_row.enrollment_id) is None

    [budi_row, *_] = await rows_for(running_bot, budi.user_id, "reminder")
    await deliver(running_bot, sender_bot, budi_row)
    await budi.expect("Pengingat")
    await budi.press("Tidak bisa hadir", "Agar kursi Anda")
    await budi.press("Pindah ke gelombang lain", "Pilih gelombang baru", "Kuliner Gelombang 2")
    await budi.press("Pilih 1", "Jadwal Anda sudah dipindah")
    moved = await rows_for(running_bot, budi.user_id, "reminder")
    assert moved and {row.enrollment_id for row in moved} != {budi_row.enrollment_id}
