"""An answer Telegram cannot take right now is not lost: the outbox sender delivers it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from aiogram import Bot

from bot.delivery.sender import Sender
from storage.outbox_repository import REPLY
from tests.fake_bot_api import FakeBotAPI
from tests.harness import RunningBot
from tests.test_attendance_flow import rows_for

USER = 5301


def help_messages(fake_api: FakeBotAPI) -> list[bool]:
    """Whether each /bantuan answer to USER was accepted, in order."""
    return [
        call.ok
        for call in fake_api.calls
        if call.method == "sendMessage" and call.chat_id == USER and "/batal" in (call.text or "")
    ]


@pytest.mark.parametrize(
    ("error_code", "description", "retry_after"),
    [(502, "Bad Gateway", None), (429, "Too Many Requests: retry after 3", 3)],
)
async def test_answer_refused_for_now_is_delivered_later_by_the_sender(
    fake_api: FakeBotAPI,
    running_bot: RunningBot,
    sender_bot: Bot,
    error_code: int,
    description: str,
    retry_after: int | None,
) -> None:
    fake_api.fail_next(
        "sendMessage",
        error_code=error_code,
        description=description,
        retry_after=retry_after,
        chat_id=USER,
    )
    update_id = fake_api.message(USER, "/bantuan")
    await fake_api.wait_confirmed(update_id)
    [row] = await rows_for(running_bot, USER, REPLY)
    clock = running_bot.clock
    assert row.status == "pending" and row.claimed_by is None
    assert row.not_before == clock.now() + timedelta(seconds=retry_after or 2)
    assert help_messages(fake_api) == [False]

    sender = Sender(running_bot.app.db, sender_bot, clock=clock)
    assert await sender.run_once() == 0  # not before the delay has passed on the app's clock
    clock.set(row.not_before)
    assert await sender.run_once() == 1
    assert help_messages(fake_api) == [False, True]
    [row] = await rows_for(running_bot, USER, REPLY)
    assert row.status == "sent"


async def test_an_answer_telegram_cannot_take_within_an_hour_is_dropped(
    fake_api: FakeBotAPI, running_bot: RunningBot, sender_bot: Bot
) -> None:
    """REPLY_EXPIRY_MINUTES (60): later, it would answer a question no longer in front of
    the person."""
    fake_api.outage("sendMessage")
    update_id = fake_api.message(USER, "/bantuan")
    await fake_api.wait_confirmed(update_id)
    clock = running_bot.clock
    [row] = await rows_for(running_bot, USER, REPLY)
    assert row.status == "pending" and row.expires_at == clock.now() + timedelta(minutes=60)

    fake_api.outage_over()
    clock.set(row.expires_at)
    assert await Sender(running_bot.app.db, sender_bot, clock=clock).run_once() == 1
    [row] = await rows_for(running_bot, USER, REPLY)
    assert row.status == "expired" and help_messages(fake_api) == [False]
