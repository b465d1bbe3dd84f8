"""Empty databases for tests and benchmarks: a run must not see the previous run's rows."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import make_url

from storage.database import Database


async def empty_database(url: str) -> None:
    """Drop everything in a PostgreSQL database (SQLite callers use a fresh file instead)."""
    assert make_url(url).get_backend_name() == "postgresql", url
    db = Database(url)
    try:
        async with db.engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
    finally:
        await db.close()
