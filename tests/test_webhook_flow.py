"""Webhook mode end to end: the fake Bot API POSTs each update to the bot, as Telegram does.

A 2xx must mean the update is handled for good; anything else makes the fake (and
Telegram) deliver it again, so a refused delivery must leave no trace and a repeated one
no second effect.
"""

from __future__ import annotations

import asyncio
import copy
import signal
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from pydantic import SecretStr

from bot.clock import Clock
from tests.database_faults import DatabaseFaults, faults_for
from tests.fake_bot_api import FakeBotAPI
from tests.fake_bot_api.webhook import SECRET_HEADER
from tests.harness import Chat, RunningBot, make_settings
from tests.test_process import START_TIMEOUT, _run_env

SECRET = "s3cret-Token_for-tests"
RETRY_DELAY = 0.05  # seconds before the fake delivers a refused update again


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _webhook_bot(
    fake: FakeBotAPI, database_url: str, redis_url: str | None, key: str, **kw: Any
) -> RunningBot:
    port = _free_port()
    settings = make_settings(fake, database_url, redis_url, key).model_copy(
        update={
            "webhook_url": f"http://127.0.0.1:{port}/telegram/hook",
            "webhook_secret": SecretStr(SECRET),
            "webhook_listen": f"127.0.0.1:{port}",
        }
    )
    fake.webhook_retry_delay = RETRY_DELAY
    return RunningBot(settings, **kw)


@pytest.fixture
async def faults(database_url: str) -> AsyncIterator[DatabaseFaults]:
    faults = await faults_for(database_url)
    yield faults
    await faults.close()


def _queued(fake: FakeBotAPI, update_id: int) -> dict[str, Any]:
    """A copy of a queued update, to deliver it again later."""
    return copy.deepcopy(next(u for u in fake.pending_updates if u["update_id"] == update_id))


async def test_a_journey_over_the_webhook_answers_once_per_update(
    fake_api: FakeBotAPI, database_url: str, redis_url: str | None, data_key: str
) -> None:
    bot = _webhook_bot(fake_api, database_url, redis_url, data_key, clock=Clock(), serving=True)
    await bot.start()
    try:
        chat = Chat(fake_api, user_id=5_301_001)
        await chat.send("/start", "gratis")
        menu = await chat.expect("Apa yang ingin Anda lakukan?")
        chat.press_on(menu, "Daftar pelatihan")
        await chat.expect("Persetujuan penggunaan data pribadi")
        await chat.press("Saya setuju", "nama lengkap")
        name = fake_api.message(chat.user_id, "Budi Santoso")
        again = _queued(fake_api, name)
        await chat.expect("NIK")
        await fake_api.wait_delivered(name)
        answered = len(fake_api.calls_to(chat.user_id))
        # The bot's 200 was lost, say: Telegram delivers the same update again.
        fake_api.push_update(again)
        await fake_api.wait_delivered(name, times=2)
        assert len(fake_api.calls_to(chat.user_id)) == answered  # answers go before the 200
        await chat.send("3201011201900001", "Jumat, 12 Januari 1990")
        await _wrong_secret_is_refused_and_not_handled(fake_api, bot)
    finally:
        await bot.stop()
    [hook] = [c for c in fake_api.calls if c.method == "setWebhook"]
    assert hook.params["secret_token"] == SECRET and hook.params["drop_pending_updates"] is False
    assert {"message", "callback_query"} <= set(hook.params["allowed_updates"])
    assert not [c for c in fake_api.calls if c.method in ("getUpdates", "deleteWebhook")]
    assert {d.status for d in fake_api.webhook_log} == {200}


async def _wrong_secret_is_refused_and_not_handled(fake: FakeBotAPI, bot: RunningBot) -> None:
    """401 without the secret, and the update is still new when it comes with it."""
    url = bot.settings.webhook_url
    assert url is not None
    user = {"id": 5_301_002, "is_bot": False, "first_name": "Sari", "language_code": "id"}
    update = {
        "update_id": fake.new_update_id(),
        "message": {
            "message_id": 1,
            "date": fake.now(),
            "chat": {"id": user["id"], "type": "private", "first_name": "Sari"},
            "from": user,
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }
    async with aiohttp.ClientSession() as http:
        for headers in ({}, {SECRET_HEADER: "wrong"}, {SECRET_HEADER: SECRET + "x"}):
            async with http.post(url, json=update, headers=headers) as response:
                assert response.status == 401
        assert fake.calls_to(user["id"]) == []
        async with http.post(url, json=update, headers={SECRET_HEADER: SECRET}) as response:
            assert response.status == 200
    assert "gratis" in fake.sent_texts(user["id"])[0]


async def test_a_database_fault_is_answered_503_and_the_redelivery_handled_once(
    fake_api: FakeBotAPI,
    faults: DatabaseFaults,
    redis_url: str | None,
    data_key: str,
) -> None:
    bot = _webhook_bot(fake_api, faults.url, redis_url, data_key)
    await bot.start()
    assert bot.app is not None
    faults.attach(bot.app.db)
    chat = Chat(fake_api, user_id=5_302_001)
    try:
        start = fake_api.message(chat.user_id, "/start")
        await chat.expect("gratis")
        await chat.expect("Apa yang ingin Anda lakukan?")
        await fake_api.wait_delivered(start)
        answered = len(fake_api.calls_to(chat.user_id))
        faults.down()
        press = fake_api.callback(chat.user_id, "l1:en", message_id=1)
        assert await fake_api.wait_refused(press) == 503
        assert len(fake_api.calls_to(chat.user_id)) == answered
        faults.up()
        await fake_api.wait_delivered(press)
        await chat.expect("Language changed to English.")
    finally:
        await bot.stop()
    statuses = fake_api.deliveries(press)
    assert set(statuses[:-1]) == {503} and statuses[-1] == 200
    assert fake_api.sent_texts(chat.user_id).count("Language changed to English.") == 1
    methods = [c.method for c in fake_api.calls_to(chat.user_id) if c.ok]
    assert methods.count("answerCallbackQuery") == 1


async def test_blk_bot_run_webhook_needs_a_secret_then_serves_and_stops_on_sigterm(
    fake_api: FakeBotAPI, database_url: str, redis_url: str | None, data_key: str, tmp_path: Path
) -> None:
    port = _free_port()
    url = f"http://127.0.0.1:{port}/hook"
    env = _run_env(fake_api, database_url, redis_url, data_key) | {
        "WEBHOOK_LISTEN": f"127.0.0.1:{port}"
    }
    run = (sys.executable, "-m", "bot.runtime.cli", "run", "--webhook", url)
    pipes = {"stdout": asyncio.subprocess.PIPE, "stderr": asyncio.subprocess.PIPE}
    refused = await asyncio.create_subprocess_exec(*run, env=env, cwd=tmp_path, **pipes)
    _, err = await asyncio.wait_for(refused.communicate(), START_TIMEOUT)
    assert refused.returncode == 2
    assert err.decode().strip().startswith("blk-bot: WEBHOOK_SECRET is not set")
    fake_api.webhook_retry_delay = RETRY_DELAY
    process = await asyncio.create_subprocess_exec(
        *run, env=env | {"WEBHOOK_SECRET": SECRET}, cwd=tmp_path
    )
    try:
        await fake_api.wait_call("setWebhook", timeout=START_TIMEOUT)
        await Chat(fake_api, user_id=5_303_001).send("/start", "gratis")
    finally:
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), START_TIMEOUT) == 0
    assert {d.status for d in fake_api.webhook_log} == {200}
