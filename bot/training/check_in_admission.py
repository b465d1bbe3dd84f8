"""Which seat and training day a participant's check-in code admits, or why none.

Days and hours are the BLK's own (WIB, WITA, WIT). Refusals say why (`CheckInProblem`);
those that tell something about the code typed (`MISSES`) count against the person's
hourly limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import ClassVar

from bot.clock import Clock
from bot.errors import N_, DomainError
from bot.training.check_in_codes import CheckInKeys, Moment, TrainingDays
from bot.training.training_rules import TrainingRules
from storage.check_in_repository import PlacedBatch, Seat


class CheckInProblem(StrEnum):
    NOT_ENROLLED = "not_enrolled"
    NOT_TRAINING_DAY = "not_training_day"
    OTHER_DAY = "other_day"
    OTHER_BATCH = "other_batch"
    TOO_EARLY = "too_early"
    TOO_LATE = "too_late"
    UNKNOWN_CODE = "unknown_code"
    TOO_MANY = "too_many"
    COMPLETED = "completed"  # a coordinator's mark after the results were computed


# A refusal that tells something about a code typed counts as a miss.
MISSES = frozenset(
    {
        CheckInProblem.OTHER_DAY,
        CheckInProblem.OTHER_BATCH,
        CheckInProblem.UNKNOWN_CODE,
        CheckInProblem.NOT_ENROLLED,
        CheckInProblem.NOT_TRAINING_DAY,
    }
)


class CheckInRefused(DomainError):
    keys: ClassVar[dict[CheckInProblem, str]] = {
        CheckInProblem.NOT_ENROLLED: N_("checkin-error-not-enrolled"),
        CheckInProblem.NOT_TRAINING_DAY: N_("checkin-error-not-training-day"),
        CheckInProblem.OTHER_DAY: N_("checkin-error-other-day"),
        CheckInProblem.OTHER_BATCH: N_("checkin-error-other-batch"),
        CheckInProblem.TOO_EARLY: N_("checkin-error-too-early"),
        CheckInProblem.TOO_LATE: N_("checkin-error-too-late"),
        CheckInProblem.UNKNOWN_CODE: N_("checkin-error-unknown-code"),
        CheckInProblem.TOO_MANY: N_("checkin-error-too-many"),
        CheckInProblem.COMPLETED: N_("checkin-error-completed"),
    }

    def __init__(self, problem: CheckInProblem, **params: object) -> None:
        super().__init__(self.keys[problem], **params)
        self.problem = problem


@dataclass(frozen=True)
class Admission:
    """The batches' training calendars and codes, as check-in reads them."""

    keys: CheckInKeys
    rules: TrainingRules
    clock: Clock

    def days(self, batch: PlacedBatch) -> TrainingDays:
        return TrainingDays(
            batch.starts_at, batch.ends_at, batch.timezone, self.rules.training_weekdays
        )

    def today(self, batch: PlacedBatch) -> date:
        return self.clock.today_in(batch.timezone)

    def code_target(
        self, code: str, seats: list[Seat], around: list[PlacedBatch]
    ) -> tuple[int, date] | None:
        """The (batch, day) a typed code belongs to: a day of the person's own batches,
        else today at any batch running now; None for a code of nothing."""
        for seat in seats:
            for day in self.days(seat.batch).days():
                if self.keys.code_for(seat.batch.id, day) == code:
                    return seat.batch.id, day
        for batch in around:
            today = self.today(batch)
            if self.keys.code_for(batch.id, today) == code:
                return batch.id, today
        return None

    def admitted(
        self, seats: list[Seat], target: tuple[int, date] | None, now: datetime
    ) -> tuple[Seat, date]:
        """The seat and day to record, or the refusal that explains why not."""
        if not seats:
            raise CheckInRefused(CheckInProblem.NOT_ENROLLED)
        if target is None:
            if not any(self.days(s.batch).is_training_day(self.today(s.batch)) for s in seats):
                raise CheckInRefused(CheckInProblem.NOT_TRAINING_DAY)
            raise CheckInRefused(CheckInProblem.UNKNOWN_CODE)
        batch_id, day = target
        seat = next((s for s in seats if s.batch.id == batch_id), None)
        if seat is None:
            raise CheckInRefused(CheckInProblem.OTHER_BATCH)
        days, today = self.days(seat.batch), self.today(seat.batch)
        if not days.is_training_day(today):
            raise CheckInRefused(CheckInProblem.NOT_TRAINING_DAY)
        if day != today:
            raise CheckInRefused(CheckInProblem.OTHER_DAY)
        start, end = days.hours(day)
        tolerance = timedelta(minutes=self.rules.check_in_tolerance_minutes)
        moment = days.moment(day, now, tolerance)
        if moment is not Moment.OPEN:
            problem = (
                CheckInProblem.TOO_EARLY if moment is Moment.EARLY else CheckInProblem.TOO_LATE
            )
            raise CheckInRefused(
                problem,
                opens=f"{start - tolerance:%H.%M}",
                closes=f"{end + tolerance:%H.%M}",
                zone=start.tzname() or seat.batch.timezone,
            )
        return seat, day
