"""The server clock set a year ahead, through the real dispatcher and the fake Bot API:
retention erases nothing until Telegram's own dates say the year really went by."""

from __future__ import annotations

from datetime import timedelta

from bot.registration.personal_data import PersonalDataCipher
from bot.registration.service import RegistrationService
from tests.clock import NOW, telegram_dates_follow
from tests.fake_bot_api import FakeBotAPI
from tests.harness import Chat, RunningBot
from tests.test_registration_service import form

YEAR = timedelta(days=365)


async def test_a_clock_a_year_ahead_erases_no_registration(
    chat: Chat, running_bot: RunningBot, fake_api: FakeBotAPI, data_key: str
) -> None:
    assert running_bot.app is not None
    privacy, clock = running_bot.app.services.privacy, running_bot.clock
    telegram_dates_follow(fake_api, clock)
    consented = NOW - timedelta(days=400)  # 25 months old once the clock is a year ahead
    registrations = RegistrationService(
        running_bot.app.db, PersonalDataCipher(data_key), clock=clock
    )
    await registrations.register(chat.user_id, form(consent_at=consented))
    await chat.send("/status", "Pendaftaran Anda")  # Telegram dates this message NOW

    clock.set(NOW + YEAR)  # the server's clock jumps; nobody has written since
    assert (await privacy.erase_expired()).refused
    await chat.send("/status", "Pendaftaran Anda")  # still registered; dated a year later

    retention = await privacy.erase_expired()  # Telegram's date now agrees with the clock
    assert not retention.refused and retention.registrations == 1
    await chat.send("/status", "belum terdaftar")
