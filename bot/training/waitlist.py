"""Seat bookkeeping shared by enrolment, cancellation and erasure (inside their transaction)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.outbox import drop_pending_for_enrollment
from bot.training.reminders import ReminderPlan, announce_promotion
from storage.enrollment_repository import (
    ACTIVE,
    CANCELLED,
    WAITLISTED,
    BatchRepository,
    EnrollmentRepository,
)
from storage.models import Enrollment, Registration


class SeatTaken(Exception):
    """The enrollment changed under us (a concurrent cancel): nothing was done."""


async def take_seat(session: AsyncSession, batch_id: int, *, waitlist: bool) -> str | None:
    """ACTIVE if a seat was free, WAITLISTED if full and allowed, else None."""
    if await BatchRepository(session).take_seat(batch_id):
        return ACTIVE
    return WAITLISTED if waitlist else None


async def release(
    session: AsyncSession,
    live: Enrollment,
    *,
    plan: ReminderPlan,
    now: datetime,
) -> int | None:
    """Cancel `live`; a freed seat passes to the first waitlisted person.

    Returns the Telegram id of the promoted person. Their notice and reminders are
    queued here, in the same transaction, so a promotion is never left untold; the
    reminders of `live` that were not sent yet are dropped. Each promotion is a
    conditional UPDATE, so two concurrent cancellations never promote the same person
    twice nor lose a seat.
    """
    enrollments = EnrollmentRepository(session)
    was_active = live.status == ACTIVE
    if not await enrollments.mark(live.id, CANCELLED, expected=live.status):
        raise SeatTaken
    await drop_pending_for_enrollment(session, live.id)
    if not was_active:
        return None
    for candidate in await enrollments.waitlisted(live.batch_id):
        if await enrollments.mark(candidate.id, ACTIVE, expected=WAITLISTED):
            promoted = await session.get(Registration, candidate.registration_id)
            if promoted is None:
                return None
            await announce_promotion(session, candidate, promoted.telegram_id, plan, now)
            return promoted.telegram_id
    await BatchRepository(session).give_back_seat(live.batch_id)
    return None
