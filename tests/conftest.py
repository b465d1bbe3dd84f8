"""Shared fixtures: a clean database per test (SQLite, or PostgreSQL/Redis when set)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import pytest

from bot.privacy import PrivacyService
from bot.registration.personal_data import PersonalDataCipher, generate_data_key
from bot.training.reminders import ReminderPlan
from storage.database import Database
from storage.fsm import SqlStorage, TrackedStorage, redis_storage
from tests.clock import NOW, FixedClock
from tests.databases import copy_of_migrated_sqlite, emptied_postgres

pytest_plugins = ["tests.fake_bot_api.fixtures", "tests.e2e_fixtures"]

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")


# Fixtures through which a test reaches TEST_DATABASE_URL or TEST_REDIS_URL.
SERVICE_FIXTURES = frozenset({"database_url", "redis_url"})


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "redis_only: needs a real Redis server (collected only when TEST_REDIS_URL is set)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Each test runs in the pass where it can tell something (`.ci/run` has two).

    Without TEST_DATABASE_URL, tests of PostgreSQL-only behaviour are deselected, rather than
    reported as skipped. With it, tests that touch neither database nor Redis are deselected:
    the SQLite pass already ran them against the same code. Without TEST_REDIS_URL, tests
    of Redis-only behaviour are deselected too.
    """
    if TEST_DATABASE_URL:
        idle = [item for item in items if not SERVICE_FIXTURES & set(_fixtures(item))]
    else:
        idle = [item for item in items if item.get_closest_marker("postgres_only")]
    if not TEST_REDIS_URL:
        idle += [i for i in items if i.get_closest_marker("redis_only") and i not in idle]
    if idle:
        config.hook.pytest_deselected(items=idle)
        idle_ids = {id(item) for item in idle}
        items[:] = [item for item in items if id(item) not in idle_ids]


def _fixtures(item: pytest.Item) -> list[str]:
    """Every fixture the test uses, directly or through other fixtures."""
    return list(getattr(item, "fixturenames", ()))


@pytest.fixture
async def database_url(tmp_path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """An empty, migrated database: a fresh SQLite file, or an emptied TEST_DATABASE_URL."""
    if TEST_DATABASE_URL:
        await emptied_postgres(TEST_DATABASE_URL)
        return TEST_DATABASE_URL
    template = tmp_path_factory.getbasetemp() / "migrated.sqlite3"
    return await copy_of_migrated_sqlite(template, tmp_path / "test.sqlite3")


@pytest.fixture
async def db(database_url: str, data_key: str) -> AsyncIterator[Database]:
    """The migrated database, opened as `create_app` does: outbox payloads sealed."""
    database = Database(database_url, sealer=PersonalDataCipher(data_key))
    yield database
    await database.close()


@pytest.fixture(scope="session")
def data_key() -> str:
    return generate_data_key()


@pytest.fixture
def cipher(data_key: str) -> PersonalDataCipher:
    return PersonalDataCipher(data_key)


@pytest.fixture
async def redis_url() -> AsyncIterator[str | None]:
    """TEST_REDIS_URL with its database emptied, or None to use the SQL storage."""
    if not TEST_REDIS_URL:
        yield None
        return
    from redis.asyncio import Redis

    client = Redis.from_url(TEST_REDIS_URL)
    await client.flushdb()
    yield TEST_REDIS_URL
    await client.flushdb()
    await client.aclose()


@pytest.fixture
def clock() -> FixedClock:
    """The services' one clock, standing at `tests.clock.NOW` until a test moves it."""
    return FixedClock(NOW)


@pytest.fixture
async def conversations(
    db: Database, cipher: PersonalDataCipher, redis_url: str | None, clock: FixedClock
) -> AsyncIterator[TrackedStorage]:
    """The FSM storage as `create_app` builds it: in Redis when TEST_REDIS_URL is set."""
    inner = (
        redis_storage(redis_url, cipher.encrypt, cipher.decrypt)
        if redis_url
        else SqlStorage(db, cipher.encrypt, cipher.decrypt)
    )
    storage = TrackedStorage(inner, db, clock)
    yield storage
    await storage.close()


@pytest.fixture
def privacy(
    db: Database, cipher: PersonalDataCipher, conversations: TrackedStorage, clock: FixedClock
) -> PrivacyService:
    return PrivacyService(db, cipher, conversations, plan=ReminderPlan(), clock=clock)
