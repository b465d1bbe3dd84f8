"""End to end: a burst from one person gets exactly one "slow down"; others are unaffected.

The guard's clock is frozen, so every update of a burst falls in one window whatever the
speed of the machine. Limits come from the settings: 5 updates in 10 s, 30 s cool-down.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.coordinators.roles import COUNTRY, RoleService
from storage.database import Database
from tests.fake_bot_api import FakeBotAPI
from tests.harness import ADMIN_ID, RunningBot, make_settings
from tests.test_flood import Clock

SLOW_DOWN = "Mohon pelan-pelan"
HELP = "<b>Bantuan</b>"
LIMIT = 5
FLOODER, NEIGHBOUR, COORDINATOR = 5001, 5002, 7001


@pytest.fixture
async def clock(
    fake_api: FakeBotAPI, database_url: str, redis_url: str | None, data_key: str
) -> AsyncIterator[Clock]:
    """The bot with the flood limits under test (the shared harness lifts them)."""
    settings = make_settings(fake_api, database_url, redis_url, data_key).model_copy(
        update={
            "flood_max_updates": LIMIT,
            "flood_window_seconds": 10,
            "flood_cooldown_seconds": 30,
        }
    )
    bot = RunningBot(settings)
    await bot.start()
    assert bot.app is not None
    frozen = Clock()
    bot.app.flood.clock = frozen
    yield frozen
    await bot.stop()


async def burst(fake: FakeBotAPI, user_id: int, count: int) -> None:
    """`count` /bantuan at once; returns when the bot confirmed (and answered) them all."""
    last = 0
    for _ in range(count):
        last = fake.message(user_id, "/bantuan")
    await fake.wait_confirmed(last)


def texts(fake: FakeBotAPI, user_id: int, fragment: str) -> list[str]:
    return [text for text in fake.sent_texts(user_id) if fragment in text]


async def test_a_burst_gets_one_slow_down_and_others_are_unaffected(
    fake_api: FakeBotAPI, clock: Clock
) -> None:
    await burst(fake_api, FLOODER, LIMIT + 10)
    assert len(texts(fake_api, FLOODER, HELP)) == LIMIT
    [warning] = texts(fake_api, FLOODER, SLOW_DOWN)
    assert "30 detik" in warning

    await burst(fake_api, NEIGHBOUR, 3)
    assert len(texts(fake_api, NEIGHBOUR, HELP)) == 3
    assert texts(fake_api, NEIGHBOUR, SLOW_DOWN) == []

    # A button pressed during the cool-down is answered silently, so it does not spin.
    press = fake_api.callback(FLOODER, "forged:1")
    await fake_api.wait_confirmed(press)
    [answer] = [c for c in fake_api.calls if c.method == "answerCallbackQuery"]
    assert answer.ok and "text" not in answer.params

    clock.now += 30
    await burst(fake_api, FLOODER, 1)
    assert len(texts(fake_api, FLOODER, HELP)) == LIMIT + 1
    assert len(texts(fake_api, FLOODER, SLOW_DOWN)) == 1


async def test_coordinators_and_admins_are_exempt(
    fake_api: FakeBotAPI, clock: Clock, db: Database
) -> None:
    await RoleService(db, frozenset({ADMIN_ID})).grant(ADMIN_ID, COORDINATOR, COUNTRY)
    for user_id in (ADMIN_ID, COORDINATOR):
        await burst(fake_api, user_id, LIMIT + 5)
        assert len(texts(fake_api, user_id, HELP)) == LIMIT + 5
        assert texts(fake_api, user_id, SLOW_DOWN) == []
