"""Benchmark: a broadcast to 10,000 recipients through the outbox Sender.

Run: ``python bench/broadcast.py`` (about 6 minutes). A temporary SQLite database (or
``--database-url``, migrated, only this run's broadcast is counted) and the fake Bot API on
127.0.0.1 with Telegram's flood limits (30 deliveries/s, 1/s per chat, 429 beyond), 2% of
chats blocked (403) and 1% of calls answered 500. ``--kill`` runs the sender in a
subprocess, SIGKILLs it at a random point, restarts it and checks nothing was lost and how
many messages the documented at-least-once window sent twice. ``--outage 60`` makes the
fake answer every call 502 for 60 s, starting ``--outage-after`` seconds into the
broadcast (``--recipients 1000 --outage 60``: about 100 s), and checks every reachable
chat still gets the message exactly once.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import contextlib
import random
import signal
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.clock import Clock
from bot.delivery.outbox import Outgoing, enqueue
from bot.delivery.sender import Sender
from bot.registration.personal_data import PersonalDataCipher, generate_data_key
from storage.database import Database
from storage.migrate import upgrade
from storage.models import Broadcast
from storage.outbox_repository import OutboxRepository
from tests.databases import empty_database
from tests.fake_bot_api import DEFAULT_TOKEN, FakeBotAPI
from tests.fake_bot_api.fixtures import make_bot

FIRST_CHAT = 700_000_000
TEXT = "<b>Info BLK</b>: pendaftaran gelombang baru dibuka. Balas /daftar untuk mendaftar."


def options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--database-url")
    parser.add_argument("--rate", type=float, default=29.5, help="sender rate (msgs/s)")
    parser.add_argument("--fake-limit", type=int, default=30, help="fake API limit (msgs/s)")
    parser.add_argument("--blocked", type=float, default=0.02)
    parser.add_argument("--error-rate", type=float, default=0.01)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--lease", type=float, help="claim lease (s); 60, or 10 with --kill")
    parser.add_argument("--seed", type=int, default=20251125)
    parser.add_argument("--max-duration", type=float, default=900, help="give up after (s)")
    parser.add_argument("--kill", action="store_true", help="SIGKILL a subprocess sender")
    parser.add_argument("--kills", type=int, default=1, help="how many times with --kill")
    parser.add_argument("--outage", type=float, default=0, help="seconds of 502s (Telegram down)")
    parser.add_argument("--outage-after", type=float, default=5, help="outage start (s)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--api-url", help=argparse.SUPPRESS)
    parser.add_argument("--broadcast-id", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--data-key", help=argparse.SUPPRESS)  # this run's, for the worker
    return parser.parse_args()


async def remaining(db: Database, broadcast_id: int) -> int:
    async with db.transaction() as session:
        counts = await OutboxRepository(session).broadcast_counts(broadcast_id)
    return counts.get("pending", 0) + counts.get("sending", 0)


async def until_done(db: Database, broadcast_id: int, deadline: float) -> None:
    """Poll the database (the sender may be another process) until nothing is left."""
    while True:
        if not await remaining(db, broadcast_id) or time.monotonic() > deadline:
            return
        await asyncio.sleep(0.5)


async def prepare(db: Database, recipients: list[int]) -> int:
    """The coordinator's broadcast: one outbox row per recipient, in one transaction."""
    await upgrade(db)
    async with db.transaction() as session:
        broadcast = Broadcast(coordinator_id=1, audience="{}", text=TEXT, total=len(recipients))
        session.add(broadcast)
        await session.flush()
        message, now = Outgoing.text(TEXT), Clock().now()
        for chat in recipients:
            await enqueue(
                session, chat, "broadcast", message, not_before=now, broadcast_id=broadcast.id
            )
    return broadcast.id


async def worker(args: argparse.Namespace) -> None:
    """One sender process (used by --kill): runs until SIGTERM or the broadcast is done."""
    db, stop = (
        Database(args.database_url, sealer=PersonalDataCipher(args.data_key)),
        asyncio.Event(),
    )
    session = AiohttpSession(api=TelegramAPIServer.from_base(args.api_url))
    bot = Bot(token=DEFAULT_TOKEN, session=session)
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    sender = Sender(
        db, bot, rate_per_second=args.rate, concurrency=args.concurrency, lease_seconds=args.lease
    )
    runner = asyncio.create_task(sender.run(stop))
    deadline = time.monotonic() + args.max_duration
    while not stop.is_set() and time.monotonic() < deadline:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 2)
        if await remaining(db, args.broadcast_id) == 0:
            stop.set()
    stop.set()
    await runner
    await bot.session.close()
    await db.close()


async def run_in_process(
    args: argparse.Namespace, db: Database, fake: FakeBotAPI, bid: int
) -> None:
    bot, stop = make_bot(fake), asyncio.Event()
    sender = Sender(
        db, bot, rate_per_second=args.rate, concurrency=args.concurrency, lease_seconds=args.lease
    )
    runner = asyncio.create_task(sender.run(stop))
    deadline = time.monotonic() + args.max_duration
    await until_done(db, bid, deadline)
    stop.set()
    await runner
    await bot.session.close()
    print(f"sender stats            {dict(sender.stats)}")


async def run_with_kills(
    args: argparse.Namespace, db: Database, fake: FakeBotAPI, bid: int
) -> None:
    rng = random.Random(args.seed + 1)
    command = [
        sys.executable,
        __file__,
        "--worker",
        "--database-url",
        args.database_url,
        "--api-url",
        fake.url,
        "--broadcast-id",
        str(bid),
        "--data-key",
        args.data_key,
        "--rate",
        str(args.rate),
        "--concurrency",
        str(args.concurrency),
        "--lease",
        str(args.lease),
        "--max-duration",
        str(args.max_duration),
    ]
    expected = args.recipients / args.rate
    deadline = time.monotonic() + args.max_duration
    for kill in range(args.kills + 1):
        process = await asyncio.create_subprocess_exec(*command)
        if kill < args.kills:
            start = len(fake.calls)
            await fake.changed.wait_for(lambda s=start: len(fake.calls) > s + 30, 60)
            await asyncio.sleep(rng.uniform(1, expected / (args.kills + 1)))
            process.kill()  # SIGKILL: no chance to record what was in flight
            await process.wait()
            async with db.transaction() as session:
                counts = await OutboxRepository(session).broadcast_counts(bid)
            print(
                f"SIGKILL #{kill + 1}: {counts.get('sending', 0)} rows left 'sending', "
                f"{counts.get('pending', 0)} pending; restarting"
            )
            continue
        await until_done(db, bid, deadline)
        if process.returncode is None:
            process.terminate()
        await process.wait()


async def outage(fake: FakeBotAPI, args: argparse.Namespace) -> None:
    """Telegram down for `args.outage` seconds, `args.outage_after` seconds from now."""
    await asyncio.sleep(args.outage_after)
    fake.outage()
    print(f"outage: every call answered 502 for {args.outage:.0f} s")
    await asyncio.sleep(args.outage)
    args.outage_refused = fake.outage_refused
    fake.outage_over()
    print(f"outage over: {args.outage_refused} calls were refused")


def report(
    args: argparse.Namespace,
    fake: FakeBotAPI,
    blocked: set[int],
    recipients: list[int],
    counts: dict[str, int],
    elapsed: float,
) -> bool:
    """Print the numbers; True when the targets are met."""
    assert fake.flood is not None
    statuses = Counter(c.status for c in fake.calls if c.method == "sendMessage")
    delivered = Counter(chat for _, chat in fake.flood.deliveries)
    duplicates = sum(n - 1 for n in delivered.values() if n > 1)
    lost = sum(1 for chat in recipients if chat not in blocked and not delivered[chat])
    times = sorted(t for t, _ in fake.flood.deliveries)
    cut = times[max(0, int(len(times) * 0.99) - 1)]  # the final 1% is the tail
    rate = (bisect.bisect_right(times, cut) - 1) / (cut - times[0])
    calls = fake.flood.attempts
    call_rate = (bisect.bisect_right(calls, cut) - 1) / (cut - calls[0])
    peak = max(bisect.bisect_right(times, t + 1.0) - i for i, t in enumerate(times))
    share_429 = statuses[429] / max(1, sum(statuses.values()))
    rows = [
        ("elapsed", f"{elapsed:.1f} s"),
        ("sustained delivery rate", f"{rate:.2f} msgs/s (deliveries, first 99%)"),
        ("send call rate", f"{call_rate:.2f} calls/s (incl. 403/500/429, first 99%)"),
        ("overall delivery rate", f"{len(times) / elapsed:.2f} msgs/s (incl. tail)"),
        ("peak in any 1 s window", f"{peak} deliveries"),
        ("send calls", f"{sum(statuses.values())} {dict(sorted(statuses.items()))}"),
        ("429 answers", f"{statuses[429]} ({share_429:.2%} of sends)"),
        ("duplicates", f"{duplicates} (chats that received the broadcast twice or more)"),
        ("lost", f"{lost} (reachable recipients never delivered)"),
        ("unreachable", f"{counts.get('unreachable', 0)} (blocked chats: {len(blocked)})"),
        ("outbox rows by status", str(dict(sorted(counts.items())))),
    ]
    for name, value in rows:
        print(f"{name:<24}{value}")
    if args.outage:  # throughput targets do not apply across an outage
        return lost == 0 and duplicates == 0
    if args.kill:  # the documented window: at most `concurrency` re-sends per hard kill
        window = args.kills * args.concurrency
        print(f"{'':<24}(at-least-once window after {args.kills} SIGKILL(s): <= {window})")
        return lost == 0 and duplicates <= window
    return rate >= 28.5 and share_429 < 0.01 and duplicates == 0 and lost == 0


async def main(args: argparse.Namespace) -> int:
    if args.worker:
        await worker(args)
        return 0
    args.lease = args.lease or (10.0 if args.kill else 60.0)
    rng = random.Random(args.seed)
    recipients = list(range(FIRST_CHAT, FIRST_CHAT + args.recipients))
    blocked = set(rng.sample(recipients, round(len(recipients) * args.blocked)))
    with tempfile.TemporaryDirectory(prefix="blk-bench-") as tmp:
        if args.database_url:
            await empty_database(args.database_url)  # a run must not count the last run's rows
        args.database_url = args.database_url or f"sqlite+aiosqlite:///{tmp}/bench.sqlite3"
        args.data_key = generate_data_key()  # a throwaway key: outbox payloads are sealed
        db = Database(args.database_url, sealer=PersonalDataCipher(args.data_key))
        fake = FakeBotAPI(
            rate_limit=args.fake_limit, error_rate=args.error_rate, blocked=blocked, seed=args.seed
        )
        await fake.start()
        try:
            bid = await prepare(db, recipients)
            print(
                f"broadcast to {len(recipients):,} chats, fake limit {args.fake_limit}/s, "
                f"{len(blocked)} blocked, {args.error_rate:.0%} 500s; sender {args.rate}/s "
                f"x{args.concurrency}, {db.engine.dialect.name}"
                + (f", {args.kills} SIGKILL(s), lease {args.lease:.0f} s" if args.kill else "")
                + (
                    f", {args.outage:.0f} s outage after {args.outage_after:.0f} s"
                    if args.outage
                    else ""
                )
            )
            started = time.monotonic()
            run = run_with_kills if args.kill else run_in_process
            down = asyncio.create_task(outage(fake, args)) if args.outage else None
            await run(args, db, fake, bid)
            elapsed = time.monotonic() - started
            if down is not None and not down.done():
                down.cancel()
                print("the broadcast ended before the outage did")
            async with db.transaction() as session:
                counts = await OutboxRepository(session).broadcast_counts(bid)
            ok = report(args, fake, blocked, recipients, counts, elapsed)
        finally:
            await fake.stop()
            await db.close()
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main(options())))
