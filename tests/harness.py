"""Running the real dispatcher against the fake Bot API, and talking to it like a user."""

from __future__ import annotations

import asyncio
from contextlib import suppress

from aiogram import Bot, Dispatcher

from bot.clock import Clock
from bot.runtime.app import App, create_app
from bot.runtime.config import Settings
from bot.runtime.dispatcher import build_bot, build_dispatcher
from bot.runtime.runner import intake_of, prepare, serve
from tests.clock import NOW, FixedClock
from tests.fake_bot_api import ApiCall, FakeBotAPI

ADMIN_ID = 9000


def make_settings(fake: FakeBotAPI, database_url: str, redis_url: str | None, key: str) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        bot_token=fake.token,
        telegram_api_url=fake.url,
        database_url=database_url,
        redis_url=redis_url,
        data_key=key,
        admin_ids=frozenset({ADMIN_ID}),
        # Scenarios type faster than people; tests/test_flood_flow.py tests the limit.
        flood_max_updates=10_000,
    )


class RunningBot:
    """The bot as `blk-bot run` wires it, polling the fake server in this event loop (or
    taking its webhook deliveries, with `webhook_url` in the settings).

    `serving` adds what `blk-bot run` runs beside polling (the outbox sender and the
    periodic jobs); give it a real `Clock`, as rows handed to the sender fall due by it.
    """

    def __init__(
        self, settings: Settings, clock: Clock | None = None, *, serving: bool = False
    ) -> None:
        self.settings = settings
        self.clock = clock or FixedClock(NOW)
        self.serving = serving
        self.app: App | None = None
        self._bot: Bot | None = None
        self._dp: Dispatcher | None = None
        self._task: asyncio.Task[None] | None = None
        self._stop = asyncio.Event()

    async def start(self) -> None:
        self.app = create_app(self.settings, clock=self.clock)
        await prepare(self.app)
        self._bot = build_bot(self.settings.require_token(), self.settings.telegram_api_url)
        self._dp = build_dispatcher(self.app)
        started = asyncio.Event()
        self._dp.startup.register(started.set)
        self._stop = asyncio.Event()
        run = serve if self.serving else intake_of(self.settings)
        self._task = asyncio.create_task(run(self.app, self._bot, self._dp, self._stop))
        await started.wait()

    async def stop(self) -> None:
        """Stop polling and drop every in-memory object, as a process exit would."""
        assert self._dp and self._task and self._bot and self.app
        self._stop.set()
        await self._task
        await self._bot.session.close()
        await self.app.close()
        self.app = self._bot = self._dp = self._task = None

    async def kill(self) -> None:
        """Stop as a killed process does: what is in flight is neither finished nor recorded."""
        assert self._task and self._bot and self.app
        self._task.cancel()
        with suppress(asyncio.CancelledError):
            await self._task
        await self._bot.session.close()
        await self.app.close()
        self.app = self._bot = self._dp = self._task = None

    async def restart(self) -> None:
        await self.stop()
        await self.start()


class Chat:
    """One Telegram user in a private chat with the bot: send, press, read replies in order."""

    def __init__(self, fake: FakeBotAPI, user_id: int, language: str = "id") -> None:
        self.fake = fake
        self.user_id = user_id
        self.language = language
        self.last: ApiCall | None = None

    async def next(self) -> ApiCall:
        call = await self.fake.reply(self.user_id)
        self.last = call
        return call

    async def expect(self, *fragments: str) -> ApiCall:
        """The next message must contain every fragment."""
        call = await self.next()
        missing = [f for f in fragments if f not in (call.text or "")]
        assert not missing, f"{missing} not in reply:\n{call.text}\n{self.fake.dump()}"
        return call

    async def send(self, text: str, *fragments: str) -> ApiCall:
        self.fake.message(self.user_id, text, language_code=self.language)
        return await self.expect(*fragments)

    def press_on(self, message: ApiCall, label: str) -> None:
        data = message.button_data(label)
        self.fake.callback(self.user_id, data, message_id=message.result["message_id"])

    async def answer_to(self, data: str) -> ApiCall:
        """Press a button with this (possibly forged) data; return the bot's callback answer."""
        self.fake.callback(self.user_id, data)
        query_id = next(reversed(self.fake.callback_queries))
        return await self.fake.wait_call(
            "answerCallbackQuery", predicate=lambda c: c.params["callback_query_id"] == query_id
        )

    async def press(self, label: str, *fragments: str) -> ApiCall:
        """Press the button labelled `label` on the last message that had buttons."""
        assert self.last is not None
        self.press_on(self.last, label)
        return await self.expect(*fragments)
