"""Empty databases for tests and benchmarks: a run must not see the previous run's rows.

Migrating from nothing takes 0.1–0.2 s, paid by every test that reaches the database; a
migrated SQLite file is copied instead, and a PostgreSQL database already at the newest
revision has its tables emptied.
"""

from __future__ import annotations

import shutil
from functools import cache
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import make_url

from storage.database import Database
from storage.migrate import alembic_config, upgrade

_VERSION_TABLE = "alembic_version"
# SQLite templates migrated in this process.
_templates: set[Path] = set()


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


async def migrated(url: str) -> None:
    db = Database(url)
    try:
        await upgrade(db)
    finally:
        await db.close()


async def copy_of_migrated_sqlite(template: Path, target: Path) -> str:
    """A migrated SQLite file at ``target``, copied from ``template`` (migrated first if
    it does not exist yet)."""
    if template not in _templates:
        await migrated(f"sqlite+aiosqlite:///{template}")
        _templates.add(template)
    shutil.copyfile(template, target)
    return f"sqlite+aiosqlite:///{target}"


async def emptied_postgres(url: str) -> None:
    """The PostgreSQL database at ``url`` migrated and without rows.

    When it already stands at the newest revision, every table but the version is
    truncated (and its sequences restarted); otherwise — the first test, or one that
    left the schema elsewhere — it is dropped and migrated again."""
    db = Database(url)
    try:
        async with db.engine.begin() as conn:
            tables = (
                await conn.execute(
                    text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
                )
            ).scalars()
            names = sorted(tables)
            version = None
            if _VERSION_TABLE in names:
                version = (
                    await conn.execute(text(f"SELECT version_num FROM {_VERSION_TABLE}"))
                ).scalar()
            if version == _newest_revision():
                listed = ", ".join(f'"{name}"' for name in names if name != _VERSION_TABLE)
                await conn.execute(text(f"TRUNCATE {listed} RESTART IDENTITY CASCADE"))
                return
    finally:
        await db.close()
    await empty_database(url)
    await migrated(url)


@cache
def _newest_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()
