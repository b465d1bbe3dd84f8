"""Update path: N updates from M people (bench/_update_mix.py: /start, menu presses, typed
questions, registration answers) queued at once on the fake Bot API, handled by the real
`blk-bot run` and, in the same run, by a bare aiogram echo bot (bench/echo_bot.py). The
fake has no rate limits and OUTBOX_RATE is 1000, so only processing counts.

For each: updates/s (queue to the last answer), CPU ms per update (the process's user +
system time from /proc, over the burst only), p50/p95 latency from queue to the update's
first answer, and peak RSS; then the ratios (absolute times on a shared machine are noise).
Before the burst, a few people walk the journey one step at a time (the bot warms up, and
the number of answers each step gets is counted, to find every update's first answer).

    python bench/update_path.py [--database-url URL [--redis-url URL]]
                                [--updates 1500] [--users 150]

A PostgreSQL database and the Redis database given are emptied first. BENCH_PROFILE=FILE
runs the bot under cProfile (`python -m cProfile -o FILE`; read it with pstats; SQLAlchemy's
greenlets make its cumulative times meaningless). BENCH_PYSPY=FILE samples the bot during
the burst only with py-spy (`--gil`: Python's own work; py-spy on PATH, `pip install
py-spy`, not a project dependency) and prints the top functions by cumulative and by own
share of the samples.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._bot_process import RUN, bot_env, start_bot  # noqa: E402
from bench._stacks import tables  # noqa: E402
from bench._update_mix import JOURNEY, QUESTIONS, queue_round, steps_of, variant  # noqa: E402
from tests.databases import empty_database  # noqa: E402
from tests.fake_bot_api import ApiCall, FakeBotAPI  # noqa: E402

ECHO = (str(ROOT / "bench" / "echo_bot.py"),)
TICK = os.sysconf("SC_CLK_TCK")
TIMEOUT = 900.0


class StampedCalls(list[ApiCall]):
    """The fake's call list, noting when each call to a chat arrived, by chat."""

    def __init__(self) -> None:
        super().__init__()
        self.by_chat: dict[int, list[float]] = {}

    def append(self, call: ApiCall) -> None:
        if call.chat_id is not None and call.method != "getUpdates":
            self.by_chat.setdefault(call.chat_id, []).append(time.monotonic())
        super().append(call)

    def answers(self, users: dict[int, int]) -> int:
        return sum(len(self.by_chat.get(user, ())) for user in users)


def cpu_seconds(pid: int) -> float:
    """User + system time of the process so far (all its threads)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


@dataclass
class Result:
    updates: int
    seconds: float
    cpu: float
    latencies: list[float]
    rss_mb: float

    @property
    def rate(self) -> float:
        return self.updates / self.seconds

    @property
    def cpu_ms(self) -> float:
        return self.cpu * 1000 / self.updates

    def line(self, name: str) -> str:
        ordered = sorted(self.latencies)  # bench/statistics.py hides the stdlib module
        p50, p95 = (ordered[int(share * (len(ordered) - 1))] * 1000 for share in (0.5, 0.95))
        return (
            f"{name:5} {self.updates} updates in {self.seconds:.1f} s: {self.rate:.1f} updates/s, "
            f"CPU {self.cpu_ms:.2f} ms/update, latency p50 {p50:.0f} ms p95 {p95:.0f} ms, "
            f"peak RSS {self.rss_mb:.0f} MB"
        )


async def calibrate(fake: FakeBotAPI, first_user: int, echo: bool) -> list[list[int]]:
    """Answers per journey step for each variant: one person per variant walks the whole
    journey, each step once the previous one was handled. The echo bot answers once."""
    people = {first_user + n: n for n in range(len(QUESTIONS))}
    counts: list[list[int]] = [[] for _ in people]
    calls: StampedCalls = fake.calls  # type: ignore[assignment]
    for step in range(len(JOURNEY)):
        before = [len(calls.by_chat.get(user, ())) for user in people]
        last = max(queue_round(fake, people, step).values())
        if echo:
            owed = sum(before) + len(people)
            await fake._wait(lambda o=owed: calls.answers(people) >= o, 60, "echo answers")
        else:
            await fake.wait_confirmed(last, timeout=60)
        for n, user in enumerate(people):
            counts[n].append(len(calls.by_chat.get(user, ())) - before[n])
    return counts


async def burst(
    fake: FakeBotAPI, pid: int, first_user: int, args: argparse.Namespace, answers: list[list[int]]
) -> Result:
    """Queue the mix at once; measure until every update got all its answers."""
    people = {first_user + i: len(QUESTIONS) + i for i in range(args.users)}  # NIKs of their own
    steps = {first_user + i: steps_of(i, args.updates, args.users) for i in range(args.users)}
    calls: StampedCalls = fake.calls  # type: ignore[assignment]
    cpu_before, started = cpu_seconds(pid), time.monotonic()
    for step in range(max(steps.values())):
        queue_round(fake, {u: n for u, n in people.items() if steps[u] > step}, step)
    owed = {user: answers[variant(n)][: steps[user]] for user, n in people.items()}
    total = sum(sum(counts) for counts in owed.values())
    await fake._wait(lambda: calls.answers(people) >= total, TIMEOUT, "every answer")
    seconds, cpu = time.monotonic() - started, cpu_seconds(pid) - cpu_before
    latencies = []
    for user, counts in owed.items():
        stamps = calls.by_chat[user]
        latencies += [stamps[sum(counts[:step])] - started for step in range(len(counts))]
    unexpected = sum(len(calls.by_chat[user]) != sum(counts) for user, counts in owed.items())
    if unexpected:
        print(f"warning: {unexpected} people got another number of answers than calibrated")
    return Result(len(latencies), seconds, cpu, latencies, peak_rss_mb(pid))


async def measure(
    fake: FakeBotAPI,
    env: dict[str, str],
    command: tuple[str, ...],
    first_user: int,
    args: argparse.Namespace,
    samples: Path | None = None,
) -> Result:
    """Start the bot, calibrate, then the burst; py-spy samples the burst into `samples`."""
    process = await start_bot(fake, env, tempfile.mkdtemp(prefix="blk-path-"), command)
    try:
        answers = await calibrate(fake, first_user, echo=command == ECHO)
        spy = None
        if samples is not None:
            spy = await asyncio.create_subprocess_exec(
                "py-spy", "record", "--pid", str(process.pid), "--gil", "--format", "raw",
                "--rate", "200", "-o", str(samples), stdout=asyncio.subprocess.DEVNULL,
            )  # fmt: skip
        result = await burst(fake, process.pid, first_user + 1_000, args, answers)
        if spy is not None:
            spy.send_signal(signal.SIGINT)  # py-spy writes what it sampled, then exits
            await spy.wait()
        return result
    finally:
        process.terminate()
        await process.wait()


def bot_command(profile: str | None) -> tuple[str, ...]:
    """`blk-bot run`, under cProfile writing to `profile` if given."""
    return ("-m", "cProfile", "-o", os.path.abspath(profile), *RUN) if profile else RUN


async def main(args: argparse.Namespace) -> None:
    if len(JOURNEY) * args.users < args.updates:
        raise SystemExit(f"at most {len(JOURNEY)} updates per person")
    workdir = tempfile.mkdtemp(prefix="blk-path-")
    database_url = args.database_url or f"sqlite+aiosqlite:///{workdir}/bench.sqlite3"
    if args.database_url:
        await empty_database(database_url)
    settings = {"OUTBOX_RATE": "1000", "FLOOD_MAX_UPDATES": "100000"}
    if args.redis_url:
        from redis.asyncio import Redis

        async with Redis.from_url(args.redis_url) as redis:
            await redis.flushdb()
        settings["REDIS_URL"] = args.redis_url
    fake = FakeBotAPI()
    fake.calls = StampedCalls()
    await fake.start()
    env = bot_env(fake, database_url, **settings)
    command = bot_command(os.environ.get("BENCH_PROFILE"))
    samples = Path(spy_file) if (spy_file := os.environ.get("BENCH_PYSPY")) else None
    echo = await measure(fake, env, ECHO, 7_000_000, args)
    bot = await measure(fake, env, command, 8_000_000, args, samples)
    await fake.stop()
    store = database_url.split(":")[0] + (" + Redis" if args.redis_url else "")
    print(f"database: {store}; {args.updates} updates from {args.users} people")
    print(bot.line("bot"))
    print(echo.line("echo"))
    print(
        f"bot/echo: CPU per update {bot.cpu_ms / echo.cpu_ms:.1f}x, "
        f"updates/s {bot.rate / echo.rate:.2f}x"
    )
    if samples is not None:
        print(f"the bot's burst as py-spy sampled it ({samples}):\n{tables(samples)}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    parser.add_argument("--redis-url", help="FSM in Redis (with PostgreSQL)")
    parser.add_argument("--updates", type=int, default=1_500)
    parser.add_argument("--users", type=int, default=150)
    asyncio.run(main(parser.parse_args()))
