"""Everything stored about a person: export, erasure and retention across features.

Conversations are in Redis when TEST_REDIS_URL is set (the `conversations` fixture builds
the storage as `create_app` does), so erasure and retention are checked on both storages.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from aiogram.fsm.storage.base import StorageKey
from sqlalchemy import select, update

from bot.phk.content import PhkContent
from bot.phk.pathway import PhkAnswers, PhkBusiness
from bot.phk.service import PhkService
from bot.preferences import PreferenceService
from bot.privacy import PrivacyService, Retention
from bot.registration.participants import Sector
from bot.registration.personal_data import PersonalDataCipher
from bot.registration.service import RegistrationService
from bot.training.reminders import ReminderPlan
from storage.database import Database
from storage.fsm import TrackedStorage
from storage.models import (
    Attendance,
    ConversationActivity,
    Enrollment,
    OutboxMessage,
    OutboxStatus,
    PhkProfile,
    Ticket,
    TicketMessage,
)
from storage.outbox_repository import REPLY
from storage.repositories import Repositories
from tests.clock import FixedClock
from tests.enrollment_setup import add_batch, add_blk, register
from tests.test_registration_service import NIK, NOW, form

BOT = 42


def key(user: int) -> StorageKey:
    return StorageKey(bot_id=BOT, chat_id=user, user_id=user)


PHK_ANSWERS = PhkAnswers(date(2026, 5, 1), Sector.CRAFT, "menjahit", PhkBusiness.IDEA, True, False)


async def open_draft(conversations: TrackedStorage, user: int) -> None:
    """A registration left at the NIK question (at the clock's now), with the answers so far."""
    await conversations.set_state(key(user), "Registration:nik_confirm")
    await conversations.update_data(key(user), {"full_name": "Siti", "nik": NIK})


async def activity(db: Database) -> dict[int, ConversationActivity]:
    async with db.transaction() as session:
        rows = (await session.execute(select(ConversationActivity))).scalars()
        return {row.telegram_id: row for row in rows}


async def test_export_then_erase_everything(
    db: Database, cipher: PersonalDataCipher, privacy: PrivacyService
) -> None:
    registrations = RegistrationService(db, cipher, clock=FixedClock(NOW))
    await registrations.register(1, form())
    await PhkService(db, PhkContent.from_toml(), phk_priority=True).save(1, PHK_ANSWERS)
    await PreferenceService(db).set_locale(1, "en")

    export = await privacy.export(1)
    assert export is not None
    assert export["language"] == "en"
    assert export["registration"]["nik"] == NIK  # type: ignore[index]
    assert export["phk_pathway"]["skills"] == "menjahit"  # type: ignore[index]

    assert (await privacy.erase(1)).erased is True
    assert await privacy.export(1) is None
    assert await registrations.get(1) is None
    await registrations.check_nik(2, NIK)  # no longer refused
    assert (await privacy.erase(1)).erased is False


async def test_an_erased_accounts_language_is_not_left_in_the_cache(
    db: Database, cipher: PersonalDataCipher, conversations: TrackedStorage
) -> None:
    preferences = PreferenceService(db)
    privacy = PrivacyService(
        db,
        cipher,
        conversations,
        plan=ReminderPlan(),
        clock=FixedClock(NOW),
        preferences=preferences,
    )
    await preferences.set_locale(1, "en")
    assert await preferences.locale(1) == "en"  # cached from here on
    await privacy.erase(1)
    assert await preferences.locale(1) is None


async def test_erasure_clears_the_persons_conversations_in_the_storage(
    db: Database, conversations: TrackedStorage, privacy: PrivacyService
) -> None:
    await open_draft(conversations, 1)
    await open_draft(conversations, 2)

    assert (await privacy.erase(1)).erased is True  # the draft held a NIK
    assert await conversations.inner.get_state(key(1)) is None
    assert await conversations.inner.get_data(key(1)) == {}
    assert set(await activity(db)) == {2}
    assert (await conversations.get_data(key(2)))["nik"] == NIK


async def test_retention_erases_old_registrations_answers_and_idle_conversations(
    db: Database, cipher: PersonalDataCipher, conversations: TrackedStorage, clock: FixedClock
) -> None:
    privacy = PrivacyService(
        db, cipher, conversations, plan=ReminderPlan(), retention_months=24, clock=clock
    )
    registrations = RegistrationService(db, cipher, clock=clock)
    await registrations.register(1, form(consent_at=datetime(2024, 11, 23, tzinfo=UTC)))
    await registrations.register(
        2, form(nik="3201011201900002", consent_at=datetime(2024, 11, 25, tzinfo=UTC))
    )
    answers = PhkService(db, PhkContent.from_toml(), phk_priority=True)
    for telegram_id in (3, 4):
        await answers.save(telegram_id, PHK_ANSWERS)
    async with db.transaction() as session:
        await session.execute(
            update(PhkProfile)
            .where(PhkProfile.telegram_id == 3)
            .values(updated_at=datetime(2024, 11, 23, tzinfo=UTC))
        )
    clock.set(datetime(2024, 11, 23, tzinfo=UTC))
    await open_draft(conversations, 5)
    clock.set(NOW - timedelta(days=1))
    await open_draft(conversations, 6)
    clock.set(NOW)

    retention = await privacy.erase_expired()

    assert retention.registrations == 1 and retention.promoted == 0
    assert await registrations.get(1) is None and await registrations.get(2) is not None
    assert retention.phk_answers == 1
    assert await answers.get(3) is None and await answers.get(4) == PHK_ANSWERS
    assert retention.conversations == 1
    assert await conversations.inner.get_data(key(5)) == {}
    assert await conversations.inner.get_state(key(6)) == "Registration:nik_confirm"
    assert set(await activity(db)) == {6}
    assert await privacy.erase_expired() == Retention(0, 0, 0, 0)


async def test_the_export_holds_seats_questions_and_open_conversations(
    db: Database, cipher: PersonalDataCipher, conversations: TrackedStorage, privacy: PrivacyService
) -> None:
    """Then erasure leaves none of it, nor the messages to the person, sent or not."""
    await register(RegistrationService(db, cipher), 1, serial=1)
    batch = await add_batch(db, await add_blk(db), 5, title="Kuliner")
    async with db.transaction() as session:
        registration = await Repositories(session).registrations.by_telegram_id(1)
        assert registration is not None
        seat = Enrollment(registration_id=registration.id, batch_id=batch, status="active")
        session.add(seat)
        await session.flush()
        session.add(Attendance(enrollment_id=seat.id, answer="yes", answered_at=NOW))
        ticket = Ticket(telegram_id=1, origin="menu")
        session.add(ticket)
        await session.flush()
        for author, text in (("user", "Kapan mulai?"), ("staff", "Senin depan")):
            session.add(
                TicketMessage(
                    ticket_id=ticket.id,
                    author_kind=author,
                    author_id=1,
                    text_cipher=cipher.encrypt(text),
                )
            )
        for status in (OutboxStatus.SENT, OutboxStatus.PENDING):
            session.add(OutboxMessage(chat_id=1, kind=REPLY, payload="Peserta 1", status=status))
    await open_draft(conversations, 1)

    export = await privacy.export(1)
    assert export is not None
    [training] = export["training"]  # type: ignore[misc]
    assert (training["batch"], training["status"], training["attendance"]) == (
        "Kuliner",
        "active",
        "yes",
    )
    [question] = export["questions_to_coordinators"]  # type: ignore[misc]
    assert [(m["from"], m["text"]) for m in question["messages"]] == [
        ("user", "Kapan mulai?"),
        ("staff", "Senin depan"),
    ]
    [conversation] = export["open_conversations"]  # type: ignore[misc]
    assert conversation["state"] == "Registration:nik_confirm"
    assert conversation["answers"] == {"full_name": "Siti", "nik": NIK}  # the draft's, too

    assert (await privacy.erase(1)).erased
    assert await privacy.export(1) is None
    async with db.transaction() as session:
        assert (await session.execute(select(OutboxMessage))).first() is None
        assert (await session.execute(select(Enrollment))).first() is None
