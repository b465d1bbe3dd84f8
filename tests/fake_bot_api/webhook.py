"""Webhook delivery: while a webhook is set, queued updates are POSTed to it, as Telegram does.

``setWebhook`` starts a delivery loop: the oldest pending updates, up to ``max_connections``
at once, are sent as JSON with the ``X-Telegram-Bot-Api-Secret-Token`` header. A 2xx
answer takes an update off the queue; anything else (or no answer) leaves it there, to be
sent again after ``webhook_retry_delay`` seconds (Telegram waits longer; tests shorten it).
Meanwhile getUpdates is refused with 409, as Telegram refuses it. Every attempt is kept
in ``webhook_log``. Unlike Telegram, plain http:// URLs are accepted, so tests need no TLS.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from typing import Any

import aiohttp

from .methods import ApiError, BotMethods, Params

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
DEFAULT_MAX_CONNECTIONS = 40
POST_TIMEOUT = 60.0  # seconds Telegram waits for the bot's answer
WEBHOOK_ACTIVE = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)


@dataclass(frozen=True)
class Webhook:
    url: str
    secret_token: str | None
    max_connections: int


@dataclass(frozen=True)
class Delivery:
    """One POST of an update: the bot's HTTP status, 0 when it did not answer."""

    update_id: int
    status: int

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


class WebhookDelivery(BotMethods):
    """setWebhook, deleteWebhook, getWebhookInfo, and the delivery loop."""

    def __init__(self, token: str, bot_username: str) -> None:
        super().__init__(token, bot_username)
        self.webhook: Webhook | None = None
        self.webhook_retry_delay = 1.0
        self.webhook_log: list[Delivery] = []
        self._delivering: asyncio.Task[None] | None = None

    # -- Bot API methods ----------------------------------------------------------------

    async def m_setWebhook(self, params: Params) -> bool:
        url = str(params["url"])
        if not url.startswith(("https://", "http://")):
            raise ApiError(400, "Bad Request: bad webhook: An HTTPS URL must be provided")
        if "allowed_updates" in params:
            self.allowed_updates = list(params["allowed_updates"]) or None
        if params.get("drop_pending_updates"):
            self.pending_updates.clear()
        self.webhook = Webhook(
            url,
            params.get("secret_token"),
            int(params.get("max_connections", DEFAULT_MAX_CONNECTIONS)),
        )
        if self._delivering is None or self._delivering.done():
            self._delivering = asyncio.create_task(self._deliver())
        self.changed.notify()
        return True

    async def m_deleteWebhook(self, params: Params) -> bool:
        self.webhook = None
        self.changed.notify()
        return await super().m_deleteWebhook(params)

    async def m_getUpdates(self, params: Params) -> list[dict[str, Any]]:
        if self.webhook is not None:
            raise ApiError(409, WEBHOOK_ACTIVE)
        return await super().m_getUpdates(params)

    async def m_getWebhookInfo(self, params: Params) -> dict[str, Any]:
        info: dict[str, Any] = {
            "url": self.webhook.url if self.webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self.deliverable()),
        }
        if self.webhook is not None:
            info["max_connections"] = self.webhook.max_connections
            if self.allowed_updates:
                info["allowed_updates"] = list(self.allowed_updates)
        failed = next((d for d in reversed(self.webhook_log) if not d.ok), None)
        if failed is not None:
            info["last_error_message"] = f"Wrong response from the webhook: {failed.status}"
        return info

    # -- delivery -------------------------------------------------------------------

    async def _deliver(self) -> None:
        timeout = aiohttp.ClientTimeout(total=POST_TIMEOUT)
        async with aiohttp.ClientSession(timeout=timeout) as http:
            while (hook := self.webhook) is not None and not self.closing:
                batch = self.deliverable()[: hook.max_connections]
                if not batch:
                    await self._until_deliverable(hook)
                    continue
                sent = await asyncio.gather(*(self._post(http, hook, u) for u in batch))
                if not all(sent):
                    await asyncio.sleep(self.webhook_retry_delay)

    async def _until_deliverable(self, hook: Webhook) -> None:
        with contextlib.suppress(TimeoutError):
            await self.changed.wait_for(
                lambda: self.closing or self.webhook is not hook or bool(self.deliverable()),
                POST_TIMEOUT,
            )

    async def _post(self, http: aiohttp.ClientSession, hook: Webhook, update: dict) -> bool:
        headers = {SECRET_HEADER: hook.secret_token} if hook.secret_token else {}
        try:
            async with http.post(hook.url, json=update, headers=headers) as response:
                status = response.status
        except (aiohttp.ClientError, TimeoutError):
            status = 0
        delivery = Delivery(int(update["update_id"]), status)
        self.webhook_log.append(delivery)
        if delivery.ok:
            self.pending_updates = [u for u in self.pending_updates if u is not update]
        self.changed.notify()
        return delivery.ok

    async def stop_delivering(self) -> None:
        if self._delivering is not None:
            self._delivering.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._delivering
            self._delivering = None

    # -- reading ----------------------------------------------------------------------

    def deliveries(self, update_id: int) -> list[int]:
        """The bot's statuses for each POST of this update, in order."""
        return [d.status for d in self.webhook_log if d.update_id == update_id]

    async def wait_delivered(
        self,
        update_id: int,
        times: int = 1,
        timeout: float = 10.0,  # noqa: ASYNC109 - same shape as the other waits
    ) -> None:
        """Until the bot answered 2xx to this update `times` times in all."""
        await self._wait(  # type: ignore[attr-defined]
            lambda: sum(200 <= s < 300 for s in self.deliveries(update_id)) >= times,
            timeout,
            f"{times} accepted deliveries of update {update_id}",
        )

    async def wait_refused(
        self,
        update_id: int,
        timeout: float = 10.0,  # noqa: ASYNC109 - same shape as the other waits
    ) -> int:
        """Until the bot answered this update with something else than 2xx; that status."""
        statuses = await self._wait(  # type: ignore[attr-defined]
            lambda: [s for s in self.deliveries(update_id) if not 200 <= s < 300],
            timeout,
            f"a refused delivery of update {update_id}",
        )
        return int(statuses[0])
