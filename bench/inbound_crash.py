"""Inbound crash run: 600 button presses from 200 people queued at once (each a database
write and one answer), the bot killed with SIGKILL one second after its first getUpdates,
then started again. Prints answered / lost / answered twice.

    python bench/inbound_crash.py [--database-url URL] [--people 200] [--presses 3]
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._bot_process import bot_env, start_bot  # noqa: E402
from tests.databases import empty_database  # noqa: E402
from tests.fake_bot_api import FakeBotAPI  # noqa: E402
from tests.language_burst import lost_and_twice, press_languages  # noqa: E402


async def main(args: argparse.Namespace) -> None:
    workdir = tempfile.mkdtemp(prefix="blk-inbound-")
    database_url = args.database_url or f"sqlite+aiosqlite:///{workdir}/bench.sqlite3"
    if args.database_url:
        await empty_database(database_url)  # update ids restart at 1: old ones would match
    fake = FakeBotAPI()
    await fake.start()
    env = bot_env(fake, database_url)
    process = await start_bot(fake, env, workdir)
    burst = press_languages(fake, range(7_000_001, 7_000_001 + args.people), args.presses)
    started = time.monotonic()
    await asyncio.sleep(1.0)  # the bench's fixed kill point, not a synchronisation
    process.send_signal(signal.SIGKILL)
    await process.wait()
    answered_before = sum(1 for c in fake.calls if c.method == "sendMessage" and c.ok)
    process = await start_bot(fake, env, workdir)
    await fake.wait_confirmed(burst.last_update, timeout=600)
    elapsed = time.monotonic() - started
    process.terminate()
    await process.wait()
    lost, twice = lost_and_twice(fake, burst)
    total = burst.size
    print(f"database: {database_url.split(':')[0]}")
    print(f"updates: {total}, answered before the kill: {answered_before}")
    print(f"answered: {total - lost}, lost: {lost}, answered twice: {twice}")
    print(f"all handled {elapsed:.1f} s after the burst (incl. restart)")
    await fake.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url")
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--presses", type=int, default=3)
    asyncio.run(main(parser.parse_args()))
