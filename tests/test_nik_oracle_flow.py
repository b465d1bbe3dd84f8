"""End to end: the NIK step is no oracle. A registered NIK is refused in the same words as
any NIK past the limits, and the limits hold per account and across accounts.

The bot runs with 5 lookups per account per day (the default) and 2 taken refusals per
hour across accounts.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.fake_bot_api import FakeBotAPI
from tests.harness import Chat, RunningBot, make_settings
from tests.test_registration_flow import NIK, register_until_review

REFUSED = "tidak dapat kami terima sekarang"
ASK_NIK = "Tulis <b>NIK</b>"
OWNER, PROBER, OTHERS = 5001, 6001, (6002, 6003, 6004)


def nik(serial: int) -> str:
    """A valid NIK of the same person's place and birth date, another serial."""
    return f"{NIK[:12]}{serial:04d}"


@pytest.fixture
async def running_bot(
    fake_api: FakeBotAPI, database_url: str, redis_url: str | None, data_key: str
) -> AsyncIterator[RunningBot]:
    settings = make_settings(fake_api, database_url, redis_url, data_key).model_copy(
        update={"nik_checks_per_day": 5, "nik_taken_per_hour": 2}
    )
    bot = RunningBot(settings)
    await bot.start()
    yield bot
    await bot.stop()


async def at_nik_step(fake: FakeBotAPI, user_id: int) -> Chat:
    chat = Chat(fake, user_id)
    await chat.send("/daftar", "Persetujuan")
    await chat.press("Saya setuju", "nama lengkap")
    await chat.send("Andi Wijaya", ASK_NIK)
    return chat


async def refused(chat: Chat, typed: str) -> str:
    answer = await chat.send(typed, REFUSED, "/tanya")
    await chat.expect(ASK_NIK)
    return answer.text


async def accepted(chat: Chat, typed: str) -> None:
    await chat.send(typed, "12 Januari 1990")
    await chat.press("Salah, ketik ulang", ASK_NIK)


async def test_a_taken_nik_and_a_spent_budget_get_the_same_neutral_answer(
    fake_api: FakeBotAPI, running_bot: RunningBot
) -> None:
    owner = Chat(fake_api, OWNER)
    await register_until_review(owner)
    await owner.press("Kirim pendaftaran", "Pendaftaran berhasil")

    prober = await at_nik_step(fake_api, PROBER)
    taken = await refused(prober, NIK)
    assert "dipakai" not in taken and "terdaftar" not in taken and "Budi" not in taken
    for serial in (2, 3, 4, 5):
        await accepted(prober, nik(serial))
    # Five lookups today: a sixth NIK, free or not, gets the very same answer.
    assert await refused(prober, nik(6)) == taken
    assert await refused(prober, NIK) == taken

    # The hour's taken budget (2) is spent by a second account; then nobody gets a lookup,
    # whatever the NIK, so more accounts learn nothing more.
    other = await at_nik_step(fake_api, OTHERS[0])
    assert await refused(other, NIK) == taken
    fresh = await at_nik_step(fake_api, OTHERS[1])
    assert await refused(fresh, nik(7)) == taken
    assert await refused(fresh, NIK) == taken
    await owner.send("/status", "Pendaftaran Anda")  # the owner is untouched


async def test_the_limits_survive_a_restart(fake_api: FakeBotAPI, running_bot: RunningBot) -> None:
    prober = await at_nik_step(fake_api, PROBER)
    for serial in (1, 2, 3, 4, 5):
        await accepted(prober, nik(serial))
    await running_bot.restart()
    assert REFUSED in await refused(prober, nik(6))
    fresh = await at_nik_step(fake_api, OTHERS[2])
    await accepted(fresh, nik(6))
