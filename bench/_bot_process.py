"""The real `blk-bot run` as a child process against the fake Bot API, for the benchmarks
that measure it from outside (as Telegram would see it)."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from bot.registration.personal_data import generate_data_key
from tests.fake_bot_api import FakeBotAPI

ROOT = Path(__file__).resolve().parent.parent
RUN = ("-m", "bot.runtime.cli", "run")  # `blk-bot run`, as the interpreter's arguments


def bot_env(fake: FakeBotAPI, database_url: str, **settings: str) -> dict[str, str]:
    """This environment without bot settings, then the fake, the database, a fresh data
    key and `settings` (upper-cased names, e.g. ADMIN_IDS="9000")."""
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "DATA", "REDIS"))},
        "BOT_TOKEN": fake.token,
        "TELEGRAM_API_URL": fake.url,
        "DATABASE_URL": database_url,
        "DATA_KEY": generate_data_key(),
        "PYTHONPATH": str(ROOT),
        **settings,
    }


async def start_bot(
    fake: FakeBotAPI, env: dict[str, str], cwd: str, command: tuple[str, ...] = RUN
) -> asyncio.subprocess.Process:
    """Start `blk-bot run` (or another bot: `command`, the interpreter's arguments);
    returns once it asks for updates."""
    seen = len(fake.calls)
    process = await asyncio.create_subprocess_exec(
        sys.executable, *command, env=env, cwd=cwd,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    await fake.wait_call("getUpdates", predicate=lambda c: c.seq > seen, timeout=300)
    return process
