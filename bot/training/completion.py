"""Completing a batch: each seat's result from its attendance, by the rule in
`bot/data/training_rules.toml` (present on at least `completion_min_attendance_percent`
of the training days — a setting, not a published rule), with a coordinator's override.

A coordinator completes a batch from its last training day on; the bot completes every
batch whose last day is over (`complete_due`, a periodic job). Results are computed
once, at completion; an override changes the result in force and keeps what the rule
gave. Completion and every override are audited, and each participant is told their
result through the outbox in the same transaction. At completion the seats become
history ("completed": kept with their check-ins, results and certificates, no longer a
place, so the person may take a seat elsewhere) and the waitlist is closed, everyone on it
told the batch is over.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import ClassVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.audit import AuditAction, record
from bot.clock import Clock
from bot.delivery.outbox import drop_pending_for_enrollment, pending_for_enrollment
from bot.delivery.templates import Template, enqueue_template
from bot.errors import N_, DomainError, NotPermitted
from bot.training.certificates import give_number
from bot.training.check_in import CheckInService
from storage.check_in_repository import CheckInRepository, PlacedBatch
from storage.completion_repository import CompletionRepository, ResultRow
from storage.database import Database
from storage.models import BatchCompletion, TrainingResult

# The bot's own completions are audited under this actor id (no Telegram user has it).
BOT_ACTOR = 0
DUE_PER_ROUND = 50


def passes(days_present: int, training_days: int, min_percent: int) -> bool:
    """At least `min_percent` of the training days present (a batch without training
    days passes only a 0% rule)."""
    return days_present * 100 >= min_percent * training_days


class CompletionProblem(StrEnum):
    NOT_YET = "not_yet"
    CANCELLED = "cancelled"
    NOT_COMPLETED = "not_completed"


class CompletionRefused(DomainError):
    keys: ClassVar[dict[CompletionProblem, str]] = {
        CompletionProblem.NOT_YET: N_("completion-error-not-yet"),
        CompletionProblem.CANCELLED: N_("completion-error-cancelled"),
        CompletionProblem.NOT_COMPLETED: N_("completion-error-not-completed"),
    }

    def __init__(self, problem: CompletionProblem, **params: object) -> None:
        super().__init__(self.keys[problem], **params)
        self.problem = problem


@dataclass(frozen=True)
class BatchResults:
    """A batch as the coordinator sees its completion; `completion` None until completed."""

    batch: PlacedBatch
    completion: BatchCompletion | None
    training_days: int
    min_percent: int
    rows: list[ResultRow]

    @property
    def passed(self) -> int:
        return sum(1 for row in self.rows if row.result.passed)


class CompletionService:
    def __init__(self, db: Database, check_ins: CheckInService, clock: Clock) -> None:
        self._db = db
        self._check_ins = check_ins
        self.clock = clock

    @property
    def min_percent(self) -> int:
        return self._check_ins.rules.completion_min_attendance_percent

    async def results(self, actor: int, batch_id: int) -> BatchResults:
        async with self._db.transaction() as session:
            batch = await self._check_ins.scoped_batch(session, actor, batch_id)
            return await self._results(session, batch)

    async def complete(self, actor: int, batch_id: int) -> BatchResults:
        """Completes the batch now (from its last training day on); already completed, it
        is left as it was."""
        async with self._db.transaction() as session:
            batch = await self._check_ins.scoped_batch(session, actor, batch_id)
            if batch.status == "cancelled":
                raise CompletionRefused(CompletionProblem.CANCELLED)
            last_day = max(self._check_ins.days(batch).days(), default=None)
            if last_day is not None and self._check_ins.today(batch) < last_day:
                raise CompletionRefused(CompletionProblem.NOT_YET)
            if await CompletionRepository(session).completion(batch_id) is None:
                await self._complete(session, batch, actor)
            return await self._results(session, batch)

    async def override(
        self, actor: int, batch_id: int, enrollment_id: int, passed: bool
    ) -> BatchResults:
        """A coordinator sets one seat's result; audited, and the person is told."""
        async with self._db.transaction() as session:
            batch = await self._check_ins.scoped_batch(session, actor, batch_id)
            repository = CompletionRepository(session)
            if await repository.completion(batch_id) is None:
                raise CompletionRefused(CompletionProblem.NOT_COMPLETED)
            result = await repository.result(enrollment_id)
            seats = dict(await repository.seats(batch_id))
            if result is None or enrollment_id not in seats:
                raise NotPermitted
            if result.passed != passed:
                now = self.clock.now()
                result.passed, result.overridden_by, result.decided_at = passed, actor, now
                await give_number(session, result, now.year)
                record(
                    session,
                    actor,
                    AuditAction.RESULT_OVERRIDDEN,
                    batch_id=batch_id,
                    enrollment_id=enrollment_id,
                    passed=passed,
                    by_rule=result.by_rule,
                )
                await _tell(session, seats[enrollment_id], enrollment_id, now, "changed")
            return await self._results(session, batch)

    async def complete_due(self) -> int:
        """Completes the batches whose last day is over; returns how many."""
        now = self.clock.now()
        tolerance = timedelta(minutes=self._check_ins.rules.check_in_tolerance_minutes)
        async with self._db.transaction() as session:
            due = await CompletionRepository(session).due(now - tolerance, DUE_PER_ROUND)
            for batch_id in due:
                batch = await CheckInRepository(session).batch(batch_id)
                assert batch is not None
                await self._complete(session, batch, None)
        return len(due)

    async def _complete(self, session: AsyncSession, batch: PlacedBatch, by: int | None) -> None:
        now = self.clock.now()
        repository = CompletionRepository(session)
        days = set(self._check_ins.days(batch).days())
        present = await repository.present_days(batch.id)
        seats = await repository.seats(batch.id)
        waiting = await repository.waiting(batch.id)
        for enrollment_id, _telegram_id in seats + waiting:  # reminders not sent yet
            await drop_pending_for_enrollment(session, enrollment_id)
        await repository.finish(batch.id)
        for enrollment_id, telegram_id in waiting:
            await enqueue_template(
                session,
                telegram_id,
                Template.BATCH_OVER,
                {"batch_id": batch.id},
                dedupe_key=f"batch-over:{enrollment_id}",
                not_before=now,
            )
        for enrollment_id, telegram_id in seats:
            count = len(present.get(enrollment_id, set()) & days)
            by_rule = passes(count, len(days), self.min_percent)
            result = TrainingResult(
                enrollment_id=enrollment_id,
                days_present=count,
                training_days=len(days),
                by_rule=by_rule,
                passed=by_rule,
                decided_at=now,
            )
            await give_number(session, result, now.year)
            repository.add(result)
            await _tell(session, telegram_id, enrollment_id, now, "completed")
        repository.complete(batch.id, now, by)
        record(
            session,
            BOT_ACTOR if by is None else by,
            AuditAction.BATCH_COMPLETED,
            batch_id=batch.id,
            seats=len(seats),
            waitlist_closed=len(waiting),
            automatic=by is None,
        )
        await session.flush()

    async def _results(self, session: AsyncSession, batch: PlacedBatch) -> BatchResults:
        repository = CompletionRepository(session)
        return BatchResults(
            batch,
            await repository.completion(batch.id),
            len(list(self._check_ins.days(batch).days())),
            self.min_percent,
            await repository.results(batch.id),
        )

    async def result_of_seat(self, enrollment_id: int) -> tuple[PlacedBatch, TrainingResult] | None:
        """A seat's result with its batch, for the notice built when it is sent."""
        async with self._db.transaction() as session:
            result = await CompletionRepository(session).result(enrollment_id)
            if result is None:
                return None
            batch = await CheckInRepository(session).batch_of_seat(enrollment_id)
            return (batch, result) if batch else None


async def _tell(
    session: AsyncSession, telegram_id: int, enrollment_id: int, now: datetime, why: str
) -> None:
    """Queue the result notice (`why`: "completed" or "changed"); built when sent, so it
    says the result then in force — one still waiting already will, so none is added."""
    if await pending_for_enrollment(session, enrollment_id, Template.TRAINING_RESULT.value):
        return
    await enqueue_template(
        session,
        telegram_id,
        Template.TRAINING_RESULT,
        {"enrollment_id": enrollment_id},
        dedupe_key=f"training-result:{enrollment_id}:{why}:{now.isoformat()}",
        not_before=now,
        enrollment_id=enrollment_id,
    )
