"""What a coordinator's change to a batch does to the people seated or waiting in it.

Cancelling frees every seat and waitlist place and tells each holder, through the outbox
in their own language; their reminders are dropped. New dates plan the reminders of
everyone seated again. The same steps serve a change in chat (`bot.training.batch_admin`)
and one by schedule file (`bot.training.batch_import`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.audit import AuditAction, record
from bot.coordinators.roles import Scope
from bot.delivery.outbox import drop_pending_for_enrollment
from bot.delivery.templates import Template, enqueue_template
from bot.training.reminders import ReminderPlan, plan_reminders
from storage.batch_admin_repository import BatchAdminRepository
from storage.enrollment_repository import ACTIVE, WAITLISTED, BatchRepository
from storage.models import Enrollment


async def cancel_everyone(
    session: AsyncSession,
    batch_id: int,
    now: datetime,
    *,
    actor_id: int | None = None,
    scope: Scope | None = None,
) -> tuple[int, int]:
    """Cancel the batch with every live place in it; (seats, waitlist places) ended.

    The batch is locked first, so a seat taken meanwhile is either ended and told here or
    refused for the cancelled batch. `actor_id` (with their `scope`): the coordinator
    who cancelled it, in the audit log with the counts; None for the server's CLI, whose
    imports are not audited.
    """
    await BatchRepository(session).locked(batch_id)
    repository = BatchAdminRepository(session)
    seats = await repository.live_seats(batch_id)
    await repository.cancel(batch_id, [seat.enrollment_id for seat in seats])
    for seat in seats:
        await drop_pending_for_enrollment(session, seat.enrollment_id)
        await enqueue_template(
            session,
            seat.telegram_id,
            Template.BATCH_CANCELLED,
            {"batch_id": batch_id, "status": seat.status},
            dedupe_key=f"batch-cancelled:{seat.enrollment_id}",
            not_before=now,
            # Erasing the person's data (cascade) takes the notice with it.
            enrollment_id=seat.enrollment_id,
        )
    enrolled = sum(seat.status == ACTIVE for seat in seats)
    waitlisted = sum(seat.status == WAITLISTED for seat in seats)
    if actor_id is not None:
        record(
            session,
            actor_id,
            AuditAction.BATCH_CANCELLED,
            scope=scope.as_dict() if scope is not None else None,
            batch_id=batch_id,
            enrolled=enrolled,
            waitlisted=waitlisted,
        )
    return enrolled, waitlisted


async def plan_reminders_again(
    session: AsyncSession, batch_id: int, plan: ReminderPlan, now: datetime
) -> None:
    """Reminders not sent yet follow the new start; ones already sent stay sent."""
    for seat in await BatchAdminRepository(session).live_seats(batch_id):
        if seat.status != ACTIVE:
            continue
        await drop_pending_for_enrollment(session, seat.enrollment_id)
        enrollment = await session.get(Enrollment, seat.enrollment_id)
        assert enrollment is not None
        await plan_reminders(session, enrollment, seat.telegram_id, plan, now)
