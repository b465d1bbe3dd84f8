"""Clock sanity: deleting by age only while the clock agrees with Telegram's dates and the
bot's own stamps (bot/clock_sanity.py), and at most a capped number per retention run.

Conversations are in Redis when TEST_REDIS_URL is set, as in tests/test_privacy.py.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
from aiogram.types import Update
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import update

from bot.clock_sanity import ClockReadings, ClockSanity, judge
from bot.delivery.telegram_dates import TelegramDates
from bot.phk.content import PhkContent
from bot.phk.service import PhkService
from bot.privacy import PrivacyService
from bot.registration.personal_data import PersonalDataCipher
from bot.registration.service import RegistrationService
from bot.training.reminders import ReminderPlan
from storage.clock_marks import CLOCK_AT_TELEGRAM_DATE, TELEGRAM_DATE, ClockMarks
from storage.database import Database
from storage.fsm import TrackedStorage
from storage.models import PhkProfile, Ticket
from tests.clock import NOW, FixedClock
from tests.enrollment_setup import nik_for
from tests.test_privacy import PHK_ANSWERS, key, open_draft
from tests.test_registration_service import form

YEAR = timedelta(days=365)
DAY = timedelta(days=1)
EXPIRED = NOW - timedelta(days=400)  # past the 24 months once the clock is a year ahead


def readings(clock: FixedClock, telegram: datetime | None, stamp: datetime | None = None):
    return ClockReadings(clock.now(), telegram, stamp)


def test_a_clock_nothing_vouches_for_yet_is_trusted(clock: FixedClock) -> None:
    assert judge(readings(clock, None)).trusted


@given(st.timedeltas(min_value=-DAY, max_value=DAY))
def test_within_a_day_of_telegram_s_newest_date_the_clock_is_trusted(moved: timedelta) -> None:
    clock = FixedClock(NOW + moved)
    assert judge(readings(clock, NOW, stamp=NOW)).trusted


@given(
    st.timedeltas(min_value=DAY + timedelta(seconds=1), max_value=50 * YEAR),
    st.sampled_from([1, -1]),
)
def test_further_from_it_the_clock_is_not(distance: timedelta, sign: int) -> None:
    verdict = judge(readings(FixedClock(NOW + sign * distance), NOW))
    assert not verdict.trusted
    assert verdict.reason.startswith("ahead" if sign > 0 else "behind")
    assert "Telegram" in verdict.reason


def test_stamps_a_clock_running_ahead_wrote_do_not_block_the_corrected_clock(
    clock: FixedClock,
) -> None:
    verdict = judge(readings(clock, NOW - timedelta(hours=1), stamp=NOW + YEAR))
    assert verdict.trusted and "running ahead" in verdict.reason


@pytest.mark.parametrize(
    ("moved", "trusted", "reason"),
    [
        (YEAR, False, "ahead of the newest stored timestamp"),
        (-YEAR, False, "behind the newest stored timestamp"),
        (timedelta(hours=23), True, ""),
    ],
)
def test_before_any_telegram_date_the_bot_s_own_stamps_decide(
    moved: timedelta, trusted: bool, reason: str
) -> None:
    verdict = judge(readings(FixedClock(NOW + moved), None, stamp=NOW))
    assert (verdict.trusted, verdict.reason.split(" 20")[0]) == (trusted, reason)


def message_update(update_id: int, date: datetime) -> Update:
    return Update.model_validate(
        {
            "update_id": update_id,
            "message": {
                "message_id": update_id,
                "date": int(date.timestamp()),
                "chat": {"id": 7, "type": "private"},
                "from": {"id": 7, "is_bot": False, "first_name": "A"},
                "text": "halo",
            },
        }
    )


def press_update(update_id: int, message_date: int) -> Update:
    """A button press; its message's date is 0 when Telegram no longer shows the message."""
    message = {"message_id": 1, "date": message_date, "chat": {"id": 7, "type": "private"}}
    if message_date:
        message["from"] = {"id": 1, "is_bot": True, "first_name": "Bot"}
    return Update.model_validate(
        {
            "update_id": update_id,
            "callback_query": {
                "id": str(update_id),
                "from": {"id": 7, "is_bot": False, "first_name": "A"},
                "chat_instance": "c",
                "data": "x",
                "message": message,
            },
        }
    )


async def marks(db: Database) -> tuple[datetime | None, datetime | None]:
    async with db.transaction() as session:
        found = ClockMarks(session)
        return await found.get(TELEGRAM_DATE), await found.get(CLOCK_AT_TELEGRAM_DATE)


async def test_telegram_s_newest_date_is_kept_with_the_clock_then_once_a_minute(
    db: Database, clock: FixedClock
) -> None:
    dates = TelegramDates(db, clock)
    await dates.saw([message_update(1, NOW - YEAR), message_update(2, NOW)])
    assert await marks(db) == (NOW, NOW)

    clock.set(NOW + timedelta(seconds=30))
    await dates.saw([message_update(3, NOW + timedelta(seconds=30))])
    assert await marks(db) == (NOW, NOW)  # within the minute: not written

    clock.set(NOW + timedelta(minutes=2))
    await dates.saw([press_update(4, int((NOW + timedelta(minutes=2)).timestamp()))])
    await dates.saw([press_update(5, 0)])  # an inaccessible message has no date
    assert await marks(db) == (NOW + timedelta(minutes=2), NOW + timedelta(minutes=2))

    # After a restart an older date (a redelivered batch) does not lower the mark.
    await TelegramDates(db, clock).saw([message_update(1, NOW - YEAR)])
    assert (await marks(db))[0] == NOW + timedelta(minutes=2)


async def test_an_edited_message_counts_by_its_edit_date(db: Database, clock: FixedClock) -> None:
    edited = Update.model_validate(
        {
            "update_id": 1,
            "edited_message": {
                "message_id": 1,
                "date": int((NOW - YEAR).timestamp()),
                "edit_date": int(NOW.timestamp()),
                "chat": {"id": 7, "type": "private"},
                "from": {"id": 7, "is_bot": False, "first_name": "A"},
                "text": "halo",
            },
        }
    )
    await TelegramDates(db, clock).saw([edited, message_update(2, NOW - YEAR)])
    assert (await marks(db))[0] == NOW


async def erasable_world(db: Database, cipher: PersonalDataCipher, clock: FixedClock) -> None:
    """Person 1 registered with PHK answers and a question, person 2 left a draft: all 400
    days old, so a year more makes them look past 24 months; Telegram last wrote at NOW."""
    clock.set(EXPIRED)
    await RegistrationService(db, cipher, clock=clock).register(1, form(consent_at=EXPIRED))
    await PhkService(db, PhkContent.from_toml(), phk_priority=True).save(1, PHK_ANSWERS)
    async with db.transaction() as session:
        session.add(Ticket(telegram_id=1, origin="faq", status="open"))
        await session.execute(update(PhkProfile).values(updated_at=EXPIRED))
    clock.set(NOW)
    await TelegramDates(db, clock).saw([message_update(1, NOW)])


async def test_a_clock_moved_a_year_ahead_erases_nothing_and_says_why(
    db: Database,
    cipher: PersonalDataCipher,
    conversations: TrackedStorage,
    clock: FixedClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    privacy = PrivacyService(db, cipher, conversations, plan=ReminderPlan(), clock=clock)
    clock.set(EXPIRED)
    await open_draft(conversations, 2)
    await erasable_world(db, cipher, clock)

    clock.set(NOW + YEAR)
    with caplog.at_level(logging.ERROR, logger="bot.clock_sanity"):
        retention = await privacy.erase_expired()

    assert retention.refused and retention.erased == 0
    assert await privacy.export(1) is not None
    assert (await privacy.export(1))["questions_to_coordinators"]  # type: ignore[index]
    assert await PhkService(db, PhkContent.from_toml(), phk_priority=True).get(1) is not None
    assert (await conversations.get_data(key(2)))["full_name"] == "Siti"
    [line] = [r.getMessage() for r in caplog.records]
    assert line.startswith("retention not run: the clock (2027-11-24 03:00 UTC) is ahead of")
    assert "Siti" not in line and "Aminah" not in line

    # Once Telegram's dates say a year went by, the same data goes.
    await TelegramDates(db, clock).saw([message_update(9, NOW + YEAR)])
    retention = await privacy.erase_expired()
    assert (retention.registrations, retention.phk_answers, retention.conversations) == (1, 0, 1)
    assert await privacy.export(1) is None


async def test_one_run_erases_at_most_its_cap_oldest_first_and_the_rest_waits(
    db: Database, cipher: PersonalDataCipher, conversations: TrackedStorage, clock: FixedClock
) -> None:
    privacy = PrivacyService(
        db, cipher, conversations, plan=ReminderPlan(), max_per_run=3, clock=clock
    )
    registrations = RegistrationService(db, cipher, clock=clock)
    for telegram_id in range(1, 6):
        consent = datetime(2024, 1, telegram_id, tzinfo=UTC)
        clock.set(consent)
        await registrations.register(
            telegram_id, form(nik=nik_for(telegram_id), consent_at=consent)
        )
    for telegram_id in (8, 9):
        await PhkService(db, PhkContent.from_toml(), phk_priority=True).save(
            telegram_id, PHK_ANSWERS
        )
    async with db.transaction() as session:
        await session.execute(update(PhkProfile).values(updated_at=EXPIRED - YEAR))
    clock.set(NOW)
    await TelegramDates(db, clock).saw([message_update(1, NOW)])

    first = await privacy.erase_expired()
    assert (first.registrations, first.phk_answers, first.capped) == (3, 0, True)
    assert [await registrations.get(i) is None for i in range(1, 6)] == [True] * 3 + [False] * 2

    second = await privacy.erase_expired()
    assert (second.registrations, second.phk_answers, second.capped) == (2, 1, True)
    third = await privacy.erase_expired()
    assert (third.registrations, third.phk_answers, third.capped) == (0, 1, False)
    assert (await privacy.erase_expired()).erased == 0


async def test_the_check_reads_the_marks_and_the_bot_s_own_stamps(
    db: Database, cipher: PersonalDataCipher, clock: FixedClock
) -> None:
    sanity = ClockSanity(db, clock)
    assert await sanity.readings() == ClockReadings(NOW, None, None)
    await RegistrationService(db, cipher, clock=clock).register(1, form(consent_at=NOW - DAY))
    assert await sanity.readings() == ClockReadings(NOW, None, NOW - DAY)
    clock.set(NOW + YEAR)
    assert not await sanity.allows("pruning by age")
    await TelegramDates(db, clock).saw([message_update(1, NOW + YEAR)])
    assert await sanity.readings() == ClockReadings(NOW + YEAR, NOW + YEAR, NOW + YEAR)
    assert await sanity.allows("pruning by age")


async def test_stamps_from_a_clock_that_ran_ahead_are_noted_once_and_do_not_stop_jobs(
    db: Database, cipher: PersonalDataCipher, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    await RegistrationService(db, cipher, clock=clock).register(1, form(consent_at=NOW + YEAR))
    await TelegramDates(db, clock).saw([message_update(1, NOW)])
    sanity = ClockSanity(db, clock)
    with caplog.at_level(logging.WARNING, logger="bot.clock_sanity"):
        assert await sanity.allows("retention") and await sanity.allows("retention")
    [line] = [r.getMessage() for r in caplog.records]
    assert line == (
        "retention runs, but stored timestamps up to 2027-11-24 03:00 UTC were written by a "
        "clock running ahead"
    )
