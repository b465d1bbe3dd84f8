"""Reminders before a batch, promotion notices and nudges for unfinished registrations.

Everything here is queued in the outbox inside the caller's transaction, so a reminder
exists exactly when its seat does. Rows are templates (`bot.delivery.templates`), not
texts: the message is written when it is sent, in the recipient's language of that
moment and from the seat as it is then. Dedupe keys make planning twice harmless.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.delivery.templates import Template, enqueue_template
from storage.database import Database
from storage.enrollment_repository import BatchRepository
from storage.models import (
    Attendance,
    Batch,
    ConversationActivity,
    Enrollment,
    Registration,
)
from storage.repositories import ConversationRepository

logger = logging.getLogger(__name__)

# States of the registration conversation as aiogram stores them ("Registration:phone").
REGISTRATION_PREFIX = "Registration:"


class AttendanceAnswer(StrEnum):
    YES = "yes"
    NO = "no"


@dataclass(frozen=True)
class ReminderPlan:
    """When reminders go out; the defaults are the settings' defaults."""

    days_before: tuple[int, ...] = (3, 1)
    day_time: time = time(8, 0)
    hours_before: tuple[int, ...] = (2,)
    # Only for a batch whose BLK has no known zone, which the schema does not allow.
    fallback_zone: str = "Asia/Jakarta"
    abandoned_after: timedelta = timedelta(hours=24)


@dataclass(frozen=True)
class Due:
    """One reminder: `offset` names it ("3d", "2h"), `at` is the UTC instant."""

    offset: str
    at: datetime


def due_times(plan: ReminderPlan, starts_at: datetime, zone: str) -> list[Due]:
    """Reminder instants for a batch, earliest first.

    Day offsets count calendar days in the BLK's zone: "3 days before at 08:00 WITA" is
    08:00 Makassar time, whatever the server's zone, so the UTC instant differs by BLK.
    """
    tz = ZoneInfo(zone)
    first_day = starts_at.astimezone(tz).date()
    reminders = [
        Due(
            f"{days}d",
            datetime.combine(first_day - timedelta(days=days), plan.day_time, tz).astimezone(UTC),
        )
        for days in plan.days_before
    ]
    reminders += [
        Due(f"{hours}h", starts_at - timedelta(hours=hours)) for hours in plan.hours_before
    ]
    return sorted((d for d in reminders if d.at < starts_at), key=lambda d: d.at)


def due_at(plan: ReminderPlan, starts_at: datetime, zone: str, offset: str) -> datetime | None:
    """The instant of the reminder `offset` names ("3d", "2h"), as `due_times` plans it,
    also for an offset the plan no longer has; None for one that is not an offset."""
    amount, unit = offset[:-1], offset[-1:]
    if not amount.isdigit() or unit not in ("d", "h"):
        return None
    days, hours = ((int(amount),), ()) if unit == "d" else ((), (int(amount),))
    single = replace(plan, days_before=days, hours_before=hours)
    return next((due.at for due in due_times(single, starts_at, zone)), None)


async def plan_reminders(
    session: AsyncSession,
    enrollment: Enrollment,
    chat_id: int,
    plan: ReminderPlan,
    now: datetime,
) -> int:
    """Queue the reminders of an ACTIVE seat that are still ahead; returns how many are new.

    Each expires at the batch start: one due while the bot was down goes out late, once,
    but never after the training began.
    """
    batches = BatchRepository(session)
    batch = await batches.get(enrollment.batch_id)
    if batch is None:
        return 0
    zone = await _zone_of(batches, batch, plan)
    planned = 0
    for due in due_times(plan, batch.starts_at, zone):
        if due.at <= now:
            continue
        planned += await enqueue_template(
            session,
            chat_id,
            Template.REMINDER,
            {"enrollment_id": enrollment.id, "offset": due.offset},
            dedupe_key=f"reminder:{enrollment.id}:{due.offset}",
            not_before=due.at,
            expires_at=batch.starts_at,
            enrollment_id=enrollment.id,
        )
    return planned


async def announce_promotion(
    session: AsyncSession,
    enrollment: Enrollment,
    chat_id: int,
    plan: ReminderPlan,
    now: datetime,
) -> None:
    """A waitlisted person got a seat: tell them now, and remind them like anyone seated."""
    batch = await session.get(Batch, enrollment.batch_id)
    await enqueue_template(
        session,
        chat_id,
        Template.PROMOTION,
        {"enrollment_id": enrollment.id},
        dedupe_key=f"promotion:{enrollment.id}",
        not_before=now,
        expires_at=batch.starts_at if batch else None,
        enrollment_id=enrollment.id,
    )
    await plan_reminders(session, enrollment, chat_id, plan, now)


async def save_attendance(
    session: AsyncSession, enrollment_id: int, answer: AttendanceAnswer, now: datetime
) -> None:
    """The latest answer counts: people may say yes and later find they cannot come."""
    row = await session.get(Attendance, enrollment_id)
    if row is None:
        session.add(Attendance(enrollment_id=enrollment_id, answer=answer.value, answered_at=now))
    else:
        row.answer = answer.value
        row.answered_at = now


async def remind_abandoned(
    db: Database, now: datetime, *, after: timedelta = timedelta(hours=24)
) -> int:
    """Nudge once those who left the registration unanswered for `after`; returns how many.

    Reads the conversation activity `TrackedStorage` records, so it works whether the
    conversations live in the database or in Redis. The dedupe key holds the day of the
    last answer, so a person who comes back and stops again is nudged again, but never
    twice for one stop.
    """
    queued = 0
    async with db.transaction() as session:
        drafts = await ConversationRepository(session).idle_since(
            now - after, state_prefix=REGISTRATION_PREFIX
        )
        stuck = {row.chat_id: row.last_activity_at for row in drafts if _private(row)}
        if not stuck:
            return 0
        # Registered people editing their data (/ubah) are in the same states.
        registered = set(
            (
                await session.execute(
                    select(Registration.telegram_id).where(Registration.telegram_id.in_(stuck))
                )
            ).scalars()
        )
        for chat_id, last_activity in sorted(stuck.items()):
            if chat_id in registered:
                continue
            try:
                # A savepoint per row: a concurrent run that queued the same key first
                # costs this row only, not the whole run.
                async with session.begin_nested():
                    queued += await enqueue_template(
                        session,
                        chat_id,
                        Template.ABANDONED,
                        {},
                        dedupe_key=f"abandoned:{chat_id}:{last_activity.date().isoformat()}",
                        not_before=now,
                        expires_at=now + after,
                    )
            except IntegrityError:
                logger.info("abandoned-registration nudge queued concurrently")
    return queued


async def registration_unfinished(db: Database, telegram_id: int) -> bool:
    """Still in the registration conversation and not registered: the nudge is relevant."""
    async with db.transaction() as session:
        if await _registered(session, telegram_id):
            return False
        conversations = await ConversationRepository(session).of_user(telegram_id)
    return any(
        _private(row) and (row.state or "").startswith(REGISTRATION_PREFIX) for row in conversations
    )


class ReminderService:
    """The reminder jobs the process runs besides answering updates."""

    def __init__(
        self,
        db: Database,
        plan: ReminderPlan | None = None,
        clock: Clock | None = None,
    ) -> None:
        self._db = db
        self.plan = plan or ReminderPlan()
        self.clock = clock or Clock()

    async def remind_abandoned(self) -> int:
        return await remind_abandoned(self._db, self.clock.now(), after=self.plan.abandoned_after)

    async def registration_unfinished(self, telegram_id: int) -> bool:
        return await registration_unfinished(self._db, telegram_id)


async def _zone_of(batches: BatchRepository, batch: Batch, plan: ReminderPlan) -> str:
    found = await batches.blk_name_and_zone(batch.blk_id)
    return found[1] if found and found[1] else plan.fallback_zone


async def _registered(session: AsyncSession, telegram_id: int) -> bool:
    stmt = select(Registration.id).where(Registration.telegram_id == telegram_id)
    return (await session.execute(stmt)).first() is not None


def _private(conversation: ConversationActivity) -> bool:
    """The nudge goes to the person's own chat with the bot, not to a group."""
    return conversation.chat_id == conversation.telegram_id
