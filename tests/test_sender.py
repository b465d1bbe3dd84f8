"""The outbox sender against the fake Bot API with a real aiogram Bot (SQLite or PostgreSQL).

Time is faked: the limiter and the sender share a clock whose sleep advances it, so 429
pauses and retry backoffs cost no real time. Only the run() tests use the real clock, and
they wait on conditions (fake API calls), never on fixed sleeps.
"""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from bot.clock import Clock
from bot.delivery.circuit_breaker import CircuitBreaker
from bot.delivery.outbox import Outgoing, enqueue
from bot.delivery.rate_limit import RateLimiter
from bot.delivery.sender import Sender
from bot.registration.personal_data import PersonalDataCipher
from storage.database import Database
from storage.models import Broadcast, OutboxMessage, UnreachableChat
from storage.outbox_repository import OutboxRepository
from tests.clock import NOW, FixedClock
from tests.fake_bot_api import FakeBotAPI
from tests.fake_bot_api.fixtures import make_bot

KEYBOARD = {"inline_keyboard": [[{"text": "Hadir", "callback_data": "att:1:yes"}]]}


class FakeClock(Clock):
    """Wall clock for the sender and monotonic clock for the limiter; sleeping advances both."""

    def __init__(self) -> None:
        super().__init__()
        self.start = NOW
        self.t = 0.0

    def now(self) -> datetime:
        return self.start + timedelta(seconds=self.t)

    def monotonic(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        self.t += max(seconds, 0.0)
        await asyncio.sleep(0)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def bot(fake_api: FakeBotAPI) -> AsyncIterator[Bot]:
    bot = make_bot(fake_api, default=DefaultBotProperties(parse_mode="HTML"))
    yield bot
    await bot.session.close()


@pytest.fixture
def make_sender(db: Database, bot: Bot, clock: FakeClock) -> Callable[..., Sender]:
    def build(**kwargs: Any) -> Sender:
        limiter = RateLimiter(29.5, 1.0, clock=clock.monotonic, sleep=clock.sleep)
        return Sender(db, bot, clock=clock, limiter=limiter, **kwargs)

    return build


async def queue(
    db: Database, clock: Clock, chat_id: int, message: Outgoing | str = "Halo", **kw: Any
) -> bool:
    """Due at the clock's now unless `not_before` says otherwise."""
    outgoing = Outgoing.text(message) if isinstance(message, str) else message
    kw.setdefault("not_before", clock.now())
    async with db.transaction() as session:
        return await enqueue(session, chat_id, "notice", outgoing, **kw)


async def rows(db: Database) -> list[OutboxMessage]:
    async with db.transaction() as session:
        return list((await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all())


def sends(fake: FakeBotAPI, chat_id: int | None = None) -> list[tuple[int | None, int]]:
    return [
        (c.chat_id, c.status)
        for c in fake.calls
        if c.method.startswith("send") and chat_id in (None, c.chat_id)
    ]


async def test_queued_message_is_delivered_once_and_marked_sent(
    db: Database, fake_api: FakeBotAPI, clock: FakeClock, make_sender: Callable[..., Sender]
) -> None:
    await queue(db, clock, 42, Outgoing.text("Halo <b>Budi</b>", KEYBOARD))
    sender = make_sender()
    assert await sender.run_once() == 1
    call = await fake_api.reply(42)
    assert call.text == "Halo <b>Budi</b>" and call.buttons == [("Hadir", "att:1:yes")]
    [row] = await rows(db)
    assert (row.status, row.attempts, row.claimed_by) == ("sent", 1, sender.worker_id)
    assert row.telegram_message_id == call.result["message_id"] and row.sent_at == clock.now()
    assert await sender.run_once() == 0
    assert sends(fake_api) == [(42, 200)]


async def test_429_pauses_everything_for_retry_after_then_delivers(
    db: Database, fake_api: FakeBotAPI, clock: FakeClock, make_sender: Callable[..., Sender]
) -> None:
    fake_api.fail_next(
        "sendMessage",
        error_code=429,
        description="Too Many Requests: retry after 1",
        retry_after=1,
        chat_id=1,
    )
    await queue(db, clock, 1)
    await queue(db, clock, 2)
    sender = make_sender(concurrency=1)
    assert await sender.run_once() == 3  # 1 (429), 2 after the pause, 1 again once due
    assert sends(fake_api) == [(1, 429), (2, 200), (1, 200)]
    assert clock.t >= 1.0  # the second send waited out retry_after
    assert [(r.status, r.attempts) for r in await rows(db)] == [("sent", 1), ("sent", 1)]
    assert sender.stats["rate_limited"] == 1


async def test_403_marks_the_chat_unreachable_and_drops_its_queue(
    db: Database, fake_api: FakeBotAPI, clock: FakeClock, make_sender: Callable[..., Sender]
) -> None:
    fake_api.block(7)
    for chat in (7, 7, 8, 7):
        await queue(db, clock, chat)
    sender = make_sender()
    assert await sender.run_once() == 2  # the other rows of chat 7 were dropped, not claimed
    assert sorted(sends(fake_api)) == [(7, 403), (8, 200)]
    statuses = [r.status for r in await rows(db)]
    assert statuses == ["unreachable", "unreachable", "sent", "unreachable"]
    async with db.transaction() as session:
        blocked = await session.get(UnreachableChat, 7)
    assert blocked is not None and "blocked" in blocked.reason
    await queue(db, clock, 7, "Lagi")  # later messages are not even tried
    assert await sender.run_once() == 1
    assert len(sends(fake_api, 7)) == 1 and (await rows(db))[-1].status == "unreachable"


@pytest.mark.parametrize(
    "description", ["Bad Request: chat not found", "Bad Request: message is too long"]
)
async def test_bad_request_fails_without_retry(
    db: Database,
    fake_api: FakeBotAPI,
    clock: FakeClock,
    make_sender: Callable[..., Sender],
    description: str,
) -> None:
    fake_api.fail_next("sendMessage", error_code=400, description=description)
    await queue(db, clock, 5)
    sender = make_sender()
    assert await sender.run_once() == 1
    clock.t += 3600
    assert await sender.run_once() == 0
    [row] = await rows(db)
    assert (row.status, row.last_error, row.attempts) == ("failed", description, 1)
    assert len(sends(fake_api)) == 1


async def test_a_server_error_now_and_then_is_retried_with_backoff_and_delivered_once(
    db: Database, fake_api: FakeBotAPI, clock: FakeClock, make_sender: Callable[..., Sender]
) -> None:
    fake_api.fail_next("sendMessage", error_code=502, description="Bad Gateway", times=2)
    await queue(db, clock, 9)
    sender = make_sender()
    waits = []
    for _ in range(3):
        assert await sender.run_once() == 1
        [row] = await rows(db)
        waits.append((row.not_before - clock.now()).total_seconds())
        clock.t += max(waits[-1], 0)
    assert waits[:2] == [2.0, 4.0]
    assert (row.status, row.attempts) == ("sent", 1)  # Telegram's trouble used up no attempt
    assert sends(fake_api) == [(9, 502), (9, 502), (9, 200)]
    assert not sender.breaker.is_open  # two failures are not an outage


async def test_failures_that_are_no_outage_give_up_after_max_attempts(
    db: Database, fake_api: FakeBotAPI, clock: FakeClock, make_sender: Callable[..., Sender]
) -> None:
    """A render hook that fails every time is the message's problem, not Telegram's."""

    async def render(row: OutboxMessage) -> Outgoing | None:
        raise RuntimeError("template data missing")

    async with db.transaction() as session:
        session.add(
            OutboxMessage(chat_id=9, kind="r", payload='{"template": "x"}', not_before=clock.now())
        )
    sender = make_sender(render=render, max_attempts=5)
    for _ in range(10):
        await sender.run_once()
        clock.t += 16
    [row] = await rows(db)
    assert (row.status, row.attempts) == ("failed", 5)
    assert row.last_error is not None and row.last_error.startswith("render failed")
    assert sends(fake_api) == []


async def test_a_render_the_database_interrupts_uses_up_no_attempt(
    db: Database, fake_api: FakeBotAPI, clock: FakeClock, make_sender: Callable[..., Sender]
) -> None:
    """Templates are rendered from the database: a connection dropped meanwhile makes the row
    wait, however often, instead of failing it for good."""
    drops = 0

    async def render(row: OutboxMessage) -> Outgoing | None:
        nonlocal drops
        if drops < 7:
            drops += 1
            raise OperationalError("SELECT", None, ConnectionResetError())
        return Outgoing.text("Pengingat")

    async with db.transaction() as session:
        session.add(
            OutboxMessage(chat_id=9, kind="r", payload='{"template": "x"}', not_before=clock.now())
        )
    sender = make_sender(render=render, max_attempts=5)
    for _ in range(8):
        await sender.run_once()
        clock.t += 2
    [row] = await rows(db)
    assert (row.status, row.attempts) == ("sent", 1)
    assert sends(fake_api) == [(9, 200)]


async def broadcast_rows(db: Database, clock: FakeClock, chats: range, hours: float) -> None:
    """One broadcast row per chat, due now, expiring after `hours`."""
    expires = clock.now() + timedelta(hours=hours)
    for chat in chats:
        await queue(db, clock, chat, f"Info {chat}", expires_at=expires)


async def test_an_outage_pauses_the_sender_and_every_message_goes_out_once_after_it(
    db: Database, fake_api: FakeBotAPI, clock: FakeClock, make_sender: Callable[..., Sender]
) -> None:
    """Five minutes of 502s: the sender stops after three failures in a row, probes with
    one message at growing intervals, and after the outage sends every row once, none of
    them charged an attempt."""
    chats = range(300, 330)
    await broadcast_rows(db, clock, chats, hours=24)
    fake_api.outage("sendMessage")
    sender = make_sender(concurrency=8, breaker=CircuitBreaker(clock=clock.monotonic))
    await sender.run_once()
    assert sender.breaker.is_open and len(sends(fake_api)) == 8  # the first claims, no more
    probes = []
    while clock.t < 300:
        wait = sender.breaker.probe_in()
        assert wait is not None
        clock.t += wait
        before = len(sends(fake_api))
        await sender.run_once()
        probes.append((wait, len(sends(fake_api)) - before))
    assert [calls for _, calls in probes] == [1] * len(probes)
    assert [wait for wait, _ in probes][:8] == [1, 2, 4, 8, 16, 32, 64, 120]
    assert [(r.status, r.attempts) for r in await rows(db)] == [("pending", 0)] * len(chats)

    fake_api.outage_over()
    clock.t += sender.breaker.probe_in() or 0
    assert await sender.run_once() == len(chats)
    assert not sender.breaker.is_open
    delivered = Counter(chat for chat, status in sends(fake_api) if status == 200)
    assert delivered == Counter(chats)
    assert [(r.status, r.attempts) for r in await rows(db)] == [("sent", 1)] * len(chats)


async def test_a_message_caught_in_an_outage_expires_only_at_its_deadline(
    db: Database, fake_api: FakeBotAPI, clock: FakeClock, make_sender: Callable[..., Sender]
) -> None:
    await broadcast_rows(db, clock, range(400, 403), hours=24)
    await broadcast_rows(db, clock, range(403, 404), hours=1)
    fake_api.outage()
    sender = make_sender(breaker=CircuitBreaker(clock=clock.monotonic))
    await sender.run_once()
    while clock.t < 2 * 3600:
        clock.t += sender.breaker.probe_in() or 0
        await sender.run_once()
    fake_api.outage_over()
    clock.t += sender.breaker.probe_in() or 0
    await sender.run_once()
    assert [r.status for r in await rows(db)] == ["sent", "sent", "sent", "expired"]


async def test_run_waits_out_an_outage_and_resumes_at_full_rate(
    db: Database, bot: Bot, fake_api: FakeBotAPI
) -> None:
    """The real loop with a breaker of short backoffs: it goes on probing while the fake
    answers 502, and delivers every message once when the outage ends."""
    clock = Clock()
    for chat in range(500, 540):
        await queue(db, clock, chat)
    breaker = CircuitBreaker(first_backoff=0.01, max_backoff=0.05)
    sender = Sender(db, bot, rate_per_second=1000, clock=clock, breaker=breaker)
    fake_api.outage("sendMessage")
    stop = asyncio.Event()
    runner = asyncio.create_task(sender.run(stop))
    try:
        await fake_api.changed.wait_for(lambda: fake_api.outage_refused >= 20, 10)
        assert breaker.is_open
        fake_api.outage_over()
        await fake_api.changed.wait_for(
            lambda: sum(status == 200 for _, status in sends(fake_api)) == 40, 10
        )
    finally:
        stop.set()
        await asyncio.wait_for(runner, 10)
    delivered = Counter(chat for chat, status in sends(fake_api) if status == 200)
    assert delivered == Counter(range(500, 540))
    assert {(r.status, r.attempts) for r in await rows(db)} == {("sent", 1)}


async def test_expired_rows_are_not_sent(
    db: Database, fake_api: FakeBotAPI, clock: FakeClock, make_sender: Callable[..., Sender]
) -> None:
    await queue(db, clock, 3, expires_at=clock.now() - timedelta(minutes=1))
    await queue(db, clock, 4, expires_at=clock.now() + timedelta(hours=1))
    assert await make_sender().run_once() == 2
    assert [r.status for r in await rows(db)] == ["expired", "sent"]
    assert sends(fake_api) == [(4, 200)]


async def test_dedupe_key_prevents_double_enqueue(
    db: Database, fake_api: FakeBotAPI, clock: FakeClock, make_sender: Callable[..., Sender]
) -> None:
    assert await queue(db, clock, 6, dedupe_key="reminder:1:h-1") is True
    assert await queue(db, clock, 6, dedupe_key="reminder:1:h-1") is False
    assert await make_sender().run_once() == 1
    assert sends(fake_api) == [(6, 200)]


async def test_a_row_is_due_by_the_apps_clock_not_the_wall_clock(
    db: Database, bot: Bot, fake_api: FakeBotAPI
) -> None:
    """The sender reads the one clock it is given: a row due an hour after the tests' fixed
    "now" (a date already past on the wall clock) waits until that clock is moved."""
    clock = FixedClock(NOW)
    await queue(db, clock, 91, not_before=NOW + timedelta(hours=1))
    sender = Sender(db, bot, clock=clock)
    assert await sender.run_once() == 0
    clock.set(NOW + timedelta(minutes=59))
    assert await sender.run_once() == 0
    assert sends(fake_api) == []
    clock.set(NOW + timedelta(hours=1))
    assert await sender.run_once() == 1
    assert sends(fake_api) == [(91, 200)]


async def test_rows_of_a_crashed_sender_are_recovered_after_the_lease(
    db: Database, fake_api: FakeBotAPI, clock: FakeClock, make_sender: Callable[..., Sender]
) -> None:
    for chat in (11, 12):
        await queue(db, clock, chat)
    async with db.transaction() as session:
        claimed = await OutboxRepository(session).claim("dead", clock.now(), 2)
    assert [r.status for r in claimed] == ["sending", "sending"]
    sender = make_sender(lease_seconds=60)
    assert await sender.run_once() == 0  # still within the dead worker's lease
    clock.t += 61
    assert await sender.run_once() == 2
    assert sorted(sends(fake_api)) == [(11, 200), (12, 200)]
    assert await sender.run_once() == 0


async def test_render_hook_builds_or_skips_template_rows(
    db: Database, fake_api: FakeBotAPI, clock: FakeClock, make_sender: Callable[..., Sender]
) -> None:
    async with db.transaction() as session:
        for chat, template in ((21, "reminder"), (22, "cancelled"), (23, "reminder")):
            session.add(
                OutboxMessage(
                    chat_id=chat,
                    kind="reminder",
                    payload=f'{{"template": "{template}"}}',
                    not_before=clock.now(),
                )
            )

    async def render(row: OutboxMessage) -> Outgoing | None:
        if '"cancelled"' in row.payload:
            return None
        return Outgoing.text(f"Pengingat untuk {row.chat_id}")

    assert await make_sender(render=render).run_once() == 3
    assert [r.status for r in await rows(db)] == ["sent", "skipped", "sent"]
    assert fake_api.sent_texts(23) == ["Pengingat untuk 23"]
    await queue(db, clock, 24, Outgoing("sendMessage", {"parse_mode": "HTML"}))  # no text
    async with db.transaction() as session:
        session.add(
            OutboxMessage(chat_id=25, kind="r", payload='{"template": "x"}', not_before=clock.now())
        )
    assert await make_sender().run_once() == 2  # invalid, and no render hook for a template
    failed = (await rows(db))[3:]
    assert [r.status for r in failed] == ["failed", "failed"]
    assert "text" in (failed[0].last_error or "") and "render" in (failed[1].last_error or "")
    assert len(sends(fake_api)) == 2


@pytest.mark.parametrize(
    ("method", "params"),
    [
        ("sendPhoto", {"photo": "https://example.com/kelas.jpg", "caption": "<i>Kelas</i>"}),
        ("sendDocument", {"document": "https://example.com/jadwal.pdf"}),
        ("sendVenue", {"latitude": -6.2, "longitude": 106.8, "title": "BLK", "address": "Jl. A"}),
        ("sendLocation", {"latitude": -6.2, "longitude": 106.8}),
        ("sendMessage", {"text": "Pilih", "reply_markup": {"keyboard": [[{"text": "Ya"}]]}}),
    ],
)
async def test_each_outgoing_method_is_executed_with_aiogram(
    db: Database,
    fake_api: FakeBotAPI,
    clock: FakeClock,
    make_sender: Callable[..., Sender],
    method: str,
    params: dict[str, Any],
) -> None:
    await queue(db, clock, 31, Outgoing(method, params))
    assert await make_sender().run_once() == 1
    call = await fake_api.wait_call(method, chat_id=31)
    assert call.ok and (await rows(db))[0].telegram_message_id == call.result["message_id"]


async def test_copy_and_edit_refer_to_earlier_messages(
    db: Database,
    fake_api: FakeBotAPI,
    bot: Bot,
    clock: FakeClock,
    make_sender: Callable[..., Sender],
) -> None:
    original = await bot.send_message(32, "Jadwal: Senin")
    await queue(db, clock, 33, Outgoing("copyMessage", {"from_chat_id": 32, "message_id": 1}))
    edit = {"message_id": original.message_id, "text": "Jadwal: <b>Selasa</b>"}
    await queue(db, clock, 32, Outgoing("editMessageText", edit))
    assert await make_sender().run_once() == 2
    assert [r.status for r in await rows(db)] == ["sent", "sent"]
    assert fake_api.sent_texts(32)[-1] == "Jadwal: <b>Selasa</b>"


async def test_broadcast_counts_by_status(
    db: Database, fake_api: FakeBotAPI, clock: FakeClock, make_sender: Callable[..., Sender]
) -> None:
    async with db.transaction() as session:
        broadcast = Broadcast(coordinator_id=1, audience="{}", text="Info", total=3)
        session.add(broadcast)
        await session.flush()
    fake_api.block(42)
    for chat in (41, 42, 43):
        await queue(db, clock, chat, broadcast_id=broadcast.id)
    async with db.transaction() as session:
        assert await OutboxRepository(session).broadcast_counts(broadcast.id) == {"pending": 3}
    await make_sender().run_once()
    async with db.transaction() as session:
        counts = await OutboxRepository(session).broadcast_counts(broadcast.id)
    assert counts == {"sent": 2, "unreachable": 1}


async def test_run_delivers_on_wake_and_stops_cleanly(
    db: Database, bot: Bot, fake_api: FakeBotAPI
) -> None:
    clock = Clock()
    sender = Sender(db, bot, poll_interval=60, clock=clock)  # only wake() makes it look in time
    stop = asyncio.Event()
    runner = asyncio.create_task(sender.run(stop))
    await queue(db, clock, 51)
    sender.wake()
    await fake_api.reply(51)
    await queue(db, clock, 52)
    sender.wake()
    await fake_api.reply(52)
    stop.set()
    await asyncio.wait_for(runner, 10)
    assert [r.status for r in await rows(db)] == ["sent", "sent"]


async def test_stop_releases_rows_still_waiting_for_the_limiter(
    db: Database, bot: Bot, fake_api: FakeBotAPI
) -> None:
    clock = Clock()
    for chat in range(61, 65):
        await queue(db, clock, chat)
    sender = Sender(db, bot, rate_per_second=0.01, clock=clock)  # one send, then 100 s wait
    stop = asyncio.Event()
    runner = asyncio.create_task(sender.run(stop))
    await fake_api.reply(61)
    await fake_api.changed.wait_for(lambda: len(sender._waiting) == 3, 10)
    stop.set()
    await asyncio.wait_for(runner, 10)
    assert [(r.status, r.claimed_by) for r in await rows(db)][1:] == [("pending", None)] * 3
    assert len(sends(fake_api)) == 1


async def test_two_senders_share_one_database_without_duplicates(
    database_url: str, fake_api: FakeBotAPI, cipher: PersonalDataCipher
) -> None:
    """SKIP LOCKED on PostgreSQL; on SQLite the IMMEDIATE transactions serialise claims."""
    dbs = [Database(database_url, sealer=cipher), Database(database_url, sealer=cipher)]
    bots = [make_bot(fake_api), make_bot(fake_api)]
    clock = Clock()
    async with dbs[0].transaction() as session:
        for chat in range(1000, 1300):
            message = Outgoing.text(f"Info {chat}")
            await enqueue(session, chat, "broadcast", message, not_before=clock.now())
    senders = [
        Sender(d, b, rate_per_second=2000, per_chat_interval=0.01, worker_id=f"w{i}", clock=clock)
        for i, (d, b) in enumerate(zip(dbs, bots, strict=True))
    ]
    stop = asyncio.Event()
    runners = [asyncio.create_task(s.run(stop)) for s in senders]
    try:
        await fake_api.changed.wait_for(lambda: len(sends(fake_api)) >= 300, 60)
    finally:
        stop.set()
        await asyncio.gather(*runners)
        for d, b in zip(dbs, bots, strict=True):
            await b.session.close()
            await d.close()
    per_chat = Counter(chat for chat, _ in sends(fake_api))
    assert len(per_chat) == 300 and set(per_chat.values()) == {1}
    async with Database(database_url).transaction() as session:
        done = (await session.execute(select(OutboxMessage.status, OutboxMessage.claimed_by))).all()
    assert Counter(status for status, _ in done) == {"sent": 300}
    assert set(Counter(worker for _, worker in done)) == {"w0", "w1"}


async def test_two_senders_keep_one_chats_messages_in_order(
    database_url: str, fake_api: FakeBotAPI, cipher: PersonalDataCipher
) -> None:
    """A chat whose message one sender is sending is not claimed past by the other: a slow
    sender (5 messages/s) holds the first message of six chats; without the rule the fast
    one would send their second messages first."""
    dbs = [Database(database_url, sealer=cipher), Database(database_url, sealer=cipher)]
    bots = [make_bot(fake_api), make_bot(fake_api)]
    clock = Clock()
    chats, count = range(2000, 2006), 3
    async with dbs[0].transaction() as session:
        for n, chat in itertools.product(range(count), chats):
            await enqueue(session, chat, "notice", Outgoing.text(f"{n}"), not_before=clock.now())
    slow, fast = (
        Sender(
            d, b, rate_per_second=rate, per_chat_interval=0.01, worker_id=f"w{rate}", clock=clock
        )
        for d, b, rate in zip(dbs, bots, (5, 2000), strict=True)
    )
    stop = asyncio.Event()
    runners = [asyncio.create_task(slow.run(stop))]
    try:
        await fake_api.changed.wait_for(lambda: len(sends(fake_api)) >= 1, 60)
        runners.append(asyncio.create_task(fast.run(stop)))
        await fake_api.changed.wait_for(lambda: len(sends(fake_api)) >= count * len(chats), 60)
    finally:
        stop.set()
        await asyncio.gather(*runners)
        for d, b in zip(dbs, bots, strict=True):
            await b.session.close()
            await d.close()
    for chat in chats:
        texts = [c.text for c in fake_api.calls if c.method == "sendMessage" and c.chat_id == chat]
        assert texts == [f"{n}" for n in range(count)], chat


async def test_real_pacing_stays_within_telegram_limits(db: Database) -> None:
    """Real time (about 2 s): one chat with three messages among 40 others, against a fake
    that answers 429 beyond 30/s or 1/s per chat."""
    clock = Clock()
    async with FakeBotAPI(rate_limit=30) as fake:
        bot = make_bot(fake)
        for chat in [7, 7, 7, *range(100, 140)]:
            await queue(db, clock, chat)
        stop = asyncio.Event()
        runner = asyncio.create_task(Sender(db, bot, clock=clock).run(stop))
        try:
            await fake.changed.wait_for(lambda: len(sends(fake)) >= 43, 20)
        finally:
            stop.set()
            await runner
            await bot.session.close()
        assert fake.flood is not None
        times = [t for t, chat in fake.flood.deliveries if chat == 7]
    assert all(status == 200 for _, status in sends(fake)) and len(sends(fake)) == 43
    assert len(times) == 3 and min(b - a for a, b in itertools.pairwise(times)) >= 0.95
    assert fake.violations == []


async def test_cancelled_run_still_records_the_send_in_flight(
    db: Database, bot: Bot, fake_api: FakeBotAPI
) -> None:
    clock = Clock()
    await queue(db, clock, 71)
    sender = Sender(db, bot, clock=clock)
    runner = asyncio.create_task(sender.run(asyncio.Event()))
    await fake_api.reply(71)
    runner.cancel()
    with pytest.raises(asyncio.CancelledError):
        await runner
    assert [r.status for r in await rows(db)] == ["sent"]


async def test_outcome_is_not_recorded_over_a_claim_that_was_lost(
    db: Database, clock: FakeClock
) -> None:
    await queue(db, clock, 81)
    async with db.transaction() as session:
        [row] = await OutboxRepository(session).claim("w1", clock.now(), 5)
    async with db.transaction() as session:
        repo = OutboxRepository(session)
        assert await repo.recover_stale(
            clock.now() + timedelta(minutes=2), timedelta(minutes=1), db.receipts
        )
        [again] = await repo.claim("w2", clock.now() + timedelta(minutes=2), 5)
        assert again.id == row.id
    async with db.transaction() as session:
        assert not await OutboxRepository(session).mark_sent(row.id, 1, clock.now(), worker_id="w1")
        assert await OutboxRepository(session).mark_sent(row.id, 2, clock.now(), worker_id="w2")
    assert [(r.status, r.telegram_message_id, r.claimed_by) for r in await rows(db)] == [
        ("sent", 2, "w2")
    ]
