"""The instance lock of `blk-bot run` kept while it polls: taken again after its connection
was lost, given up (the bot stops) when another process has it, waited for while the
database is unreachable. The decisions with a scripted lock; the lock itself and the real
`blk-bot run` on PostgreSQL behind a proxy that cuts connections."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from bot.backoff import Backoff
from bot.runtime.instance_watch import InstanceLockKeeper
from storage.database import Database
from storage.instance_lock import (
    TAKEN_OVER,
    AnotherInstanceRunning,
    InstanceLock,
    LockState,
    instance_lock,
)
from storage.transient_errors import is_transient
from tests.fake_bot_api import FakeBotAPI
from tests.harness import Chat
from tests.tcp_proxy import TcpProxy
from tests.test_process import START_TIMEOUT, _log_lines, _run_env, _start_logging

Outcome = LockState | Exception


class ScriptedLock(InstanceLock):
    """Answers each check with the next outcome; sets `stop` once the script is played."""

    def __init__(self, outcomes: list[Outcome], stop: asyncio.Event) -> None:
        self.outcomes, self.stop = list(outcomes), stop
        self.checks = 0

    async def check(self) -> LockState:
        self.checks += 1
        if not self.outcomes:
            self.stop.set()
            return LockState.HELD
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


async def _keep(outcomes: list[Outcome]) -> tuple[InstanceLockKeeper, ScriptedLock, bool]:
    stop = asyncio.Event()
    lock = ScriptedLock(outcomes, stop)
    keeper = InstanceLockKeeper(lock, seconds=0, backoff=Backoff(first=0, cap=0))
    await asyncio.wait_for(keeper.run(stop), 10)
    return keeper, lock, stop.is_set()


def _unreachable() -> OperationalError:
    return OperationalError("connect", {}, ConnectionRefusedError(111, "refused"))


async def test_a_lock_taken_again_keeps_the_bot_running(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        keeper, lock, _ = await _keep([LockState.HELD, LockState.TAKEN_AGAIN, LockState.HELD])
    assert not keeper.taken
    assert lock.checks == 4  # the script, then the round that ended it
    assert [r.getMessage() for r in caplog.records] == [
        "instance lock: its database connection was lost; taken again"
    ]


async def test_a_lock_another_process_has_now_stops_the_bot() -> None:
    keeper, lock, stopped = await _keep([LockState.HELD, LockState.LOST, LockState.HELD])
    assert keeper.taken and stopped
    assert lock.checks == 2  # no round after the loss


async def test_an_unreachable_database_is_waited_for_without_stopping(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING):
        keeper, _, _ = await _keep([_unreachable(), _unreachable(), LockState.TAKEN_AGAIN])
    assert not keeper.taken
    messages = [r.getMessage() for r in caplog.records]
    assert (
        messages[:2]
        == [
            "instance lock: database unreachable (ConnectionRefusedError: [Errno 111] refused); "
            "trying again in 0 s"
        ]
        * 2
    )
    assert messages[2:] == ["instance lock: its database connection was lost; taken again"]


async def test_a_failing_check_is_logged_and_the_next_round_checks_again(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING):
        keeper, _, _ = await _keep([ValueError("a bug"), LockState.LOST])
    assert keeper.taken
    [failure] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert failure.getMessage().startswith("instance lock check failed: builtins.ValueError")


async def _advisory_locks_released(db: Database) -> None:
    """PostgreSQL ends the backend of a cut connection (and drops its locks) once it
    reads the end of its socket: a moment later, not at once."""
    held_sql = text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")
    async with asyncio.timeout(10):
        while True:
            async with db.engine.connect() as conn:
                if await conn.scalar(held_sql) == 0:
                    return
            await asyncio.sleep(0.05)


@pytest.mark.postgres_only  # SQLite's flock is held by the kernel and cannot be lost
async def test_a_cut_lock_connection_is_taken_again_or_found_taken(database_url: str) -> None:
    proxy = TcpProxy.before(database_url)
    await proxy.start()
    through_proxy = Database(proxy.url(database_url))
    direct = Database(database_url)
    try:
        async with instance_lock(through_proxy) as lock:
            assert await lock.check() is LockState.HELD
            assert proxy.cut() >= 1
            assert await lock.check() is LockState.TAKEN_AGAIN
            with pytest.raises(AnotherInstanceRunning):
                async with instance_lock(direct):
                    pass

            proxy.cut()
            proxy.refuse = True
            with pytest.raises(Exception) as unreachable:
                await lock.check()
            assert is_transient(unreachable.value)  # the keeper tries again later
            await _advisory_locks_released(direct)
            async with instance_lock(direct):
                proxy.refuse = False
                assert await lock.check() is LockState.LOST
        async with instance_lock(direct):
            pass  # nothing left behind by the process that lost it
    finally:
        await through_proxy.close()
        await direct.close()
        await proxy.stop()


@pytest.mark.postgres_only  # PostgreSQL drops the advisory lock with its connection
async def test_a_lost_instance_lock_is_taken_again_or_the_bot_stops_for_the_one_holding_it(
    fake_api: FakeBotAPI, database_url: str, redis_url: str | None, data_key: str, tmp_path: Path
) -> None:
    proxy = TcpProxy.before(database_url)
    await proxy.start()
    env = _run_env(fake_api, proxy.url(database_url), redis_url, data_key)
    env["INSTANCE_LOCK_CHECK_SECONDS"] = "1"
    first = await _start_logging(env, tmp_path)
    second: asyncio.subprocess.Process | None = None
    assert first.stderr is not None
    log: list[str] = []
    try:
        await _log_lines(first.stderr, "is polling", 1, log)
        proxy.cut()
        await _log_lines(first.stderr, "instance lock: its database connection was lost", 1, log)
        await Chat(fake_api, user_id=8105).send("/start", "gratis")

        # Cut off until another bot (straight to the database) has taken the lock.
        proxy.refuse = True
        proxy.cut()
        second = await _start_logging(
            _run_env(fake_api, database_url, redis_url, data_key), tmp_path
        )
        assert second.stderr is not None
        await _log_lines(second.stderr, "is polling", 1, [])
        proxy.refuse = False
        _, rest = await asyncio.wait_for(first.communicate(), START_TIMEOUT)
        await Chat(fake_api, user_id=8106).send("/start", "gratis")
    finally:
        for process in (first, second):
            if process is not None and process.returncode is None:
                process.terminate()
                await process.wait()
        await proxy.stop()
    first_log = "".join(log) + rest.decode()
    assert first.returncode == 2  # as a bot refused at start
    assert first_log.strip().splitlines()[-1] == f"blk-bot: {TAKEN_OVER}"
    assert "Traceback" not in first_log
