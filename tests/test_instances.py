"""Two `blk-bot run --webhook` processes behind one URL, on one PostgreSQL and one Redis.

A coordinator's broadcast to 1,000 people goes out through both processes' senders within
the bot's limit (the fake answers 429 beyond it): every person gets it exactly once,
nothing is lost, hardly a 429. The fake's limit is twice Telegram's 30 messages/s, with
OUTBOX_RATE just below it as for Telegram, so the broadcast takes half as long. The
periodic jobs run in one process only (the leader) and move to the other when it is
killed; people's messages are answered whichever process gets them.
"""

from __future__ import annotations

import asyncio
import socket
import sys
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.coordinators.audiences import Audience, AudienceKind
from bot.coordinators.broadcasts import Draft
from bot.runtime.app import App, create_app
from bot.runtime.config import Settings
from bot.runtime.runner import prepare
from storage.models import OutboxMessage
from tests.enrollment_setup import register
from tests.fake_bot_api import FakeBotAPI
from tests.fake_bot_api.fixtures import make_bot
from tests.harness import ADMIN_ID, Chat
from tests.round_robin import RoundRobin

pytestmark = [pytest.mark.postgres_only, pytest.mark.redis_only]

ROOT = Path(__file__).resolve().parent.parent
PEOPLE = 1_000
FIRST_PERSON = 760_000_000
SECRET = "two-instances-secret"
START_TIMEOUT = 120  # importing aiogram in two processes at once on a small machine
RATE_LIMIT = 60  # the fake's messages/s for the bot as a whole
OUTBOX_RATE = 59  # the processes' shared budget, as 29.5 is for Telegram's 30
# 1,000 messages at 59/s take 17 s; the bound is for a loaded CI machine.
BROADCAST_TIMEOUT = 240
LEADER = "leader lock taken"
MAX_429 = 10  # "a handful": a grant and its delivery reach the fake a little apart (load)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _env(
    fake: FakeBotAPI, database_url: str, redis_url: str, key: str, **extra: str
) -> dict[str, str]:
    return {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(ROOT),
        "BOT_TOKEN": fake.token,
        "TELEGRAM_API_URL": fake.url,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "DATA_KEY": key,
        "ADMIN_IDS": str(ADMIN_ID),
        "WEBHOOK_SECRET": SECRET,
        "INSTANCES": "2",
        "OUTBOX_RATE": str(OUTBOX_RATE),
        "LEADER_CHECK_SECONDS": "1",
        **extra,
    }


class ProcessLog:
    """A process's log lines as they come (read all along, so its pipe never fills)."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        assert process.stdout is not None
        self.lines: list[str] = []
        self._changed = asyncio.Condition()
        self._reader = asyncio.create_task(self._read(process.stdout))

    async def _read(self, stream: asyncio.StreamReader) -> None:
        async for line in stream:
            async with self._changed:
                self.lines.append(line.decode(errors="replace"))
                self._changed.notify_all()

    def count(self, text: str) -> int:
        return sum(text in line for line in self.lines)

    async def wait_for(self, text: str) -> None:
        """Until the process logged `text` (the bound is for a loaded machine)."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: self.count(text)), 30)

    async def close(self) -> None:
        await self._reader  # ends with the process's output


async def _start(env: dict[str, str], cwd: Path) -> tuple[asyncio.subprocess.Process, ProcessLog]:
    """`blk-bot run`, and its log."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.runtime.cli", "run", env=env, cwd=cwd,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    return process, ProcessLog(process)


async def _register_people(app: App) -> list[int]:
    people = [FIRST_PERSON + n for n in range(PEOPLE)]
    for serial, person in enumerate(people, start=1):
        await register(app.services.registrations, person, serial)
    return people


async def _broadcast(app: App, fake: FakeBotAPI) -> int:
    """The coordinator's broadcast to everyone, with the progress message it is shown in."""
    bot = make_bot(fake)
    try:
        info = await app.services.broadcasts.create(
            ADMIN_ID, Draft("<b>Info BLK</b>: gelombang baru dibuka."), Audience(AudienceKind.ALL)
        )
        shown = await bot.send_message(ADMIN_ID, "Mengirim ...")
        await app.services.broadcasts.attach_progress_message(info.id, ADMIN_ID, shown.message_id)
        return info.id
    finally:
        await bot.session.close()


async def _senders(app: App, broadcast_id: int) -> set[str]:
    """The processes whose senders claimed the broadcast's rows ("sender:host:pid")."""
    async with app.db.transaction() as session:
        workers = await session.scalars(
            select(OutboxMessage.claimed_by).where(OutboxMessage.broadcast_id == broadcast_id)
        )
        return {worker.rsplit(":", 1)[0] for worker in workers if worker}


async def test_two_processes_share_the_budget_the_outbox_and_run_jobs_once(
    database_url: str, redis_url: str, data_key: str, tmp_path: Path
) -> None:
    fake = FakeBotAPI(rate_limit=RATE_LIMIT)
    await fake.start()
    ports = [_free_port(), _free_port()]
    proxy = RoundRobin([f"http://127.0.0.1:{port}" for port in ports])
    await proxy.start()
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        bot_token=fake.token,
        telegram_api_url=fake.url,
        database_url=database_url,
        data_key=data_key,
        admin_ids=frozenset({ADMIN_ID}),
    )
    app = create_app(settings)  # the coordinator's side, in this process
    processes: list[asyncio.subprocess.Process] = []
    logs: list[ProcessLog] = []
    try:
        await prepare(app)  # reference data in first: people are registered as the bots start
        for port in ports:
            env = _env(
                fake,
                database_url,
                redis_url,
                data_key,
                WEBHOOK_URL=f"{proxy.url}/telegram/hook",
                WEBHOOK_LISTEN=f"127.0.0.1:{port}",
            )
            process, log = await _start(env, tmp_path)
            processes.append(process)
            logs.append(log)
        people = await _register_people(app)
        await fake.wait_call("setWebhook", timeout=START_TIMEOUT)
        await fake.wait_call("setWebhook", timeout=START_TIMEOUT)
        # Both processes answer people: the proxy alternates between them.
        for user in (5_401_001, 5_401_002):
            update_id = fake.message(user, "/start")
            await Chat(fake, user_id=user).expect("gratis")
            await fake.wait_delivered(update_id)
        assert set(proxy.forwarded) == set(proxy.targets)

        broadcast_id = await _broadcast(app, fake)
        await fake.wait_call(  # the progress message becomes the final report
            "editMessageText",
            chat_id=ADMIN_ID,
            predicate=lambda call: call.ok and "selesai" in (call.text or "").lower(),
            timeout=BROADCAST_TIMEOUT,
        )
        assert fake.flood is not None
        to_people = [(t, chat) for t, chat in fake.flood.deliveries if chat in set(people)]
        received = Counter(chat for _, chat in to_people)
        assert set(received) == set(people), f"{PEOPLE - len(received)} people got nothing"
        assert max(received.values()) == 1, "someone got the broadcast twice"
        too_many = [call for call in fake.calls if call.status == 429]
        span = to_people[-1][0] - to_people[0][0]
        print(f"two processes: {len(to_people)} sent in {span:.1f} s, {len(too_many)} x 429")
        assert len(too_many) <= MAX_429
        assert len(await _senders(app, broadcast_id)) == 2  # both senders took part

        leading = [log.count(LEADER) == 1 for log in logs]
        assert sorted(leading) == [False, True]  # one process runs the jobs
        leader = leading.index(True)
        processes[leader].kill()  # SIGKILL: PostgreSQL drops its leader lock with it
        await processes[leader].wait()
        await logs[1 - leader].wait_for(LEADER)  # the other takes the jobs over
    finally:
        for process in processes:
            if process.returncode is None:
                process.terminate()
        for process in processes:
            await process.wait()
        for log in logs:
            await log.close()
        await app.close()
        await proxy.stop()
        await fake.stop()
    assert [log.count(LEADER) for log in logs] == [1, 1]  # once each, in turn
