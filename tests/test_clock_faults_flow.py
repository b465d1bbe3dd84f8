"""The server clock moved both ways, through the real bot and the fake Bot API: set a year
ahead, retention erases nothing until Telegram's own dates say the year really went by;
put a year back, what was queued before still goes out after a restart."""

from __future__ import annotations

from datetime import timedelta

from bot.delivery.outbox import Outgoing, enqueue
from bot.registration.personal_data import PersonalDataCipher
from bot.registration.service import RegistrationService
from storage.database import Database
from storage.outbox_repository import OutboxRepository
from tests.clock import NOW, FixedClock, telegram_dates_follow
from tests.fake_bot_api import FakeBotAPI
from tests.harness import Chat, RunningBot, make_settings
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


async def queue_notices(url: str, data_key: str, texts: dict[int, str]) -> None:
    """A notice per chat, due NOW, the first claimed by a sender that then died."""
    db = Database(url, sealer=PersonalDataCipher(data_key))
    try:
        async with db.transaction() as session:
            for chat_id, text in texts.items():
                await enqueue(session, chat_id, "notice", Outgoing.text(text), not_before=NOW)
        async with db.transaction() as session:
            await OutboxRepository(session).claim("sender:old-host:1:dead", NOW, 1)
    finally:
        await db.close()


async def test_what_was_queued_before_the_clock_went_back_a_year_is_still_sent(
    fake_api: FakeBotAPI, database_url: str, redis_url: str | None, data_key: str
) -> None:
    clock = FixedClock(NOW)
    settings = make_settings(fake_api, database_url, redis_url, data_key)
    running = RunningBot(settings, clock, serving=True)
    await running.start()  # migrates; the bot runs at NOW
    await running.stop()
    await queue_notices(database_url, data_key, {5101: "Pengumuman satu", 5102: "Pengumuman dua"})

    clock.set(NOW - YEAR)  # the clock is corrected backwards while the bot is down
    await running.start()
    try:
        await Chat(fake_api, 5101).expect("Pengumuman satu")  # the dead sender's claim
        await Chat(fake_api, 5102).expect("Pengumuman dua")
    finally:
        await running.stop()
