"""End to end: a broadcast through a Telegram outage, and its failed messages sent again.

The coordinator's progress says how many messages wait while the sender waits the
outage out, every recipient then gets the message once, and the final report's "Kirim
ulang yang gagal" queues the failed ones again for the broadcast's author only. The
sender's circuit breaker runs on a clock the test moves (`Ticks`).
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import timedelta

from aiogram import Bot
from sqlalchemy import select

from bot.coordinators.roles import Scope
from bot.delivery.circuit_breaker import CircuitBreaker
from bot.delivery.sender import Sender
from bot.runtime.app import App
from handlers.common.callbacks import BroadcastAction, BroadcastCb
from handlers.delivery.templates import notice_renderer
from storage.models import AuditEntry
from tests.fake_bot_api import FakeBotAPI
from tests.harness import ADMIN_ID, Chat, RunningBot
from tests.test_broadcasts import BLK_A
from tests.test_circuit_breaker import Ticks
from tests.test_coordinator_flow import (
    blk_a_coordinator,
    committed,
    compose_and_send,
    progress_round,
)

RECIPIENTS = (101, 102, 106)
STALE = "Tombol ini sudah tidak berlaku."


def deliveries(fake: FakeBotAPI) -> Counter[int | None]:
    """Broadcast messages Telegram accepted, per recipient."""
    return Counter(
        call.chat_id
        for call in fake.calls
        if call.method == "sendMessage" and call.ok and call.chat_id in RECIPIENTS
    )


def sender_with(app: App, bot: Bot, breaker: CircuitBreaker) -> Sender:
    render = notice_renderer(app.services, app.i18n)
    return Sender(app.db, bot, render=render, per_chat_interval=0, clock=app.clock, breaker=breaker)


async def test_progress_counts_the_messages_waiting_out_an_outage_and_each_arrives_once(
    fake_api: FakeBotAPI, running_bot: RunningBot, sender_bot: Bot
) -> None:
    app, chat = await blk_a_coordinator(fake_api, running_bot)
    app.services.broadcasts.throttle.min_interval = 0
    await compose_and_send(chat, fake_api)
    ticks = Ticks()
    sender = sender_with(app, sender_bot, CircuitBreaker(clock=ticks))

    fake_api.outage("sendMessage")
    await sender.run_once()  # three refusals in a row: the sender pauses
    assert sender.breaker.is_open and fake_api.outage_refused == 3
    await app.services.broadcasts.update_progress(telegram_down=sender.breaker.is_open)
    ticks.t += sender.breaker.probe_in() or 0
    await sender.run_once()  # one probe, refused; the progress edit waits too
    assert fake_api.outage_refused == 4 and sender.breaker.is_open

    fake_api.outage_over()
    running_bot.clock.set(running_bot.clock.now() + timedelta(seconds=5))
    ticks.t += sender.breaker.probe_in() or 0
    await sender.run_once()  # the probe gets through: everything goes
    waiting = await chat.expect("Terkirim 0 / 3", "Menunggu 3 (Telegram sedang gangguan")
    assert waiting.method == "editMessageText"
    await app.services.broadcasts.update_progress(telegram_down=sender.breaker.is_open)
    await sender.run_once()
    report = await chat.expect("<b>Siaran #1 selesai</b>", "Terkirim: 3 dari 3", "Gagal: 0")
    assert report.buttons == []
    assert deliveries(fake_api) == Counter(RECIPIENTS)


async def test_failed_messages_are_sent_again_from_the_report_by_its_author(
    fake_api: FakeBotAPI, running_bot: RunningBot, sender_bot: Bot
) -> None:
    app, chat = await blk_a_coordinator(fake_api, running_bot)
    await compose_and_send(chat, fake_api)
    fake_api.block(102)
    fake_api.fail_next(
        "sendMessage", error_code=400, description="Bad Request: chat not found", chat_id=106
    )
    await progress_round(app, sender_bot)  # the recipients
    await progress_round(app, sender_bot)  # the report
    report = await chat.expect("<b>Siaran #1 selesai</b>", "Terkirim: 1 dari 3", "Gagal: 1")
    retry = BroadcastCb(action=BroadcastAction.RETRY_FAILED, broadcast=1).pack()
    assert report.buttons == [("🔁 Kirim ulang yang gagal", retry)]
    await chat.expect("Pesan yang tidak terkirim")

    other = Chat(fake_api, 7002)  # another coordinator of the same BLK
    await app.services.roles.grant(ADMIN_ID, other.user_id, Scope.blk(BLK_A))
    await other.send("/id", str(other.user_id))
    for data in (retry, "bc1:retry:99", f"bc1:retry:{2**31}"):
        assert (await other.answer_to(data)).params["text"] == STALE, data

    chat.last = report
    await chat.press("Kirim ulang yang gagal", "Siaran #1: 1 pesan yang gagal dikirim ulang")
    await committed(fake_api)
    await progress_round(app, sender_bot)  # 106 again, and the progress
    await chat.expect("Terkirim 1 / 3", "Menunggu 1, gagal 0")
    await progress_round(app, sender_bot)
    again = await chat.expect(
        "<b>Siaran #1 selesai</b>",
        "Terkirim: 2 dari 3",
        "Tidak terjangkau (memblokir bot): 1",
        "Gagal: 0",
    )
    assert again.buttons == []
    assert deliveries(fake_api) == Counter({101: 1, 106: 1})
    assert [c.status for c in fake_api.calls if c.chat_id == 102 and c.method == "sendMessage"] == [
        403
    ]  # a chat that blocked the bot is not tried again
    nothing = await chat.answer_to(retry)
    assert nothing.params["text"] == "Tidak ada pesan gagal yang bisa dikirim ulang di siaran ini."

    async with app.db.transaction() as session:
        entries = (
            await session.execute(
                select(AuditEntry.actor_id, AuditEntry.details).where(
                    AuditEntry.action == "broadcast.retried"
                )
            )
        ).all()
    assert [(actor, json.loads(details)) for actor, details in entries] == [
        (chat.user_id, {"broadcast_id": 1, "count": 1})
    ]
