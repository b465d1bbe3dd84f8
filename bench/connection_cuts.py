"""Connection cuts during a burst: 600 button presses from 200 people queued at once (each
a database write and one answer) while `blk-bot run` talks to PostgreSQL through a proxy
that cuts every connection every `--every` milliseconds until all are answered. Prints
updates, cuts, answers lost and answered twice, and the time to handle them all.

    python bench/connection_cuts.py --database-url postgresql+asyncpg://…/bench [--every 700]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


from bench._bot_process import bot_env, start_bot  # noqa: E402
from tests.databases import empty_database  # noqa: E402
from tests.fake_bot_api import FakeBotAPI  # noqa: E402
from tests.language_burst import answers, lost_and_twice, press_languages, reply_statuses  # noqa: E402
from tests.tcp_proxy import TcpProxy  # noqa: E402


async def cut_until(proxy: TcpProxy, every: float, done: asyncio.Event) -> None:
    """Cut every connection each `every` seconds until `done` (the bench's fault clock)."""
    while not done.is_set():
        try:
            await asyncio.wait_for(done.wait(), every)
        except TimeoutError:
            proxy.cut()


async def main(args: argparse.Namespace) -> None:
    await empty_database(args.database_url)  # update ids restart at 1: old ones would match
    proxy = TcpProxy.before(args.database_url)
    await proxy.start()
    fake = FakeBotAPI()
    await fake.start()
    env = bot_env(fake, proxy.url(args.database_url))
    process = await start_bot(fake, env, tempfile.mkdtemp(prefix="blk-cuts-"))
    burst = press_languages(fake, range(7_000_001, 7_000_001 + args.people), args.presses)
    started, done = time.monotonic(), asyncio.Event()
    cutting = asyncio.create_task(cut_until(proxy, args.every / 1000, done))
    await fake.wait_confirmed(burst.last_update, timeout=900)
    await fake._wait(lambda: len(answers(fake, burst)) >= burst.size, 900, "every answer")
    done.set()
    await cutting
    elapsed = time.monotonic() - started
    process.terminate()
    await process.wait()
    lost, twice = lost_and_twice(fake, burst)
    print(f"updates: {burst.size}, connection cuts: {proxy.cuts} (every {args.every} ms)")
    print(f"answered: {burst.size - lost}, lost: {lost}, answered twice: {twice}")
    print(f"all handled {elapsed:.1f} s after the burst")
    print(f"answers in the outbox by status: {await reply_statuses(args.database_url)}")
    await fake.stop()
    await proxy.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True, help="PostgreSQL (the proxy fronts it)")
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--presses", type=int, default=3)
    parser.add_argument("--every", type=int, default=700, help="milliseconds between cuts")
    asyncio.run(main(parser.parse_args()))
