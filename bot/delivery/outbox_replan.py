"""Queued messages after the clock was corrected: due when they should be, and no claim
stuck behind a lease that cannot run out.

Rows fall due by the clock that queued them. A clock put back a year leaves every row
queued before "due" a year from now, and every row claimed before with a lease that ends
a year from now. So, at start-up and then periodically: claims dated in the future are
released (or marked sent when a delivery receipt says they went), and rows due further
ahead than any retry waits become due now. Reminders are the one kind legitimately
queued far ahead: theirs are planned again from the batch and the reminder plan, in full
at start-up and whenever the clock is seen going back, since a retry under a clock that
ran ahead is what moves them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.delivery.templates import Template, template_of
from bot.training.reminders import ReminderPlan, due_at
from storage.database import Database
from storage.outbox_repository import OutboxRepository

# No row but a reminder is queued further ahead than this (retries wait seconds, a 429
# minutes), and a row up to this late after a clock correction is left alone.
SLACK = timedelta(hours=1)


@dataclass(frozen=True)
class Replanned:
    released: int  # claims dated in the future, back to pending or settled as sent
    due_now: int  # rows due absurdly far ahead, now due
    reminders: int  # reminders planned again from their batch

    @property
    def total(self) -> int:
        return self.released + self.due_now + self.reminders


class OutboxReplanner:
    def __init__(self, db: Database, clock: Clock, plan: ReminderPlan, *, lease: timedelta):
        self._db = db
        self._clock = clock
        self._plan = plan
        self._lease = lease
        self._last_now: datetime | None = None  # None: the first run plans reminders too

    async def run(self) -> Replanned:
        now = self._clock.now()
        full = self._last_now is None or now < self._last_now - SLACK
        self._last_now = now
        async with self._db.transaction() as session:
            repo = OutboxRepository(session)
            released = await repo.release_future_claims(now, self._lease, self._db.receipts)
            due_now = await repo.bring_forward(
                now + SLACK, now, except_kinds=[Template.REMINDER.value]
            )
            reminders = await self._replan_reminders(repo, now) if full else 0
        return Replanned(released, due_now, reminders)

    async def _replan_reminders(self, repo: OutboxRepository, now: datetime) -> int:
        """Each reminder due later than its plan says is due then (now if that passed, or
        if the row does not say which reminder it is)."""
        moved = 0
        rows = await repo.pending_with_batch_start(Template.REMINDER.value, now + SLACK)
        for row_id, payload, not_before, starts_at, zone in rows:
            found = template_of(payload)
            offset = str(found[1].get("offset", "")) if found else ""
            planned = due_at(self._plan, starts_at, zone, offset) or now
            if max(planned, now) < not_before - SLACK:
                moved += await repo.reschedule(row_id, max(planned, now))
        return moved
