"""One webhook URL in front of several bot processes, as a load balancer is in production.

Each request goes to the next target in turn, with its path, headers and body; the
target's status and body come back. A target that does not answer gives 502, which makes
the fake Bot API (and Telegram) deliver the update again later.
"""

from __future__ import annotations

import itertools
from collections import Counter

import aiohttp
from aiohttp import web


class RoundRobin:
    def __init__(self, targets: list[str]) -> None:
        self.targets = targets  # base URLs, e.g. "http://127.0.0.1:8081"
        self.forwarded: Counter[str] = Counter()  # answered requests by target
        self._next = itertools.cycle(targets)
        self._runner: web.AppRunner | None = None
        self._http: aiohttp.ClientSession | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60))
        app = web.Application()
        app.router.add_route("*", "/{path:.*}", self._forward)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(site._server.sockets[0].getsockname()[1])  # type: ignore[union-attr]

    async def _forward(self, request: web.Request) -> web.Response:
        assert self._http is not None
        target = next(self._next)
        headers = {k: v for k, v in request.headers.items() if k.lower() != "host"}
        try:
            async with self._http.request(
                request.method, target + request.path_qs, headers=headers, data=await request.read()
            ) as answer:
                body = await answer.read()
        except (aiohttp.ClientError, TimeoutError):
            return web.Response(status=502)
        self.forwarded[target] += 1
        return web.Response(status=answer.status, body=body)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._http is not None:
            await self._http.close()
