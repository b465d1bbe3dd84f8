"""Database files are private: the SQLite file, its WAL and shared-memory files and the
receipts side file are created readable by their owner only, whatever the umask."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from storage.database import Database


@pytest.fixture
def loose_umask() -> Iterator[None]:
    """The common default, under which SQLite would make its files world-readable."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


async def test_sqlite_and_receipt_files_are_created_0600(tmp_path: Path, loose_umask: None) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'data' / 'bot.sqlite3'}")
    try:
        async with db.transaction() as session:
            await session.execute(text("CREATE TABLE people (name TEXT)"))
            await session.execute(text("INSERT INTO people VALUES ('Budi')"))
        await db.receipts.record(1, 10)
        modes = {
            path.name: stat.S_IMODE(path.stat().st_mode) for path in (tmp_path / "data").iterdir()
        }
    finally:
        await db.close()
    expected = {"bot.sqlite3", "bot.sqlite3-wal", "bot.sqlite3-shm", "bot.sqlite3-receipts"}
    assert expected <= set(modes)  # WAL files exist while connections are open
    assert {name: mode for name, mode in modes.items() if mode != 0o600} == {}


async def test_an_existing_file_keeps_the_mode_its_operator_set(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    path.touch(mode=0o640)
    path.chmod(0o640)
    db = Database(f"sqlite+aiosqlite:///{path}")
    await db.close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
