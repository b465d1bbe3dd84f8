"""Benchmark: the desk's participant search over a province of 10,000 people.

Run: ``python bench/search.py [--rows N] [--database-url URL]`` (a temporary SQLite
database by default; a given database is emptied first). Synthetic registrations with
Indonesian-looking names and distinct phones are inserted in bulk, all living in one
province; a province coordinator then searches by code, by phone and by a name with a
typo, and each kind's wall time (p50, max over the repetitions) is printed, service call
included (scope check, query, audit entry, commit).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._synthetic import add_bogor, chunks, registration_row, sealed
from bot.coordinators.participant_search import ParticipantSearch
from bot.coordinators.roles import RoleService, Scope
from bot.coordinators.rosters import RosterService
from bot.registration.personal_data import PersonalDataCipher, generate_data_key
from bot.registration.service import CODE_ALPHABET, CODE_LENGTH
from storage.database import Database
from storage.migrate import upgrade
from storage.models import Registration
from tests.databases import empty_database

ADMIN, COORDINATOR = 1, 2
FIRST = "Budi Siti Agus Dewi Rina Joko Ahmad Sri Wahyu Eko Nur Putri Rizki Dian Ayu Hendra"
LAST = "Santoso Aminah Salim Lestari Wati Susanto Hidayat Rahayu Saputra Kurniawan Pratama"


def options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--database-url")
    return parser.parse_args()


def name_of(i: int) -> str:
    first, last = FIRST.split(), LAST.split()
    return f"{first[i % len(first)]} {first[(i // 7) % len(first)]} {last[(i // 3) % len(last)]}"


def code_of(i: int) -> str:
    """The i-th code in the real alphabet (no 0/O, 1/I/L)."""
    digits = []
    for _ in range(CODE_LENGTH):
        i, digit = divmod(i, len(CODE_ALPHABET))
        digits.append(CODE_ALPHABET[digit])
    return "BLK-" + "".join(reversed(digits))


async def populate(db: Database, cipher: PersonalDataCipher, rows: int) -> None:
    await upgrade(db)
    async with db.transaction() as session:
        await add_bogor(session)
    person = sealed(cipher, phone="+6285700000000")
    now = datetime.now(UTC)
    for numbers in chunks(rows):
        async with db.transaction() as session:
            await session.execute(
                insert(Registration),
                [
                    registration_row(
                        i,
                        ciphers={**person, "phone_cipher": cipher.encrypt(f"+62857{i:08d}")},
                        consent_at=now,
                        code=code_of(i),
                        full_name=name_of(i),
                        phone_fingerprint=cipher.fingerprint(f"+62857{i:08d}"),
                    )
                    for i in numbers
                ],
            )


async def measure(url: str, rows: int, repeat: int) -> None:
    cipher = PersonalDataCipher(generate_data_key())
    db = Database(url)
    try:
        await populate(db, cipher, rows)
        roles = RoleService(db, frozenset({ADMIN}))
        await roles.grant(ADMIN, COORDINATOR, Scope.province("32"))
        search = ParticipantSearch(db, roles, RosterService(db, roles, cipher), cipher)
        rng = random.Random(7)
        queries = {
            "code": lambda i: code_of(i).lower().replace("-", " "),
            "phone": lambda i: f"0857-{i:08d}",
            "name (typo)": lambda i: name_of(i).replace("a", "e", 1),
        }
        await search.search(COORDINATOR, "warm up")  # imports and first connection
        print(f"{rows:,} registrations in the province, {repeat} searches each")
        for kind, typed in queries.items():
            times, found = [], 0
            for _ in range(repeat):
                started = time.perf_counter()
                result = await search.search(COORDINATOR, typed(rng.randrange(rows)))
                times.append((time.perf_counter() - started) * 1000)
                found += bool(result.found)
            print(
                f"{kind:12} p50 {statistics.median(times):7.1f} ms   max {max(times):7.1f} ms"
                f"   found {found}/{repeat}"
            )
    finally:
        await db.close()


def main() -> None:
    args = options()
    if args.database_url:
        asyncio.run(empty_database(args.database_url))
        asyncio.run(measure(args.database_url, args.rows, args.repeat))
        return
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{folder}/search.sqlite3"
        asyncio.run(measure(url, args.rows, args.repeat))


if __name__ == "__main__":
    main()
