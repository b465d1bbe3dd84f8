"""Operations: /healthz names what is down, /metrics counts what the bot did, and the
compose file for two webhook instances holds together (Docker cannot run here)."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import pytest
from aiogram.exceptions import TelegramForbiddenError, TelegramRetryAfter
from aiogram.methods import SendMessage
from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.engine import make_url

from bot.clock import Clock
from bot.delivery.call_source import calling_as_sender
from bot.runtime.config import Settings
from bot.runtime.metrics import Metrics
from bot.runtime.metrics_hooks import TelegramCallMetrics
from bot.runtime.ops import Ops, ops_server
from storage.database import Database
from storage.outbox_repository import OutboxRepository
from tests.clock import NOW
from tests.fake_bot_api import FakeBotAPI
from tests.fake_bot_api.fixtures import make_bot
from tests.harness import Chat, RunningBot
from tests.tcp_proxy import TcpProxy

ROOT = Path(__file__).resolve().parent.parent
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


async def _get(port: int, path: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{port}{path}") as r:
        return r.status, await r.text()


async def _health(ops: Ops) -> tuple[int, dict[str, str]]:
    async with ops_server("127.0.0.1:0", ops) as port:
        assert port is not None
        status, body = await _get(port, "/healthz")
    return status, json.loads(body)


def _samples(text: str) -> Samples:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def _get_me_calls(fake: FakeBotAPI) -> int:
    return len([call for call in fake.calls if call.method == "getMe"])


def _value(samples: Samples, name: str, **labels: str) -> float:
    return samples[(name, frozenset(labels.items()))]


async def test_health_and_metrics_of_a_running_bot(
    running_bot: RunningBot, chat: Chat, fake_api: FakeBotAPI, redis_url: str | None
) -> None:
    for text in ("/start", "/bantuan", "kapan pendaftaran dibuka?"):
        last = fake_api.message(chat.user_id, text)
    await fake_api.wait_confirmed(last)  # all three handled and answered
    app = running_bot.app
    assert app is not None
    async with app.db.transaction() as session:  # one message waiting 90 s, one blocked chat
        repo = OutboxRepository(session)
        await repo.add(6001, "test", "{}", not_before=NOW - timedelta(seconds=90), readable=True)
        await repo.mark_unreachable_chat(6002, "Forbidden: bot was blocked by the user")
    probe_bot = make_bot(fake_api)
    ops = Ops(app.db, probe_bot, app.metrics, app.clock, redis_url, telegram_cache_seconds=3600)
    try:
        async with ops_server("127.0.0.1:0", ops) as port:
            assert port is not None
            status, body = await _get(port, "/healthz")
            assert status == 200, body
            redis = "ok" if redis_url else "absent"
            assert json.loads(body) == {"database": "ok", "redis": redis, "telegram": "ok"}
            status, text = await _get(port, "/metrics")
            assert status == 200
            metrics = _samples(text)
            assert _value(metrics, "blk_updates_total", type="message", outcome="handled") == 3
            assert _value(metrics, "blk_update_duration_seconds_count", type="message") == 3
            sent = _value(
                metrics, "blk_telegram_calls_total", source="answers", method="sendMessage",
                result="ok",
            )  # fmt: skip
            assert sent >= 3
            assert _value(metrics, "blk_outbox_depth", status="pending") == 1
            assert _value(metrics, "blk_outbox_oldest_due_seconds") == 90
            assert _value(metrics, "blk_unreachable_chats") == 1

            # Telegram goes down: the probe's getMe answer is kept, so probes cannot flood it.
            asked = _get_me_calls(fake_api)
            fake_api.outage("getMe")
            status, _ = await _get(port, "/healthz")
            assert status == 200
            assert _get_me_calls(fake_api) == asked
        fresh = Ops(app.db, probe_bot, app.metrics, app.clock, redis_url)
        status, parts = await _health(fresh)
        await fresh.close()
        assert status == 503
        assert parts["database"] == "ok"
        assert parts["telegram"] == "error: TelegramServerError"
    finally:
        fake_api.outage_over()
        await ops.close()
        await probe_bot.session.close()


async def test_health_says_the_database_is_unreachable(
    database_url: str, fake_api: FakeBotAPI, tmp_path: Path
) -> None:
    proxy: TcpProxy | None = None
    if make_url(database_url).get_backend_name() == "sqlite":
        path = tmp_path / "gone.sqlite3"
        db = Database(f"sqlite+aiosqlite:///{path}")
        path.unlink()
        path.mkdir()  # the database file is now a directory: nothing can open it
    else:
        proxy = TcpProxy.before(database_url)
        await proxy.start()
        proxy.refuse = True  # PostgreSQL down
        db = Database(proxy.url(database_url))
    bot = make_bot(fake_api)
    ops = Ops(db, bot, Metrics(), Clock())
    try:
        status, parts = await _health(ops)
        assert status == 503
        assert parts["database"].startswith("error: ") or parts["database"] == "timeout"
        assert (parts["redis"], parts["telegram"]) == ("absent", "ok")
        async with ops_server("127.0.0.1:0", ops) as port:
            assert port is not None
            status, text = await _get(port, "/metrics")
        assert status == 200  # the counters are still there; the database figures are not
        metrics = _samples(text)
        assert _value(metrics, "blk_metrics_database_errors_total") == 1
        assert not [key for key in metrics if key[0] == "blk_outbox_depth"]
    finally:
        await ops.close()
        await bot.session.close()
        await db.close()
        if proxy is not None:
            await proxy.stop()


async def test_telegram_calls_are_counted_by_source_and_result() -> None:
    metrics = Metrics()
    middleware = TelegramCallMetrics(metrics)
    method = SendMessage(chat_id=1, text="hai")

    def answering(error: Exception | None) -> Any:
        async def make_request(bot: Any, method: Any) -> Any:
            if error is not None:
                raise error
            return True

        return make_request

    async def as_sender() -> None:
        calling_as_sender()
        await middleware(
            answering(TelegramRetryAfter(method, "Too Many Requests", 3)), None, method
        )  # type: ignore[arg-type]

    with pytest.raises(TelegramRetryAfter):
        await asyncio.create_task(as_sender())
    with pytest.raises(TelegramForbiddenError):
        await middleware(answering(TelegramForbiddenError(method, "blocked")), None, method)  # type: ignore[arg-type]
    await middleware(answering(None), None, method)  # type: ignore[arg-type]

    samples = _samples(generate_latest(metrics.registry).decode())
    calls = {
        (dict(labels)["source"], dict(labels)["result"]): value
        for (name, labels), value in samples.items()
        if name == "blk_telegram_calls_total"
    }
    assert calls == {
        ("sender", "flood_wait"): 1,
        ("answers", "unreachable"): 1,
        ("answers", "ok"): 1,
    }
    assert _value(samples, "blk_telegram_flood_waits_total", source="sender") == 1
    assert _value(samples, "blk_telegram_unreachable_total", source="answers") == 1


def test_the_webhook_compose_stack_fits_together() -> None:
    """Docker cannot run here, so the compose file and the proxy's configuration are
    checked against each other and against the settings the bot reads."""
    compose = (ROOT / "docker-compose.yml").read_text()
    caddy = (ROOT / "deploy" / "Caddyfile").read_text()
    keys = set(re.findall(r"^\s+([A-Z][A-Z0-9_]+):", compose, re.MULTILINE))
    not_ours = {"POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB", "BOT_DOMAIN"}
    assert keys - not_ours <= {name.upper() for name in Settings.model_fields}
    setting = dict(re.findall(r"^\s+([A-Z_]+): (\S+)$", compose, re.MULTILINE))
    ops_port = setting["OPS_LISTEN"].rpartition(":")[2]
    webhook_port = setting["WEBHOOK_LISTEN"].rpartition(":")[2]
    assert f"http://127.0.0.1:{ops_port}/healthz" in compose  # Docker's health check
    upstreams = re.search(r"reverse_proxy ([^{]+)\{", caddy)
    assert upstreams is not None
    assert upstreams.group(1).split() == [f"bot-1:{webhook_port}", f"bot-2:{webhook_port}"]
    assert {"bot-1:", "bot-2:", "proxy:", "bot:"} <= set(re.findall(r"^  ([\w-]+:)", compose, re.M))
    assert f"health_port {ops_port}" in caddy and "health_uri /healthz" in caddy
    path = urlsplit(setting["WEBHOOK_URL"]).path
    assert f"handle {path} {{" in caddy
