"""Webhook mode: Telegram POSTs each update, and a 2xx means it is handled for good.

Telegram forgets an update once the webhook answers 2xx, and sends it again after any
other answer (or none). So the answer waits for `UpdateHandling.process`, the same path
as long polling: 200 once the update's transaction committed (its update_id recorded,
its answers in the outbox and sent) or it was given up as poison; 503 after a passing
database fault or a failure not yet tried UPDATE_ATTEMPTS times, so that Telegram
delivers it again; 200 without a second effect for an update_id already recorded (a
delivery repeated after a lost answer). A request without the secret token set with
the webhook gets 401 and is not read. Answers go out after the commit as in polling, never
in the webhook's response (that would be sent before anyone knows it was received).

aiogram's SimpleRequestHandler answers before handling (or with the handler's result);
`CommittedUpdates` keeps aiogram's request handler shape with this order instead. One
person's updates take turns (`chat_turns`); at most `UpdateHandling.slots` are handled at
once, the other connections wait. On stop the server accepts nothing more and lets the
updates in flight finish (up to `SHUTDOWN_SECONDS`); the webhook stays set, so Telegram
keeps what arrives meanwhile for the next start.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import Update
from aiogram.webhook.aiohttp_server import BaseRequestHandler
from aiohttp import web
from pydantic import ValidationError

from bot.backoff import Backoff
from bot.delivery.polling import RETRY_CAP
from bot.delivery.update_handling import UpdateHandling, chat_key
from bot.errors import ConfigError
from bot.runtime.chat_turns import ChatTurns, TurnNotFree

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
SHUTDOWN_SECONDS = 30.0  # updates in flight at a stop get this long to finish


class CommittedUpdates(BaseRequestHandler):
    """Answers Telegram once the update is handled for good (see the module docstring)."""

    def __init__(
        self,
        dispatcher: Dispatcher,
        bot: Bot,
        handling: UpdateHandling,
        turns: ChatTurns,
        secret: str,
    ) -> None:
        super().__init__(dispatcher)
        self.bot = bot
        self._handling = handling
        self._turns = turns
        self._secret = secret.encode()

    async def close(self) -> None:
        """The bot's session belongs to `blk-bot run`, which closes it."""

    async def resolve_bot(self, request: web.Request) -> Bot:
        return self.bot

    def verify_secret(self, telegram_secret_token: str, bot: Bot) -> bool:
        return secrets.compare_digest(telegram_secret_token.encode(), self._secret)

    async def handle(self, request: web.Request) -> web.Response:
        if not self.verify_secret(request.headers.get(SECRET_HEADER, ""), self.bot):
            return web.Response(status=401, text="Unauthorized")
        try:
            raw = await request.json(loads=self.bot.session.json_loads)
            update = Update.model_validate(raw, context={"bot": self.bot})
        except (ValueError, ValidationError):
            return web.Response(status=400, text="Not an update")
        await self._handling.saw([update])
        try:
            async with self._turns.turn(chat_key(update)), self._handling.slots:
                handled = await self._handling.process(update)
        except TurnNotFree:
            logger.warning(
                "update %s: the person's turn is not free; Telegram sends it again",
                update.update_id,
            )
            handled = False
        if not handled:
            return web.Response(status=503, text="Try again later")
        return web.json_response({})


class WebhookIntake:
    """The HTTP server Telegram delivers to, from the webhook's registration to the stop."""

    def __init__(
        self,
        dispatcher: Dispatcher,
        bot: Bot,
        handling: UpdateHandling,
        turns: ChatTurns,
        *,
        url: str,
        secret: str,
        listen: str,
    ) -> None:
        self._dp = dispatcher
        self._bot = bot
        self._handling = handling
        self._turns = turns
        self._url = url
        self._secret = secret
        host, _, port = listen.rpartition(":")
        self._host, self._port = host.strip("[]") or None, int(port)
        self._requests = CommittedUpdates(dispatcher, bot, handling, turns, secret)

    async def set_webhook(self) -> bool:
        """Tell Telegram where to deliver; a refused URL is a configuration error."""
        try:
            return await self._bot.set_webhook(
                self._url,
                secret_token=self._secret,
                allowed_updates=self._dp.resolve_used_update_types(),
                drop_pending_updates=False,
                max_connections=2 * self._handling.concurrency,
            )
        except TelegramBadRequest as error:
            raise ConfigError(f"Telegram refused WEBHOOK_URL: {error.message}") from None

    async def run(self, stop: asyncio.Event, announce: Callable[[], Awaitable[object]]) -> None:
        """Serve until `stop`; `announce` registers the webhook (None: stopped first)."""
        backoff = Backoff(cap=RETRY_CAP)
        while not stop.is_set() and not await self._handling.release_orphans():
            await backoff.wait(stop)
        app = web.Application()
        self._requests.register(app, path=urlsplit(self._url).path or "/")
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=SHUTDOWN_SECONDS)
        await runner.setup()
        try:
            await web.TCPSite(runner, self._host, self._port).start()
            if not stop.is_set() and await announce() is not None:
                logger.info("webhook set; serving on %s:%s", self._host or "*", self._port)
                await self._keep_settled(stop)
        finally:
            await runner.cleanup()  # accepts nothing more, lets the updates in flight finish
            await self._turns.close()

    async def _keep_settled(self, stop: asyncio.Event) -> None:
        """Settle after failures (`UpdateHandling.settle`), with backoff while it cannot."""
        backoff = Backoff(cap=RETRY_CAP)
        while not stop.is_set():
            waits = [asyncio.ensure_future(e.wait()) for e in (self._handling.unsettled, stop)]
            try:
                await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for wait in waits:
                    wait.cancel()
            if stop.is_set():
                return
            if await self._handling.settle():
                backoff.reset()
            else:
                await backoff.wait(stop)
