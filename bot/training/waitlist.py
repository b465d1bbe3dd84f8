"""Seat bookkeeping shared by enrolment, cancellation, erasure and coordinators' changes
(inside their transaction): a seat that comes free goes to the first person waiting, in
the order the eligibility rules choose (`waitlist_order`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.outbox import drop_pending_for_enrollment
from bot.training.eligibility import EligibilityRules, WaitlistRule
from bot.training.reminders import ReminderPlan, announce_promotion
from storage.enrollment_repository import (
    ACTIVE,
    CANCELLED,
    WAITLISTED,
    BatchRepository,
    EnrollmentRepository,
    WaitlistOrder,
)
from storage.models import Enrollment, Registration


def waitlist_order(rules: EligibilityRules) -> WaitlistOrder:
    """The rules' priority groups first, unless the rules say first come, first served."""
    if rules.waitlist is WaitlistRule.FIRST_COME:
        return WaitlistOrder()
    return WaitlistOrder(
        frozenset(status.value for status in rules.priority_business), rules.phk_priority
    )


#: The order of the packaged rules file, for services built without a rules file (tests).
DEFAULT_ORDER = waitlist_order(EligibilityRules())


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
    order: WaitlistOrder,
    plan: ReminderPlan,
    now: datetime,
) -> int | None:
    """Cancel `live`; a freed seat passes to the first person waiting (`fill_seats`).

    Returns the Telegram id of the promoted person. The reminders of `live` that were not
    sent yet are dropped.
    """
    was_active = live.status == ACTIVE
    if not await EnrollmentRepository(session).mark(live.id, CANCELLED, expected=live.status):
        raise SeatTaken
    await drop_pending_for_enrollment(session, live.id)
    if not was_active:
        return None
    await BatchRepository(session).give_back_seat(live.batch_id)
    promoted = await fill_seats(session, live.batch_id, order=order, plan=plan, now=now)
    return promoted[0] if promoted else None


async def fill_seats(
    session: AsyncSession,
    batch_id: int,
    *,
    order: WaitlistOrder,
    plan: ReminderPlan,
    now: datetime,
) -> list[int]:
    """Give the batch's free seats to the people waiting, first in `order` first.

    Returns the Telegram ids of those promoted. Their notices and reminders are queued
    here, in the caller's transaction, so a promotion is never left untold. Seats and
    places move by conditional UPDATEs, and the batch's row stays locked by the first
    of them until the transaction ends: two concurrent releases never promote one person
    twice nor lose a seat, and a newcomer cannot take the seat in between.
    """
    batches, enrollments = BatchRepository(session), EnrollmentRepository(session)
    promoted: list[int] = []
    while candidates := await enrollments.waitlisted(batch_id, order):
        for candidate in candidates:
            if not await batches.take_seat(batch_id):
                return promoted
            if not await enrollments.mark(candidate.id, ACTIVE, expected=WAITLISTED):
                await batches.give_back_seat(batch_id)  # gone meanwhile: the next one
                continue
            person = await session.get(Registration, candidate.registration_id)
            if person is not None:
                await announce_promotion(session, candidate, person.telegram_id, plan, now)
                promoted.append(person.telegram_id)
    return promoted
