"""The operators' HTTP surface: `GET /healthz` and `GET /metrics`.

`add_ops_routes` puts both on any aiohttp application (the webhook server mounts them on
its own); in polling mode `ops_server` serves them on `OPS_LISTEN` (off by default).
Neither says anything about a person: the health answer names the parts checked, the
metrics count kinds (`bot.runtime.metrics`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from aiogram import Bot
from aiohttp import web
from redis.asyncio import Redis

from bot.clock import Clock
from bot.runtime.metrics import CONTENT_TYPE, Metrics
from storage.database import Database

logger = logging.getLogger(__name__)

CHECK_SECONDS = 2.0  # each part must answer within this, so a probe never hangs
TELEGRAM_CACHE_SECONDS = 5.0  # getMe at most this often, however often /healthz is asked
OPS_KEY: web.AppKey[Ops] = web.AppKey("blk_ops")


class Ops:
    """What the endpoints look at: the database, Redis when configured, Telegram (getMe,
    its answer kept for `TELEGRAM_CACHE_SECONDS`), and the metrics."""

    def __init__(
        self,
        db: Database,
        bot: Bot,
        metrics: Metrics,
        clock: Clock,
        redis_url: str | None = None,
        *,
        timeout: float = CHECK_SECONDS,
        telegram_cache_seconds: float = TELEGRAM_CACHE_SECONDS,
    ) -> None:
        self.db, self.bot, self.metrics, self.clock = db, bot, metrics, clock
        self.timeout = timeout
        self.telegram_cache_seconds = telegram_cache_seconds
        self._redis = (
            Redis.from_url(redis_url, socket_connect_timeout=timeout, socket_timeout=timeout)
            if redis_url
            else None
        )
        self._telegram: tuple[float, str] | None = None  # (monotonic time, verdict)
        self._telegram_lock = asyncio.Lock()

    async def health(self) -> dict[str, str]:
        """Each part's verdict: "ok", "absent" (Redis not configured) or why it failed."""
        database, redis, telegram = await asyncio.gather(
            self._check(self.db.ping), self._redis_check(), self._telegram_check()
        )
        return {"database": database, "redis": redis, "telegram": telegram}

    async def _check(self, probe: Any) -> str:
        try:
            await asyncio.wait_for(probe(), self.timeout)
        except TimeoutError:
            return "timeout"
        except Exception as error:  # the type only: a driver's message may quote data
            return f"error: {type(error).__name__}"
        return "ok"

    async def _redis_check(self) -> str:
        if self._redis is None:
            return "absent"
        return await self._check(self._redis.ping)

    async def _telegram_check(self) -> str:
        async with self._telegram_lock:  # concurrent probes share one getMe
            now = time.monotonic()
            if self._telegram is None or now - self._telegram[0] >= self.telegram_cache_seconds:
                verdict = await self._check(
                    lambda: self.bot.get_me(request_timeout=max(1, int(self.timeout)))
                )
                self._telegram = (time.monotonic(), verdict)
            return self._telegram[1]

    async def close(self) -> None:
        if self._redis is not None:
            await self._redis.aclose()


async def _healthz(request: web.Request) -> web.Response:
    parts = await request.app[OPS_KEY].health()
    healthy = all(verdict in ("ok", "absent") for verdict in parts.values())
    return web.json_response(parts, status=200 if healthy else 503)


async def _metrics(request: web.Request) -> web.Response:
    ops = request.app[OPS_KEY]
    body = await ops.metrics.scrape(ops.db, ops.clock.now())
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE})


def add_ops_routes(app: web.Application, ops: Ops) -> None:
    """`GET /healthz` (200, or 503 naming the part that failed) and `GET /metrics`."""
    app[OPS_KEY] = ops
    app.router.add_get("/healthz", _healthz)
    app.router.add_get("/metrics", _metrics)


def parse_listen(listen: str) -> tuple[str, int]:
    """ "127.0.0.1:9000" -> ("127.0.0.1", 9000); "[::1]:9000" for IPv6."""
    host, _, port = listen.rpartition(":")
    return host.strip("[]") or "0.0.0.0", int(port)


@asynccontextmanager
async def ops_server(listen: str | None, ops: Ops) -> AsyncIterator[int | None]:
    """Serves the endpoints on `listen` ("host:port") for the block; the port bound (port
    0 picks a free one), or None and nothing served when `listen` is None."""
    if listen is None:
        yield None
        return
    app = web.Application()
    add_ops_routes(app, ops)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    try:
        host, port = parse_listen(listen)
        site = web.TCPSite(runner, host, port)
        await site.start()
        bound = int(runner.addresses[0][1])
        logger.info("health and metrics on http://%s:%d (/healthz, /metrics)", host, bound)
        yield bound
    finally:
        await runner.cleanup()
