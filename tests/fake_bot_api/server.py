"""``FakeBotAPI``: an aiohttp server speaking the Telegram Bot API to a real aiogram ``Bot``.

Every request is decoded and validated against the vendored official schema; violations are
collected in ``fake.violations`` *and* answered with the 400 Telegram would send, so the bot
sees the error too.  Tests drive users with :class:`.updates.UpdateBuilders` helpers and read
the bot's side of the conversation in order with ``wait_call``/``reply`` (no sleeps: every
recorded call wakes the waiters).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from .flood import FloodControl
from .methods import ApiError
from .model import REPLY_METHODS, ApiCall, UploadedFile, Violation
from .schema import BotApiSchema, load_schema, validate_request
from .state import DEFAULT_BOT_USERNAME, DEFAULT_TOKEN
from .updates import UpdateBuilders
from .webhook import WebhookDelivery

DEFAULT_TIMEOUT = 10.0
MAX_UPLOAD = 50 * 1024 * 1024  # Telegram's limit for bot uploads
BLOCKED = "Forbidden: bot was blocked by the user"


def _blockable(method: str) -> bool:
    """Methods that deliver something to the chat: these fail once the user blocks the bot."""
    return method.startswith("send") or method in {"copyMessage", "forwardMessage"}


@dataclass
class _Outage:
    """An ``outage`` in progress: matching calls get its 5xx until ``outage_over``."""

    methods: frozenset[str] | None  # None: every method
    error: ApiError
    refused: int = 0

    def covers(self, method: str) -> bool:
        return self.methods is None or method in self.methods


@dataclass
class _Failure:
    """One ``fail_next`` rule: the next ``times`` matching calls get this error."""

    method: str
    error: ApiError
    chat_id: int | None
    times: int


class FakeBotAPI(UpdateBuilders, WebhookDelivery):
    """Fake Telegram Bot API server for one bot token; see the package docstring for usage."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        bot_username: str = DEFAULT_BOT_USERNAME,
        schema: BotApiSchema | None = None,
        *,
        rate_limit: int | None = None,
        chat_interval: float = 1.0,
        error_rate: float = 0.0,
        blocked: Iterable[int] = (),
        seed: int | None = None,
    ) -> None:
        """``rate_limit`` (deliveries/s, 429 beyond it and beyond one per ``chat_interval``
        per chat), ``error_rate`` (share of deliveries answered 500) and ``blocked`` (chats
        answering 403) are optional; see :mod:`.flood`."""
        super().__init__(token, bot_username)
        self.schema = schema or load_schema()
        self.calls: list[ApiCall] = []
        self.violations: list[str] = []
        self.blocked: set[int] = set(blocked)
        self.flood: FloodControl | None = None
        if rate_limit is not None or error_rate:
            self.flood = FloodControl(rate_limit, chat_interval, error_rate, seed)
        self.downloads: list[str] = []
        self._consumed: set[int] = set()
        self._failures: list[_Failure] = []
        self._outage: _Outage | None = None
        self._runner: web.AppRunner | None = None
        self._port: int | None = None

    # -- lifecycle ------------------------------------------------------------------

    async def start(self) -> None:
        """Listen on 127.0.0.1 on a free port."""
        app = web.Application(client_max_size=MAX_UPLOAD)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        # handler_cancellation: when aiogram drops a long poll (polling stopped), the handler
        # is cancelled and the single-getUpdates slot is freed at once.
        runner = web.AppRunner(
            app, handler_cancellation=True, access_log=None, shutdown_timeout=1.0
        )
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self._runner = runner
        self._port = int(runner.addresses[0][1])

    async def stop(self) -> None:
        """Release pending long polls, then shut the server down."""
        self.closing = True
        self.changed.notify()
        await self.stop_delivering()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeBotAPI:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def url(self) -> str:
        """Base URL for ``TelegramAPIServer.from_base``."""
        if self._port is None:
            raise RuntimeError("FakeBotAPI.start() has not been awaited")
        return f"http://127.0.0.1:{self._port}"

    # -- HTTP -------------------------------------------------------------------------

    @staticmethod
    async def _read_params(request: web.Request) -> dict[str, Any]:
        """Query string + form/multipart/JSON body; file parts become UploadedFile."""
        raw: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            body = await request.json() if request.can_read_body else {}
            raw.update(body if isinstance(body, dict) else {})
        elif request.can_read_body:
            for key, value in (await request.post()).items():
                if isinstance(value, web.FileField):
                    raw[key] = UploadedFile(
                        key, value.filename, value.file.read(), value.content_type
                    )
                else:
                    raw[key] = value
        return raw

    async def _handle_method(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        try:
            raw = await self._read_params(request)
        except (ValueError, json.JSONDecodeError) as exc:
            raw = {}
            problems = [Violation(method, "", f"unreadable request body: {exc}")]
        else:
            problems = []
        params, found = validate_request(self.schema, method, raw)
        problems += found
        if (spec := self.schema.method(method)) is not None:
            method = spec.name
        if request.match_info["token"] != self.token:
            problems = [Violation(method, "", "request for another bot token", "Unauthorized", 401)]
        chat_id = self._chat_id_of(method, params)
        status, response = await self._respond(method, params, chat_id, problems)
        call = ApiCall(
            seq=len(self.calls) + 1,
            method=method,
            params=params,
            chat_id=chat_id,
            response=copy.deepcopy(response),
            status=status,
            violations=problems,
        )
        self.calls.append(call)
        self.violations.extend(f"#{call.seq} {problem}" for problem in problems)
        self.changed.notify()
        return web.json_response(response, status=status)

    async def _respond(
        self, method: str, params: dict[str, Any], chat_id: int | None, problems: list[Violation]
    ) -> tuple[int, dict[str, Any]]:
        """Violations first, then injected failures, blocked users, and finally the method."""
        if problems:
            first = problems[0]
            error = ApiError(first.status, first.description)
        elif (failure := self._take_failure(method, chat_id)) is not None:
            error = failure
        elif self._outage is not None and self._outage.covers(method):
            self._outage.refused += 1
            error = self._outage.error
        elif (limited := self._flood_check(method, chat_id)) is not None:
            error = limited
        elif chat_id in self.blocked and _blockable(method):
            error = ApiError(403, BLOCKED)
        elif (handler := self.handler(method)) is None:
            error = ApiError(501, f"Not Implemented: the fake does not implement {method}")
        else:
            try:
                result = await handler(params)
            except ApiError as exc:
                error = exc
            else:
                if self.flood is not None and _blockable(method):
                    self.flood.record(chat_id)
                return 200, {"ok": True, "result": result}
        return error.error_code, error.envelope()

    def _flood_check(self, method: str, chat_id: int | None) -> ApiError | None:
        if self.flood is None or not _blockable(method):
            return None
        return self.flood.check(chat_id)

    async def _handle_file(self, request: web.Request) -> web.Response:
        path = request.match_info["path"]
        stored = self.file_by_path(path)
        if request.match_info["token"] != self.token or stored is None:
            body = {"ok": False, "error_code": 404, "description": "Not Found"}
            return web.json_response(body, status=404)
        self.downloads.append(path)
        return web.Response(body=stored.content, content_type=stored.mime_type)

    def _chat_id_of(self, method: str, params: dict[str, Any]) -> int | None:
        chat_id = params.get("chat_id")
        if isinstance(chat_id, int) and not isinstance(chat_id, bool):
            return chat_id
        if isinstance(chat_id, str) and chat_id.startswith("@"):
            return int(self.chat(chat_id)["id"])
        if method == "answerCallbackQuery":
            return self.callback_queries.get(str(params.get("callback_query_id")))
        return None

    # -- failure injection ----------------------------------------------------------

    def fail_next(
        self,
        method: str,
        *,
        error_code: int,
        description: str,
        retry_after: int | None = None,
        chat_id: int | None = None,
        times: int = 1,
    ) -> None:
        """The next ``times`` calls of ``method`` (to ``chat_id`` if given) get this error."""
        self._failures.append(
            _Failure(method, ApiError(error_code, description, retry_after), chat_id, times)
        )

    def _take_failure(self, method: str, chat_id: int | None) -> ApiError | None:
        for failure in self._failures:
            if failure.method == method and failure.chat_id in (None, chat_id):
                failure.times -= 1
                if failure.times <= 0:
                    self._failures.remove(failure)
                return failure.error
        return None

    def outage(
        self,
        *methods: str,
        error_code: int = 502,
        description: str = "Bad Gateway",
    ) -> None:
        """Telegram is down: every call of ``methods`` (of any method if none is named) gets
        this error until ``outage_over()``; ``outage_refused`` counts the calls refused."""
        self._outage = _Outage(frozenset(methods) or None, ApiError(error_code, description))

    def outage_over(self) -> None:
        self._outage = None
        self.changed.notify()

    @property
    def outage_refused(self) -> int:
        return self._outage.refused if self._outage is not None else 0

    def block(self, chat_id: int) -> None:
        """The user blocked the bot: every send to ``chat_id`` gets 403."""
        self.blocked.add(chat_id)

    def unblock(self, chat_id: int) -> None:
        self.blocked.discard(chat_id)

    # -- reading the conversation -----------------------------------------------------

    def dump(self, last: int = 25) -> str:
        """Recent calls (``*`` = already consumed by a wait) and violations, for messages."""
        lines = [f"recent calls ({len(self.calls)} total, * = consumed):"]
        shown = [c for c in self.calls if c.method != "getUpdates"][-last:]
        lines += [f"  {'*' if c.seq in self._consumed else ' '} {c.describe()}" for c in shown]
        polls = sum(c.method == "getUpdates" for c in self.calls)
        lines.append(f"  (+{polls} getUpdates; pending updates: {len(self.pending_updates)})")
        if self.violations:
            lines.append("violations:")
            lines += [f"  {v}" for v in self.violations]
        return "\n".join(lines)

    async def _wait(self, find: Callable[[], Any], seconds: float, what: str) -> Any:
        try:
            return await self.changed.wait_for(find, seconds)
        except TimeoutError:
            raise AssertionError(
                f"timed out after {seconds}s waiting for {what}\n{self.dump()}"
            ) from None

    async def wait_call(
        self,
        method: str | None = None,
        chat_id: int | None = None,
        predicate: Callable[[ApiCall], bool] | None = None,
        timeout: float = DEFAULT_TIMEOUT,  # noqa: ASYNC109 - prescribed test API
    ) -> ApiCall:
        """First not-yet-consumed call matching all filters; consumes it.

        ``method=None`` matches any method except getUpdates (polling noise).
        """

        def find() -> ApiCall | None:
            for call in self.calls:
                if call.seq in self._consumed:
                    continue
                if method is None and call.method == "getUpdates":
                    continue
                if method is not None and call.method != method:
                    continue
                if chat_id is not None and call.chat_id != chat_id:
                    continue
                if predicate is None or predicate(call):
                    return call
            return None

        what = f"a call method={method} chat_id={chat_id}" + (" with predicate" * bool(predicate))
        call: ApiCall = await self._wait(find, timeout, what)
        self._consumed.add(call.seq)
        return call

    async def reply(
        self,
        chat_id: int,
        timeout: float = DEFAULT_TIMEOUT,  # noqa: ASYNC109 - prescribed test API
    ) -> ApiCall:
        """Next consumed send/edit to ``chat_id`` (any of ``REPLY_METHODS``)."""
        return await self.wait_call(
            chat_id=chat_id, predicate=lambda c: c.method in REPLY_METHODS, timeout=timeout
        )

    async def wait_confirmed(
        self,
        update_id: int,
        timeout: float = DEFAULT_TIMEOUT,  # noqa: ASYNC109 - prescribed test API
    ) -> None:
        """Until a getUpdates with offset > ``update_id`` arrived (the bot took the update)."""
        await self._wait(
            lambda: self.confirmed_offset > update_id, timeout, f"confirmation of {update_id}"
        )

    async def wait_polling(
        self,
        timeout: float = DEFAULT_TIMEOUT,  # noqa: ASYNC109 - same shape as the other waits
        *,
        after: int = 0,
    ) -> None:
        """Until a getUpdates is being served (the bot is long-polling), one that began
        after the first `after` (`polls`): a started bot's, not one of a killed process."""
        await self._wait(
            lambda: self.polling and self.polls > after, timeout, "a getUpdates in progress"
        )

    def calls_to(self, chat_id: int) -> list[ApiCall]:
        return [c for c in self.calls if c.chat_id == chat_id]

    def sent_texts(self, chat_id: int) -> list[str]:
        """Texts/captions of successful sends and edits to ``chat_id``, in order."""
        return [
            c.text
            for c in self.calls_to(chat_id)
            if c.method in REPLY_METHODS and c.ok and c.text is not None
        ]

    def unconsumed(self, chat_id: int | None = None) -> list[ApiCall]:
        """Calls no wait_* returned yet (getUpdates excluded), optionally for one chat."""
        return [
            c
            for c in self.calls
            if c.seq not in self._consumed
            and c.method != "getUpdates"
            and (chat_id is None or c.chat_id == chat_id)
        ]
