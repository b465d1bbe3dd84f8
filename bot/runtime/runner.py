"""Running the bot against the Bot API: long polling, or a webhook (WEBHOOK_URL)."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import timedelta
from typing import TypeVar

from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramNetworkError, TelegramRetryAfter, TelegramServerError

from bot.backoff import Backoff
from bot.delivery.circuit_breaker import CircuitBreaker
from bot.delivery.polling import RETRY_CAP, ReliablePolling
from bot.delivery.rate_limit import RateLimiter
from bot.delivery.sender import Sender
from bot.delivery.update_handling import UpdateHandling
from bot.faq.teaching import REFRESH_SECONDS as FAQ_REFRESH_SECONDS
from bot.runtime.app import App, create_app
from bot.runtime.background import every
from bot.runtime.chat_turns import chat_turns
from bot.runtime.config import Settings
from bot.runtime.dispatcher import build_bot, build_dispatcher
from bot.runtime.instance_watch import InstanceLockKeeper
from bot.runtime.leadership import Leadership
from bot.runtime.ops import Ops, ops_server
from bot.runtime.periodic_jobs import PeriodicJobs
from bot.runtime.rate_budget import rate_limiter
from bot.runtime.webhook import WebhookIntake
from handlers.common.commands import publish_commands
from handlers.coordinators.staff_menu import publish_staff_menus
from handlers.delivery.templates import notice_renderer
from storage.instance_lock import InstanceLock, InstanceLockTaken, instance_lock, start_up_turn
from storage.migrate import upgrade
from storage.transient_errors import describe, is_transient

logger = logging.getLogger(__name__)

T = TypeVar("T")
UNAVAILABLE = (TelegramNetworkError, TelegramServerError, TelegramRetryAfter)


async def prepare(app: App) -> None:
    """Fail fast on an unreachable database, bring its schema and reference data up to
    date, and have the FAQ learn the questions coordinators taught."""
    await app.db.ping()
    await upgrade(app.db, phone_fingerprint=app.services.registrations.stored_phone_fingerprint)
    await app.services.directory.sync_reference_data()
    await app.services.faq_teaching.refresh()


@asynccontextmanager
async def locked_and_prepared(app: App, stop: asyncio.Event) -> AsyncIterator[InstanceLock | None]:
    """The instance lock held and the database prepared, for the block.

    The lock comes first: a second process must not touch the schema or getUpdates. A
    database not reachable yet is waited for, one log line per try (backoff up to
    `RETRY_CAP`); the block gets None when `stop` came first.
    """
    backoff = Backoff(cap=RETRY_CAP)
    while not stop.is_set():
        async with AsyncExitStack() as held:
            try:
                shared = bool(app.settings.webhook_url)  # several webhook processes may run
                lock = await held.enter_async_context(instance_lock(app.db, shared=shared))
                async with start_up_turn(app.db):
                    await prepare(app)
            except Exception as error:
                if not is_transient(error):
                    raise
                logger.warning(
                    "database unreachable (%s); trying again in %.0f s",
                    describe(error),
                    backoff.delay,
                )
            else:
                yield lock
                return
        await backoff.wait(stop)
    yield None


async def until_telegram_answers(
    what: str, call: Callable[[], Awaitable[T]], stop: asyncio.Event
) -> T | None:
    """`call`, tried again while Telegram is unreachable or overloaded (network, 5xx, 429),
    with one log line per try; None if `stop` came first. A refusal (a revoked token) is
    raised: trying again cannot help."""
    backoff = Backoff(cap=RETRY_CAP)
    while not stop.is_set():
        try:
            return await call()
        except UNAVAILABLE as error:
            logger.warning(
                "%s: Telegram unavailable (%s); trying again in %.0f s",
                what,
                type(error).__name__,
                backoff.delay,
            )
            await backoff.wait(stop)
    return None


Intake = Callable[[App, Bot, Dispatcher, asyncio.Event, RateLimiter | None], Awaitable[None]]


async def poll(
    app: App, bot: Bot, dp: Dispatcher, stop: asyncio.Event, limiter: RateLimiter | None = None
) -> None:
    """Serve updates until `stop` is set; used by `blk-bot run` and the end-to-end tests.

    `limiter` is the outbox sender's, so answers and outbox messages share one budget.
    """
    await _publish_menus(app, bot)
    if not await until_telegram_answers(
        "deleteWebhook", lambda: bot.delete_webhook(drop_pending_updates=False), stop
    ):
        return
    polling = ReliablePolling(dp, bot, _update_handling(app, bot, dp, limiter, "poller"))
    async with _started(dp, bot):
        await polling.run(stop)


async def listen(
    app: App, bot: Bot, dp: Dispatcher, stop: asyncio.Event, limiter: RateLimiter | None = None
) -> None:
    """Serve the updates Telegram POSTs to WEBHOOK_URL until `stop` is set (`poll`'s twin)."""
    settings = app.settings
    assert settings.webhook_url is not None
    await _publish_menus(app, bot)
    intake = WebhookIntake(
        dp,
        bot,
        _update_handling(app, bot, dp, limiter, "webhook"),
        chat_turns(settings.redis_url, bot.id),
        url=settings.webhook_url,
        secret=settings.require_webhook_secret(),
        listen=settings.webhook_listen,
    )
    async with _started(dp, bot):
        await intake.run(
            stop, lambda: until_telegram_answers("setWebhook", intake.set_webhook, stop)
        )


def intake_of(settings: Settings) -> Intake:
    """How updates arrive: a webhook when WEBHOOK_URL is set, else long polling."""
    return listen if settings.webhook_url else poll


def _update_handling(
    app: App, bot: Bot, dp: Dispatcher, limiter: RateLimiter | None, role: str
) -> UpdateHandling:
    """Each update in its transaction, the same whichever way it arrived."""
    webhook = bool(app.settings.webhook_url)  # other processes may be sending their answers
    return UpdateHandling(
        lambda update: dp.feed_update(bot, update),
        bot,
        app.db,
        role=role,
        limiter=limiter or RateLimiter(app.settings.outbox_rate),
        clock=app.clock,
        attempts=app.settings.update_attempts,
        reply_expiry=timedelta(minutes=app.settings.reply_expiry_minutes),
        orphan_age=timedelta(seconds=app.settings.outbox_lease_seconds) if webhook else None,
    )


async def _publish_menus(app: App, bot: Bot) -> None:
    try:
        await publish_commands(bot, app.i18n)
        await publish_staff_menus(bot, app.i18n, app.services)
    except UNAVAILABLE as error:
        # Telegram keeps the menus of the last start: not a reason to stop serving.
        logger.warning("command menus not updated: Telegram unavailable (%s)", type(error).__name__)
    except Exception as error:
        if not is_transient(error):
            raise
        logger.warning("command menus not updated: database unavailable (%s)", describe(error))


@asynccontextmanager
async def _started(dp: Dispatcher, bot: Bot) -> AsyncIterator[None]:
    """The dispatcher's startup and shutdown hooks around serving."""
    context = {"dispatcher": dp, "bots": [bot], **dp.workflow_data}
    await dp.emit_startup(bot=bot, **context)
    try:
        yield
    finally:
        await dp.emit_shutdown(bot=bot, **context)


async def serve(app: App, bot: Bot, dp: Dispatcher, stop: asyncio.Event) -> None:
    """Updates (`intake_of`) plus the outbox sender and the periodic jobs, until `stop`.

    The periodic jobs run while this process holds the leader lock (one process of the
    bot runs them); the sender runs in every process (its claims skip each other's rows),
    and so does the FAQ's look for questions taught through another process.
    """
    settings = app.settings
    limiter = rate_limiter(settings, bot.id)
    sender = Sender(
        app.db,
        bot,
        render=notice_renderer(app.services, app.i18n),
        limiter=limiter,
        lease_seconds=settings.outbox_lease_seconds,
        clock=app.clock,
        deadlines_trusted=app.services.privacy.clock_sanity.trusted,
        breaker=CircuitBreaker(max_backoff=settings.outbox_probe_max_seconds, clock=limiter.now),
        recover_replies=bool(settings.webhook_url),
    )
    jobs = PeriodicJobs(app, sender)
    leadership = Leadership(app.db, settings.leader_check_seconds)
    try:
        await asyncio.gather(
            intake_of(settings)(app, bot, dp, stop, limiter),
            sender.run(stop),
            leadership.lead(jobs.run, stop),
            every(FAQ_REFRESH_SECONDS, app.services.faq_teaching.refresh, stop),
        )
    finally:
        await limiter.close()


async def run(settings: Settings) -> None:
    token = settings.require_token()
    if settings.webhook_url:
        settings.require_webhook_secret()  # before anything starts
    if not settings.admin_ids:
        # Not fatal (a pilot may start with coordinators only), but easy to miss.
        logger.warning(
            "ADMIN_IDS is empty: nobody can grant coordinator roles, and a question with no "
            "coordinator in reach is refused"
        )
    app = create_app(settings)
    bot = build_bot(token, settings.telegram_api_url)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        # Polling holds the instance lock alone (one getUpdates consumer); webhook processes
        # share it on PostgreSQL: the periodic jobs run in the leader lock's holder, and a
        # stopped process's answers are released only once older than the outbox lease.
        async with locked_and_prepared(app, stop) as lock:
            if lock is None:
                return
            dp = build_dispatcher(app)
            me = await until_telegram_answers("getMe", bot.get_me, stop)
            if me is None:
                return
            logger.info(
                "bot @%s is %s %s",
                me.username,
                f"taking updates at {settings.webhook_url} from"
                if settings.webhook_url
                else "polling",
                settings.telegram_api_url,
            )
            keeper = InstanceLockKeeper(lock, settings.instance_lock_check_seconds)
            watching = asyncio.create_task(keeper.run(stop))
            ops = Ops(app.db, bot, app.metrics, app.clock, settings.redis_url)
            try:
                async with ops_server(settings.ops_listen, ops):
                    await serve(app, bot, dp, stop)
            finally:
                await ops.close()
                stop.set()  # the keeper ends its round before the lock is released
                await watching
        if keeper.taken:
            raise InstanceLockTaken
    finally:
        await bot.session.close()
        await app.close()
