"""Benchmark: /statistik over 100,000 registrations (goal: under 2 s on SQLite).

Run: ``python bench/statistics.py`` (a temporary SQLite database) or with
``--database-url`` (emptied first, so use a database of its own). The packaged regions and
BLK directory are loaded; two batches per BLK; registrations spread over every regency
and the last 60 days, 60% with a seat or waitlist place, a third of the seat holders
having answered a reminder. Then each level is timed as a coordinator opens it: the
figures (`StatisticsService.report`, every aggregate in one transaction), the chart PNG
and the message text — the whole of what `/statistik` and a drill-down button do before
sending. Each level is run `--repeat` times; the median and the slowest are printed.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, insert, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.coordinators.roles import COUNTRY, Scope
from bot.coordinators.statistics import Level, Node, StatisticsService
from bot.coordinators.statistics_chart import render_png
from bot.directory.service import DirectoryService
from bot.places.regions import default_directory
from bot.runtime.i18n import create_i18n
from handlers.coordinators.statistics import statistics_text
from handlers.coordinators.statistics_views import chart_spec, report_text
from storage.database import Database
from storage.migrate import upgrade
from storage.models import Attendance, Batch, Blk, Enrollment, Regency, Registration
from tests.clock import FixedClock
from tests.databases import empty_database

SEED = 20261206
CHUNK = 5_000
NOW = datetime(2026, 12, 6, 3, 0, tzinfo=UTC)
BUSINESS = ("none", "micro", "small", "medium")


def options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database-url")
    return parser.parse_args()


async def populate(db: Database, rows: int) -> None:
    """Regions and BLKs as shipped, two batches per BLK, and `rows` registrations in bulk."""
    await upgrade(db)
    await DirectoryService(db, default_directory()).sync_reference_data()
    async with db.transaction() as session:
        regencies = list((await session.execute(select(Regency.code, Regency.province_code))).all())
        blks = list((await session.execute(select(Blk.id, Blk.regency_code))).all())
        for blk_id, _ in blks:
            for n in range(2):
                starts = NOW + timedelta(days=14 + 28 * n)
                session.add(
                    Batch(
                        blk_id=blk_id,
                        title=f"Kewirausahaan {n + 1}",
                        starts_at=starts,
                        ends_at=starts + timedelta(days=5),
                        registration_deadline=starts - timedelta(days=3),
                        capacity=32,
                    )
                )
    async with db.transaction() as session:
        batches = list((await session.execute(select(Batch.id).order_by(Batch.id))).scalars())
    rng = random.Random(SEED)
    for first in range(0, rows, CHUNK):
        numbers = range(first, min(first + CHUNK, rows))
        people, places, answers = [], [], []
        for i in numbers:
            regency, province = rng.choice(regencies)
            created = NOW - timedelta(minutes=rng.randrange(60 * 24 * 60))
            people.append(
                {
                    "id": i + 1,
                    "telegram_id": 10_000_000 + i,
                    "code": f"BLK-{i:06d}",
                    "full_name": f"Peserta {i}",
                    "nik_cipher": "x",
                    "nik_fingerprint": f"{i:064x}",
                    "phone_cipher": "x",
                    "birth_date_cipher": "x",
                    "sex_cipher": "x",
                    "birth_month": date(1950 + rng.randrange(58), rng.randrange(1, 13), 1),
                    "province_code": province,
                    "regency_code": regency,
                    "business_status": rng.choice(BUSINESS),
                    "business_sector": "food",
                    "phk_affected": rng.random() < 0.2,
                    "phk_month": None,
                    "consent_version": "v1",
                    "consent_at": created,
                    "created_at": created,
                    "updated_at": created,
                }
            )
            if i % 10 < 6:
                status = "waitlisted" if i % 10 == 0 else "active"
                places.append(
                    {
                        "id": i + 1,
                        "registration_id": i + 1,
                        "batch_id": rng.choice(batches),
                        "status": status,
                        "created_at": created,
                        "updated_at": created,
                    }
                )
                if status == "active" and i % 3 == 0:
                    answer = "yes" if rng.random() < 0.8 else "no"
                    answers.append({"enrollment_id": i + 1, "answer": answer, "answered_at": NOW})
        async with db.transaction() as session:
            await session.execute(insert(Registration), people)
            await session.execute(insert(Enrollment), places)
            await session.execute(insert(Attendance), answers)


def median(values: list[float]) -> float:
    """By hand: this file is named statistics.py, so it shadows the standard module."""
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


async def busiest(db: Database) -> tuple[str, str, int]:
    """The province, BLK and batch with the most people: the slowest of each level."""
    async with db.transaction() as session:
        province = (
            await session.execute(
                select(Registration.province_code)
                .group_by(Registration.province_code)
                .order_by(func.count().desc())
                .limit(1)
            )
        ).scalar_one()
        batch, blk = (
            await session.execute(
                select(Batch.id, Batch.blk_id)
                .join(Enrollment, Enrollment.batch_id == Batch.id)
                .group_by(Batch.id, Batch.blk_id)
                .order_by(func.count().desc())
                .limit(1)
            )
        ).one()
    return province, blk, batch


async def measure(db: Database, repeat: int) -> None:
    service = StatisticsService(db, clock=FixedClock(NOW))
    province, blk, batch = await busiest(db)
    levels = [
        ("country", COUNTRY, Node(Level.COUNTRY)),
        (f"province {province}", Scope.province(province), Node(Level.PROVINCE, province)),
        (f"BLK {blk}", Scope.blk(blk), Node(Level.BLK, blk)),
        (f"batch {batch}", Scope.blk(blk), Node(Level.BATCH, str(batch))),
    ]
    i18n = create_i18n("id")
    with i18n.context(), i18n.use_locale("id"):
        render_png(chart_spec(await service.report(COUNTRY, Node(Level.COUNTRY))))  # warm-up
        for name, viewer, node in levels:
            figures, totals = [], []
            for _ in range(repeat):
                started = time.perf_counter()
                report = await service.report(viewer, node)
                queried = time.perf_counter()
                summary = statistics_text(report.summary) if report.summary else None
                report_text(report, summary)
                await asyncio.to_thread(render_png, chart_spec(report))
                figures.append(queried - started)
                totals.append(time.perf_counter() - started)
            print(
                f"{name:<24} figures {median(figures):6.3f} s "
                f"(max {max(figures):.3f})   with chart and text "
                f"{median(totals):6.3f} s (max {max(totals):.3f})"
            )


async def run(args: argparse.Namespace, url: str) -> None:
    if args.database_url:
        await empty_database(url)
    db = Database(url)
    started = time.perf_counter()
    await populate(db, args.rows)
    print(f"{args.rows:,} registrations inserted in {time.perf_counter() - started:.1f} s")
    await measure(db, args.repeat)
    await db.close()


def main() -> None:
    args = options()
    with tempfile.TemporaryDirectory(prefix="blk-bench-") as tmp:
        url = args.database_url or f"sqlite+aiosqlite:///{tmp}/bench.sqlite3"
        asyncio.run(run(args, url))


if __name__ == "__main__":
    main()
