"""Benchmark: everyone registered (100,000 by default) as a spreadsheet, time and memory.

Run: ``python bench/export.py`` (a temporary SQLite database) or with ``--database-url``
(emptied first, so use a database of its own). Synthetic registrations — encrypted NIK
and phone, as stored — are inserted in bulk, about 60% of them with a seat in one of 200
batches; then a fresh process exports them as a national coordinator would, once per
format, and reports the wall and CPU time (CPU time is what to compare on a busy machine),
the process's peak RSS and its RSS just before the export (imports, wiring and the
database driver), so the export's own share shows.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._synthetic import REGENCY, add_bogor, chunks, registration_row, sealed
from bot.coordinators.exports import ExportService
from bot.coordinators.roles import RoleService
from bot.coordinators.rosters import RosterService
from bot.coordinators.sheets import SheetFormat
from bot.registration.personal_data import PersonalDataCipher, generate_data_key
from bot.runtime.i18n import create_i18n
from handlers.coordinators.desk_sheets import sheet_columns
from storage.database import Database
from storage.migrate import upgrade
from storage.models import Batch, Blk, Enrollment, Registration
from tests.databases import empty_database

ADMIN = 1
BLKS, BATCHES_PER_BLK = 50, 4
START = datetime(2027, 2, 1, 1, 0, tzinfo=UTC)


def options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url")
    parser.add_argument("--format", choices=[f.value for f in SheetFormat], action="append")
    parser.add_argument("--export", help=argparse.SUPPRESS)  # the measuring subprocess
    parser.add_argument("--key", help=argparse.SUPPRESS)
    return parser.parse_args()


async def populate(db: Database, cipher: PersonalDataCipher, rows: int) -> None:
    """Places, batches and `rows` registrations, 60% of them seated, in bulk inserts."""
    await upgrade(db)
    async with db.transaction() as session:
        await add_bogor(session)
        for b in range(BLKS):
            session.add(Blk(id=f"blk-{b}", name=f"BLK {b}", kind="UPTD", regency_code=REGENCY))
        await session.flush()
        for b in range(BLKS):
            for n in range(BATCHES_PER_BLK):
                starts = START + timedelta(days=7 * n)
                session.add(
                    Batch(
                        blk_id=f"blk-{b}",
                        title=f"Kewirausahaan {b}-{n}",
                        starts_at=starts,
                        ends_at=starts + timedelta(days=5),
                        registration_deadline=starts - timedelta(days=3),
                        capacity=rows,
                    )
                )
    async with db.transaction() as session:
        batch_ids = list((await session.execute(select(Batch.id).order_by(Batch.id))).scalars())
    men, women = (sealed(cipher, phone="+6281234567890", sex=sex) for sex in ("L", "P"))
    now = datetime.now(UTC)
    for numbers in chunks(rows):
        async with db.transaction() as session:
            await session.execute(
                insert(Registration),
                [
                    registration_row(
                        i,
                        ciphers=men if i % 2 else women,
                        consent_at=now,
                        id=i + 1,
                        full_name=f"=Peserta Nomor {i}" if i % 1000 == 0 else f"Peserta {i}",
                        phk_affected=i % 5 == 0,
                        phk_month=date(2026, 6, 1) if i % 5 == 0 else None,
                        created_at=now,
                        updated_at=now,
                    )
                    for i in numbers
                ],
            )
            seated = [i for i in numbers if i % 10 < 6]
            await session.execute(
                insert(Enrollment),
                [
                    {
                        "registration_id": i + 1,
                        "batch_id": batch_ids[i % len(batch_ids)],
                        "status": "active" if i % 10 else "waitlisted",
                        "created_at": now,
                        "updated_at": now,
                    }
                    for i in seated
                ],
            )


def rss_now_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


async def export(url: str, key: str, fmt: SheetFormat) -> dict[str, object]:
    """One export in this (fresh) process: seconds, rows, file size, RSS before and peak."""
    db = Database(url)
    cipher = PersonalDataCipher(key)
    roles = RoleService(db, frozenset({ADMIN}))
    exports = ExportService(db, RosterService(db, roles, cipher))
    i18n = create_i18n("id")
    with i18n.context(), i18n.use_locale("id"):
        columns = sheet_columns(with_place=True)
        before = rss_now_kb()
        started, cpu_started = time.perf_counter(), time.process_time()
        async with exports.registrants_sheet(ADMIN, fmt, columns) as sheet:
            seconds = time.perf_counter() - started
            cpu = time.process_time() - cpu_started
            size = sheet.path.stat().st_size
            rows = sheet.rows
    await db.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kB on Linux
    return {
        "format": fmt.value,
        "rows": rows,
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "file_mb": round(size / 2**20, 1),
        "rss_before_mb": round(before / 1024, 1),
        "peak_rss_mb": round(peak / 1024, 1),
    }


async def prepare(url: str, key: str, rows: int, fresh: bool) -> None:
    if fresh:
        await empty_database(url)
    db = Database(url)
    started = time.perf_counter()
    await populate(db, PersonalDataCipher(key), rows)
    await db.close()
    print(f"{rows:,} registrations inserted in {time.perf_counter() - started:.1f} s")


def main(args: argparse.Namespace) -> None:
    if args.export:
        result = asyncio.run(export(args.database_url, args.key, SheetFormat(args.export)))
        print(json.dumps(result))
        return
    with tempfile.TemporaryDirectory(prefix="blk-bench-") as tmp:
        url = args.database_url or f"sqlite+aiosqlite:///{tmp}/bench.sqlite3"
        key = generate_data_key()
        asyncio.run(prepare(url, key, args.rows, fresh=bool(args.database_url)))
        for fmt in args.format or [f.value for f in SheetFormat]:
            command = [sys.executable, __file__, "--database-url", url, "--key", key]
            result = subprocess.run([*command, "--export", fmt], capture_output=True, text=True)
            print(result.stdout.strip() or result.stderr)


if __name__ == "__main__":
    main(options())
