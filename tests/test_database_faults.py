"""Database faults while updates are handled: nothing lost, nothing answered twice.

PostgreSQL connections are cut through a proxy, SQLite statements fail as busy
(tests/database_faults.py), while the bot runs as `blk-bot run` runs it: poller, outbox
sender and periodic jobs.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from aiogram import Bot
from aiogram.types import Update
from sqlalchemy.exc import OperationalError

from bot.clock import Clock
from tests.database_faults import DatabaseFaults, faults_for
from tests.fake_bot_api import FakeBotAPI
from tests.harness import Chat, RunningBot, make_settings
from tests.language_burst import answers, lost_and_twice, press_languages, reply_statuses

PEOPLE = range(6_100_001, 6_100_051)  # 50 people pressing 3 times: 150 updates
PRESSES = 3
STRIKE_AT = (15, 45, 75, 105)  # answers delivered when the database fails next
WAIT = 120


@pytest.fixture
async def faults(database_url: str) -> AsyncIterator[DatabaseFaults]:
    faults = await faults_for(database_url)
    yield faults
    await faults.close()


async def test_faults_during_a_burst_lose_no_update_and_answer_none_twice(
    fake_api: FakeBotAPI,
    faults: DatabaseFaults,
    database_url: str,
    redis_url: str | None,
    data_key: str,
) -> None:
    settings = make_settings(fake_api, faults.url, redis_url, data_key)
    bot = RunningBot(settings, clock=Clock(), serving=True)
    await bot.start()
    assert bot.app is not None
    faults.attach(bot.app.db)
    burst = press_languages(fake_api, PEOPLE, PRESSES)

    def answered(count: int) -> Callable[[], bool]:
        return lambda: len(answers(fake_api, burst)) >= count

    try:
        for count in STRIKE_AT:
            await fake_api._wait(answered(count), WAIT, f"{count} answers")
            faults.strike()
        await fake_api.wait_confirmed(burst.last_update, timeout=WAIT)
        await fake_api._wait(answered(burst.size), WAIT, "every answer")
        # A press's pop-up may follow its message: stopping first would cut it off.
        await fake_api._wait(
            lambda: len(fake_api.answered_callbacks) >= burst.size, WAIT, "every press"
        )
    finally:
        await bot.stop()
    assert faults.strikes == len(STRIKE_AT) and faults.hits >= len(STRIKE_AT)
    # No apology either: an error reply would count as an answer too many.
    assert lost_and_twice(fake_api, burst) == (0, 0)
    presses = Counter(
        call.params["callback_query_id"]
        for call in fake_api.calls
        if call.method == "answerCallbackQuery" and call.ok
    )
    assert len(presses) == burst.size and set(presses.values()) == {1}
    # Nothing waits for later: every answer written is settled as sent.
    assert await reply_statuses(database_url) == {"sent": 2 * burst.size}


async def test_a_database_fault_inside_a_handler_is_retried_not_apologised_for(
    fake_api: FakeBotAPI, running_bot: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The connection drops just after the handler wrote: the errors router must not
    answer it as a crash; the update's transaction rolls back and the press is handled
    again, answered once."""
    assert running_bot.app is not None
    preferences = running_bot.app.services.preferences
    set_locale, failed = preferences.set_locale, []

    async def dropped_once(telegram_id: int, locale: str) -> None:
        await set_locale(telegram_id, locale)
        if not failed:
            failed.append(locale)
            raise OperationalError("UPDATE", None, ConnectionResetError())

    monkeypatch.setattr(preferences, "set_locale", dropped_once)
    chat = Chat(fake_api, user_id=6_300_001)
    press = fake_api.callback(chat.user_id, "l1:en", message_id=1)
    await chat.expect("Language changed to English.")
    await fake_api.wait_confirmed(press)
    assert failed == ["en"]
    assert fake_api.sent_texts(chat.user_id) == ["Language changed to English."]
    assert [c.method for c in fake_api.calls_to(chat.user_id)].count("answerCallbackQuery") == 1


async def test_an_update_failing_every_time_is_given_up_after_its_tries(
    fake_api: FakeBotAPI,
    running_bot: RunningBot,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A bug the errors router does not catch is tried UPDATE_ATTEMPTS times, then the
    update is recorded as handled with one error line; the person's next one is answered."""
    chat = Chat(fake_api, user_id=6_200_001)
    dispatcher = running_bot._dp
    assert dispatcher is not None
    feed_update = dispatcher.feed_update
    poison = fake_api.message(chat.user_id, "/start")

    async def broken_for_the_poison(bot: Bot, update: Update, **kwargs: Any) -> Any:
        if update.update_id == poison:
            raise RuntimeError("a bug")
        return await feed_update(bot, update, **kwargs)

    monkeypatch.setattr(dispatcher, "feed_update", broken_for_the_poison)
    with caplog.at_level(logging.WARNING, logger="bot.delivery"):
        await fake_api.wait_confirmed(poison, timeout=WAIT)
        await chat.send("/start", "gratis")
    tries = [r for r in caplog.records if r.getMessage().startswith(f"update {poison} failed")]
    assert [r.levelno for r in tries] == [logging.WARNING] * 2 + [logging.ERROR]
    assert "recorded as handled" in tries[-1].getMessage()
    assert "a bug" not in caplog.text  # crash lines carry types and frames, not messages
    assert len(fake_api.sent_texts(chat.user_id)) == 1  # the poison update had no answer
