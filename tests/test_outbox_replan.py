"""Queued messages after the clock moved: re-planned and delivered through the sender and the
fake Bot API (bot/delivery/outbox_replan.py), and not expired by a clock Telegram's dates
do not vouch for (bot/clock_sanity.py); on SQLite or PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from aiogram import Bot
from sqlalchemy import select

from bot.clock_sanity import ClockSanity
from bot.delivery.outbox import Outgoing, enqueue
from bot.delivery.outbox_replan import OutboxReplanner, Replanned
from bot.delivery.sender import Sender
from bot.delivery.telegram_dates import TelegramDates
from bot.registration.personal_data import PersonalDataCipher
from bot.registration.service import RegistrationService
from bot.training.reminders import Due, ReminderPlan, due_times, plan_reminders
from storage.database import Database
from storage.models import Batch, Enrollment, OutboxMessage
from storage.outbox_repository import OutboxRepository
from tests.clock import NOW, FixedClock
from tests.enrollment_setup import add_batch, add_blk, register
from tests.fake_bot_api import FakeBotAPI
from tests.fake_bot_api.fixtures import make_bot
from tests.test_clock_sanity import message_update

YEAR = timedelta(days=365)
DAY = timedelta(days=1)
LEASE = timedelta(seconds=60)
DEAD = "sender:old-host:1:dead"


@pytest.fixture
async def bot(fake_api: FakeBotAPI) -> AsyncIterator[Bot]:
    bot = make_bot(fake_api)
    yield bot
    await bot.session.close()


def replanner(db: Database, clock: FixedClock) -> OutboxReplanner:
    return OutboxReplanner(db, clock, ReminderPlan(), lease=LEASE)


async def queue(db: Database, clock: FixedClock, chat_id: int) -> None:
    async with db.transaction() as session:
        await enqueue(session, chat_id, "notice", Outgoing.text("Halo"), not_before=clock.now())


async def claim_by_a_dead_sender(db: Database, clock: FixedClock) -> int:
    async with db.transaction() as session:
        [row] = await OutboxRepository(session).claim(DEAD, clock.now(), 1)
        return row.id


async def statuses(db: Database) -> dict[int, str]:
    async with db.transaction() as session:
        rows = (await session.execute(select(OutboxMessage.chat_id, OutboxMessage.status))).all()
    return {chat_id: status for chat_id, status in rows}


async def test_messages_queued_before_the_clock_went_back_a_year_still_go_out(
    db: Database, bot: Bot, fake_api: FakeBotAPI, clock: FixedClock
) -> None:
    for chat_id in (101, 102, 103, 104):
        await queue(db, clock, chat_id)
    await claim_by_a_dead_sender(db, clock)  # 101: its lease would end a year from "now"
    receipted = await claim_by_a_dead_sender(db, clock)  # 102: Telegram had taken it
    await db.receipts.record(receipted, 555)
    sender = Sender(db, bot, clock=clock, lease_seconds=LEASE.total_seconds())

    clock.set(NOW - YEAR)
    assert await sender.run_once() == 0  # everything looks due a year from now

    assert await replanner(db, clock).run() == Replanned(released=1, due_now=3, reminders=0)
    assert await sender.run_once() == 3
    sent = sorted(call.chat_id for call in fake_api.calls if call.method == "sendMessage")
    assert sent == [101, 103, 104]  # 102 is not sent twice
    assert set((await statuses(db)).values()) == {"sent"}


async def test_a_short_step_back_is_left_to_the_lease_and_the_retry(
    db: Database, clock: FixedClock
) -> None:
    """A live sender's claim is not taken from it when the clock steps back a little."""
    await queue(db, clock, 101)
    await queue(db, clock, 102)
    await claim_by_a_dead_sender(db, clock)
    clock.set(NOW - timedelta(seconds=30))
    assert await replanner(db, clock).run() == Replanned(0, 0, 0)
    assert await statuses(db) == {101: "sending", 102: "pending"}


async def expiring_notice(db: Database, clock: FixedClock, bot: Bot) -> Sender:
    """A notice that expires in a day, Telegram's last date NOW, and a sender that asks
    whether the clock may be believed before it expires anything."""
    async with db.transaction() as session:
        await enqueue(
            session, 101, "notice", Outgoing.text("Halo"), not_before=NOW, expires_at=NOW + DAY
        )
    await TelegramDates(db, clock).saw([message_update(1, NOW)])
    sanity = ClockSanity(db, clock, recheck_seconds=0)
    return Sender(db, bot, clock=clock, deadlines_trusted=sanity.trusted)


async def test_a_clock_set_a_year_ahead_expires_nothing_and_once_corrected_it_is_sent(
    db: Database, bot: Bot, fake_api: FakeBotAPI, clock: FixedClock
) -> None:
    sender = await expiring_notice(db, clock, bot)
    clock.set(NOW + YEAR)
    assert await sender.run_once() == 1  # claimed and put back: neither sent nor expired
    assert await statuses(db) == {101: "pending"} and not fake_api.calls_to(101)

    clock.set(NOW + timedelta(hours=1))  # corrected: the row waits "a year", so re-planned
    assert await replanner(db, clock).run() == Replanned(released=0, due_now=1, reminders=0)
    assert await sender.run_once() == 1
    assert await statuses(db) == {101: "sent"} and len(fake_api.calls_to(101)) == 1


async def test_a_deadline_passed_by_telegram_s_dates_too_expires_the_message(
    db: Database, bot: Bot, clock: FixedClock
) -> None:
    sender = await expiring_notice(db, clock, bot)
    clock.set(NOW + YEAR)
    await TelegramDates(db, clock).saw([message_update(2, NOW + YEAR)])  # a year went by
    assert await sender.run_once() == 1
    assert await statuses(db) == {101: "expired"}


async def reminder_rows(db: Database) -> dict[str, OutboxMessage]:
    async with db.transaction() as session:
        rows = await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "reminder"))
        return {row.dedupe_key.rsplit(":", 1)[1]: row for row in rows if row.dedupe_key}


async def test_a_reminder_retried_while_the_clock_ran_ahead_is_due_as_planned_again(
    db: Database, cipher: PersonalDataCipher, clock: FixedClock
) -> None:
    plan = ReminderPlan()
    await register(RegistrationService(db, cipher, clock=clock), 7, 1)
    batch_id = await add_batch(db, await add_blk(db), 10)
    async with db.transaction() as session:
        enrollment = Enrollment(registration_id=1, batch_id=batch_id, status="active")
        session.add(enrollment)
        await session.flush()
        await plan_reminders(session, enrollment, 7, plan, clock.now())
    planned = {due.offset: due.at for due in await _due(db, batch_id, plan)}
    assert {k: row.not_before for k, row in (await reminder_rows(db)).items()} == planned

    jobs = replanner(db, clock)
    assert await jobs.run() == Replanned(0, 0, 0)  # the first run checks reminders too
    # The "3d" reminder failed once while the clock said a year later: retried from then.
    async with db.transaction() as session:
        row_id = (await reminder_rows(db))["3d"].id
        await OutboxRepository(session).retry_later(row_id, NOW + YEAR, "timeout")
    assert await jobs.run() == Replanned(0, 0, 0)  # the clock did not go back: cheap run

    clock.set(NOW + YEAR)
    assert await jobs.run() == Replanned(0, 0, 0)
    clock.set(NOW)  # corrected: back a year
    assert await jobs.run() == Replanned(0, 0, 1)
    assert {k: row.not_before for k, row in (await reminder_rows(db)).items()} == planned


async def _due(db: Database, batch_id: int, plan: ReminderPlan) -> list[Due]:
    async with db.transaction() as session:
        batch = await session.get(Batch, batch_id)
        assert batch is not None
        return due_times(plan, batch.starts_at, "Asia/Jakarta")
