"""After /hapusdata the person's name, NIK and phone are nowhere: not in any table (every
column of every row, read by reflection), not in Redis, not in the receipts file, not in
the log. Before it, the delivered outbox holds none of them readable either.

A person registers, asks a question that quotes their own name and number, the
administrator (no coordinator is in reach) answers it by name, and the outbox is delivered
as `blk-bot run` delivers it; then the person erases their data.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from pathlib import Path

import pytest
from aiogram import Bot
from sqlalchemy import Connection, MetaData, select
from sqlalchemy.engine import make_url

from bot.delivery.sender import Sender
from bot.runtime.app import App
from handlers.delivery.templates import notice_renderer
from storage.models import OutboxMessage, OutboxStatus
from tests.fake_bot_api import FakeBotAPI
from tests.harness import ADMIN_ID, Chat, RunningBot

PERSON = 5301
NAME = "Ratna Kusumawati"
NIK = "3201014507920003"  # Kab. Bogor, a woman born 5 July 1992 (day + 40)
PHONE = "0813-9876-5432"


def _spread(digits: str) -> str:
    """The digits in any spelling: separated by spaces, dots or dashes, or not at all."""
    return r"[\s.\-]?".join(digits)


# The phone as 0813…, 62813… or +62 813…: its digits after the trunk or country prefix.
TRACES = {
    "name": re.compile("|".join(re.escape(part) for part in NAME.split()), re.IGNORECASE),
    "nik": re.compile(_spread(NIK)),
    "birth date in the NIK": re.compile(_spread(NIK[6:12])),
    "birth date": re.compile(r"1992-07-05|0?5[-/.]0?7[-/.](19)?92|5 Juli 1992"),
    "phone": re.compile(_spread("8139876543")),
}


def traces_in(text: str) -> list[str]:
    return [what for what, pattern in TRACES.items() if pattern.search(text)]


async def deliver(app: App, bot: Bot) -> None:
    """Everything due in the outbox, sent as `blk-bot run` sends it."""
    render = notice_renderer(app.services, app.i18n)
    await Sender(app.db, bot, render=render, per_chat_interval=0, clock=app.clock).run_once()


async def register(person: Chat) -> None:
    await person.send("/daftar", "Persetujuan penggunaan data pribadi")
    await person.press("Saya setuju", "nama lengkap")
    await person.send(NAME, "NIK")
    await person.send(NIK, "Juli 1992", "Perempuan")
    await person.press("Benar", "nomor HP")
    await person.send(PHONE, "+62813")
    await person.expect("provinsi")
    await person.press("Jawa Barat", "kabupaten/kota")
    await person.press("Kab. Bogor", "kondisi usaha")
    await person.press("Usaha mikro", "bidang usaha")
    await person.press("Kuliner", "PHK")
    await person.press("Ya", "Kapan Anda terkena PHK")
    await person.press("Maret 2026", "Periksa data Anda")
    await person.press("Kirim pendaftaran", "Pendaftaran berhasil")


def _dump_tables(connection: Connection) -> str:
    """Every column of every row of every table there is, as text."""
    tables = MetaData()
    tables.reflect(connection)
    lines = []
    for table in tables.sorted_tables:
        for row in connection.execute(select(table)):
            lines.append(f"{table.name}: " + " | ".join(str(value) for value in row))
    return "\n".join(lines)


async def database_text(app: App) -> str:
    async with app.db.engine.connect() as connection:
        return await connection.run_sync(_dump_tables)


async def redis_text(url: str | None) -> str:
    """Every key and value in the test's Redis database (strings and hashes are all the
    FSM storage writes; other types are dumped too, to miss nothing)."""
    if url is None:
        return ""
    from redis.asyncio import Redis

    client = Redis.from_url(url)
    try:
        lines = []
        async for key in client.scan_iter():
            kind = (await client.type(key)).decode()
            value: object = {
                "string": client.get,
                "hash": client.hgetall,
                "list": lambda k: client.lrange(k, 0, -1),
                "set": client.smembers,
                "zset": lambda k: client.zrange(k, 0, -1),
            }[kind](key)
            lines.append(f"{key!r}: {await value}")  # type: ignore[misc]
        return "\n".join(lines)
    finally:
        await client.aclose()


def receipts_text(database_url: str) -> str:
    """The SQLite receipts side file, every table (PostgreSQL keeps receipts in the outbox)."""
    parsed = make_url(database_url)
    if parsed.get_backend_name() != "sqlite":
        return ""
    path = Path(f"{parsed.database}-receipts")
    assert path.exists()
    tables = "SELECT name FROM sqlite_master WHERE type = 'table'"
    with sqlite3.connect(path) as connection:
        names = [name for (name,) in connection.execute(tables)]
        rows = [
            (name, row) for name in names for row in connection.execute(f"SELECT * FROM {name}")
        ]
    assert rows  # the receipts of what was sent
    return "\n".join(f"{name}: {row}" for name, row in rows)


async def test_after_erasure_nothing_of_the_person_is_left_anywhere(
    fake_api: FakeBotAPI,
    running_bot: RunningBot,
    sender_bot: Bot,
    database_url: str,
    redis_url: str | None,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")
    app = running_bot.app
    assert app is not None
    person, admin = Chat(fake_api, PERSON), Chat(fake_api, ADMIN_ID)

    await register(person)
    await person.send("/tanya", "Tanya petugas")
    await person.send(f"Saya {NAME}, HP {PHONE}. Kapan kelas mulai?", "terkirim dengan nomor")
    await deliver(app, sender_bot)
    notice = await admin.expect("Pertanyaan baru", NAME)
    fake_api.message(ADMIN_ID, f"Bu {NAME}, kelas mulai Senin.", reply_to_message=notice.result)
    await admin.expect("terkirim")
    await deliver(app, sender_bot)
    await person.expect("Jawaban petugas", NAME)
    await running_bot.restart()  # a stop waits until every answer's outcome is recorded
    app = running_bot.app
    assert app is not None

    async with app.db.transaction() as session:
        outbox = list(await session.scalars(select(OutboxMessage)))
    assert {row.status for row in outbox} <= {OutboxStatus.SENT}
    assert [row.id for row in outbox if traces_in(row.payload)] == []
    assert any(row.chat_id == ADMIN_ID and row.subject_id == PERSON for row in outbox)

    await person.send("/hapusdata", "Hapus")
    await person.press("Ya, hapus", "telah dihapus")
    await running_bot.restart()
    app = running_bot.app
    assert app is not None
    await deliver(app, sender_bot)

    found = {
        "database": traces_in(await database_text(app)),
        "redis": traces_in(await redis_text(redis_url)),
        "receipts": traces_in(receipts_text(database_url)),
        "log": traces_in(caplog.text),
    }
    assert found == {"database": [], "redis": [], "receipts": [], "log": []}
    async with app.db.transaction() as session:
        about = select(OutboxMessage).where(
            (OutboxMessage.subject_id == PERSON) | (OutboxMessage.chat_id == PERSON)
        )
        left = list(await session.scalars(about))
    # Only the erasure's own answers (the confirmation, the closed keyboard), blank.
    assert left and {row.payload for row in left} == {""}
