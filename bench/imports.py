"""Staff CSV import under load: an administrator sends a batch schedule of 46,773 rows to
the real `blk-bot run` (against the fake Bot API) while another person keeps sending
/start, one after the other's answer, until the import's report is there. Prints the time
to the upload's first answer and to the report, and the longest and median waits of the
other person meanwhile (comparable with a bot that imports inside the upload's update).

    python bench/imports.py [--database-url URL] [--rows 46773]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._bot_process import bot_env, start_bot  # noqa: E402
from tests.databases import empty_database  # noqa: E402
from tests.fake_bot_api import ApiCall, FakeBotAPI  # noqa: E402
from tests.import_jobs_setup import SCHEDULE_HEADER  # noqa: E402

ADMIN, OTHER = 9000, 7_100_001
# BLKs of the packaged directory, seeded at the first start, in three time zones.
BLKS = ("ppkd-jakarta-selatan", "bbpvp-makassar", "bpvp-sorong")


def schedule(rows: int) -> bytes:
    lines = [SCHEDULE_HEADER]
    lines += (
        f"bench-{i:06d},{BLKS[i % len(BLKS)]},Kelas {i},2027-01-11,2027-01-16,08:00,16:00,20"
        for i in range(rows)
    )
    return "\n".join(lines).encode()


async def first_answer(fake: FakeBotAPI, since: float) -> float:
    """Seconds from the upload to the bot's first answer to it."""
    await fake.wait_call(chat_id=ADMIN, timeout=3600)
    return time.monotonic() - since


def final_report(fake: FakeBotAPI) -> ApiCall | None:
    """The import's report, sent or edited in, once it is there (read, not consumed)."""
    return next(
        (c for c in fake.calls if c.chat_id == ADMIN and "Hasil impor" in (c.text or "")), None
    )


async def main(args: argparse.Namespace) -> None:
    workdir = tempfile.mkdtemp(prefix="blk-imports-")
    database_url = args.database_url or f"sqlite+aiosqlite:///{workdir}/bench.sqlite3"
    if args.database_url:
        await empty_database(database_url)
    fake = FakeBotAPI()
    await fake.start()
    env = bot_env(fake, database_url, ADMIN_IDS=str(ADMIN), FLOOD_MAX_UPDATES="100000")
    process = await start_bot(fake, env, workdir)
    for blk in BLKS:  # the seeded directory holds them (a typo would only reject rows)
        assert blk.encode() in (ROOT / "bot/data/blk.csv").read_bytes(), blk
    data = schedule(args.rows)
    started = time.monotonic()
    fake.document(ADMIN, data, "jadwal.csv")
    acknowledged = asyncio.ensure_future(first_answer(fake, started))
    waits: list[float] = []
    while (report := final_report(fake)) is None:
        sent = time.monotonic()
        fake.message(OTHER, "/start")
        await fake.reply(OTHER, timeout=600)
        waits.append(time.monotonic() - sent)
    done = time.monotonic() - started
    process.terminate()
    await process.wait()
    await fake.stop()
    print(f"database: {database_url.split(':')[0]}, rows: {args.rows}, file: {len(data):,} bytes")
    print(f"upload answered after {await acknowledged:.2f} s; report after {done:.1f} s")
    print(f"{len(waits)} /start answered meanwhile: longest wait {max(waits):.2f} s, ", end="")
    print(f"median {statistics.median(waits):.3f} s")
    print((report.text or "").replace("\n", " | "))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url")
    parser.add_argument("--rows", type=int, default=46_773)
    asyncio.run(main(parser.parse_args()))
