"""Benchmark: nearest-BLK and typed-place lookups over the full directory.

Run: ``python bench/directory_lookup.py`` (standard library + the project; a temporary SQLite
database is created and deleted). Latencies are per call, sequential, on one event loop.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import platform
import random
import string
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.directory.service import DirectoryService
from bot.places.names import read_data_csv
from bot.places.regions import RegionDirectory, default_directory
from bot.places.types import PlaceHit, PlaceLookup, PlaceSearch
from storage.database import Database
from storage.migrate import upgrade

SEED = 20251125
N_POINTS = 2000
N_NAMES = 2000
SYNTHETIC_BLK, SYNTHETIC_BLKK = 330, 4000  # BLK (UPTP+UPTD) and BLK Komunitas
LAT, LON = (-11.0, 6.5), (94.0, 141.5)


def percentiles(samples_ns: list[int]) -> str:
    ordered = sorted(samples_ns)

    def pick(q: float) -> float:
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] / 1e6

    per_second = len(ordered) / (sum(ordered) / 1e9)
    return (
        f"p50 {pick(0.50):7.3f} ms  p95 {pick(0.95):7.3f} ms  p99 {pick(0.99):7.3f} ms  "
        f"max {ordered[-1] / 1e6:7.3f} ms  {per_second:9,.0f} lookups/s"
    )


async def timed(calls: list[Callable[[], Awaitable[object]]]) -> list[int]:
    samples = []
    for call in calls:
        start = time.perf_counter_ns()
        await call()
        samples.append(time.perf_counter_ns() - start)
    return samples


def typo(rng: random.Random, text: str) -> str:
    """One random edit: substitute, delete, insert or swap two neighbours."""
    i = rng.randrange(len(text))
    op = rng.choice("sdit") if len(text) > 3 else "s"
    letter = rng.choice(string.ascii_lowercase)
    if op == "s":
        return text[:i] + letter + text[i + 1 :]
    if op == "d":
        return text[:i] + text[i + 1 :]
    if op == "i":
        return text[:i] + letter + text[i:]
    i = min(i, len(text) - 2)
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]


def typed_names(rng: random.Random, regions: RegionDirectory) -> list[tuple[str, str, str]]:
    """(category, text, expected regency code), N_NAMES in total, four equal groups."""
    regencies = regions.all_regencies()
    aliases = [(r["alias"], r["code"]) for r in read_data_csv("place_aliases.csv")]
    aliases = [(a, c) for a, c in aliases if "." in c]
    districts = regions.districts()
    quarter = N_NAMES // 4
    names = []
    for _ in range(quarter):
        regency = rng.choice(regencies)
        names.append(("official", rng.choice([regency.name, regency.short_name]), regency.code))
        alias, code = rng.choice(aliases)
        names.append(("alias", alias, code))
        regency = rng.choice(regencies)
        names.append(("one typo", typo(rng, regency.base_name.lower()), regency.code))
        district = rng.choice(districts)
        names.append(("kecamatan", district.name, district.regency_code))
    return names


def synthetic_csv(rng: random.Random, regions: RegionDirectory, count: int) -> bytes:
    """BLKs near random regency centroids (people live there); 30% without coordinates."""
    regencies = regions.all_regencies()
    lines = ["id,name,type,regency_code,latitude,longitude,coord_source"]
    for i in range(count):
        regency = rng.choice(regencies)
        kind = "BLKK" if i < SYNTHETIC_BLKK else "UPTD"
        lat = min(max(regency.latitude + rng.uniform(-0.2, 0.2), LAT[0]), LAT[1])
        lon = min(max(regency.longitude + rng.uniform(-0.2, 0.2), LON[0]), LON[1])
        point = f"{lat:.6f},{lon:.6f},gps" if rng.random() >= 0.3 else ",,"
        lines.append(f"syn-{i:05d},{kind} Sintetis {i},{kind},{regency.code},{point}")
    return ("\n".join(lines) + "\n").encode()


async def nearest_bench(service: DirectoryService, rng: random.Random) -> list[int]:
    points = [(rng.uniform(*LAT), rng.uniform(*LON)) for _ in range(N_POINTS)]
    await service.nearest_blks(0.0, 120.0)  # load the snapshot outside the measurement
    return await timed([lambda p=p: service.nearest_blks(*p) for p in points])


async def main() -> None:
    rng = random.Random(SEED)
    regions = default_directory()
    print(
        f"Python {platform.python_version()} ({platform.python_implementation()}), "
        f"{os.cpu_count()} CPUs, {platform.machine()} {platform.system()}"
    )
    with tempfile.TemporaryDirectory() as folder:
        db = Database(f"sqlite+aiosqlite:///{folder}/bench.sqlite3")
        await upgrade(db)
        service = DirectoryService(db, regions)
        for label in ("first sync (empty database)", "second sync (nothing to do)"):
            start = time.perf_counter_ns()
            report = await service.sync_reference_data()
            print(f"{label:34} {(time.perf_counter_ns() - start) / 1e6:8.1f} ms  {report}")
        blks = len(await service.nearest_blks(0.0, 120.0, limit=100_000))
        print(f"\nnearest_blks, {blks} BLKs, {N_POINTS} random points in the bounding box, limit 5")
        print("  " + percentiles(await nearest_bench(service, rng)))

        extra = SYNTHETIC_BLK + SYNTHETIC_BLKK - blks
        data = synthetic_csv(rng, regions, extra)
        start = time.perf_counter_ns()
        imported = await service.import_blk_csv(data, source_name="bench")
        took = (time.perf_counter_ns() - start) / 1e6
        print(
            f"\nimport of {extra} synthetic rows: {took:.0f} ms (added {imported.added}, "
            f"rejected {len(imported.rejected)}; includes the snapshot reload)"
        )
        start = time.perf_counter_ns()
        await service.refresh()
        print(
            f"snapshot reload, {blks + imported.added} BLKs: "
            f"{(time.perf_counter_ns() - start) / 1e6:.1f} ms"
        )
        print(f"nearest_blks, {blks + imported.added} BLKs (synthetic), {N_POINTS} points, limit 5")
        print("  " + percentiles(await nearest_bench(service, rng)))
        await db.close()

    place_bench(rng, regions)


def place_bench(rng: random.Random, regions: RegionDirectory) -> None:
    """Latency and outcome (right / ambiguous / other place / nothing) per kind of input."""
    names = typed_names(rng, regions)
    start = time.perf_counter_ns()
    regions.match_places("warm up")  # builds the kecamatan index once per process
    print(f"\nkecamatan index build: {(time.perf_counter_ns() - start) / 1e6:.0f} ms")
    print(f"{len(names)} typed names (official, alias, one typo, kecamatan), 500 each")
    for method in ("match_places", "match_regencies"):
        samples: dict[str, list[int]] = {}
        outcome: Counter[tuple[str, str]] = Counter()
        for category, text, expected in names:
            start = time.perf_counter_ns()
            found = getattr(regions, method)(text)
            samples.setdefault(category, []).append(time.perf_counter_ns() - start)
            outcome[(category, _outcome(found, expected))] += 1
        print(f" {method}")
        everything = list(itertools.chain.from_iterable(samples.values()))
        for category, values in [*samples.items(), ("all", everything)]:
            counts = " ".join(f"{r} {outcome[(category, r)]:3}" for r in OUTCOMES)
            print(f"  {category:10} {percentiles(values)}  {counts if category != 'all' else ''}")


OUTCOMES = ("right", "ambiguous", "other", "none")


def _outcome(found: PlaceLookup | PlaceSearch, expected: str) -> str:
    if found.best is None:
        return "ambiguous" if found.candidates else "none"
    regency = found.best.regency if isinstance(found.best, PlaceHit) else found.best
    return "right" if regency.code == expected else "other"


if __name__ == "__main__":
    asyncio.run(main())
