"""What a batch must satisfy, as coordinators create or edit it in chat; pure, no database.

Each answer of the guided conversation is read and checked on its own (`read_*`), and
the service checks the whole plan again (`check_plan`) before it saves: a forged or
stale conversation reaches the same rules. Dates are calendar days and hours clock
times in the BLK's own zone; "today" is today there.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, fields, replace
from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import ClassVar
from zoneinfo import ZoneInfo

from bot.errors import N_, DomainError
from bot.training.batch_csv import MAX_CAPACITY, MAX_LENGTHS
from bot.training.typed_dates import parse_day, parse_hours

MAX_TITLE = MAX_LENGTHS["title"]
MIN_TITLE = 3
# Registration closes at the end of the deadline day, BLK time.
END_OF_DAY = time(23, 59, 59)


class BatchField(StrEnum):
    """A field coordinators set; the values are stored in conversations and buttons."""

    TITLE = "title"
    FIRST_DAY = "first"
    LAST_DAY = "last"
    HOURS = "hours"
    CAPACITY = "cap"
    DEADLINE = "deadline"


class BatchProblem(StrEnum):
    TITLE_LENGTH = "title_length"
    UNREADABLE_DATE = "unreadable_date"
    UNREADABLE_HOURS = "unreadable_hours"
    UNREADABLE_CAPACITY = "unreadable_capacity"
    IN_PAST = "in_past"
    END_BEFORE_START = "end_before_start"
    HOURS_REVERSED = "hours_reversed"
    CAPACITY_RANGE = "capacity_range"
    BELOW_SEATS_TAKEN = "below_seats_taken"
    DEADLINE_AFTER_START = "deadline_after_start"
    DEADLINE_PASSED = "deadline_passed"


class BatchRefused(DomainError):
    """An answer or a plan that breaks a rule; `.problem` says which."""

    keys: ClassVar[dict[BatchProblem, str]] = {
        BatchProblem.TITLE_LENGTH: N_("batch-admin-error-title-length"),
        BatchProblem.UNREADABLE_DATE: N_("batch-admin-error-date"),
        BatchProblem.UNREADABLE_HOURS: N_("batch-admin-error-hours"),
        BatchProblem.UNREADABLE_CAPACITY: N_("batch-admin-error-capacity"),
        BatchProblem.IN_PAST: N_("batch-admin-error-in-past"),
        BatchProblem.END_BEFORE_START: N_("batch-admin-error-end-before-start"),
        BatchProblem.HOURS_REVERSED: N_("batch-admin-error-hours-reversed"),
        BatchProblem.CAPACITY_RANGE: N_("batch-admin-error-capacity-range"),
        BatchProblem.BELOW_SEATS_TAKEN: N_("batch-admin-error-below-seats"),
        BatchProblem.DEADLINE_AFTER_START: N_("batch-admin-error-deadline-after-start"),
        BatchProblem.DEADLINE_PASSED: N_("batch-admin-error-deadline-passed"),
    }
    # The same limits in every message, so the catalog texts need not repeat numbers.
    LIMITS: ClassVar[dict[str, int]] = {
        "min_title": MIN_TITLE,
        "max_title": MAX_TITLE,
        "max_capacity": MAX_CAPACITY,
    }

    def __init__(self, problem: BatchProblem, **params: object) -> None:
        super().__init__(self.keys[problem], **self.LIMITS, **params)
        self.problem = problem


@dataclass(frozen=True)
class BatchPlan:
    """A batch as the coordinator set it: days and hours local to the BLK."""

    title: str
    first_day: date
    last_day: date
    daily_start: time
    daily_end: time
    capacity: int
    deadline: date

    def instants(self, zone: str) -> dict[str, datetime]:
        """The batch's columns as stored: UTC instants of the first hour of the first day,
        the last hour of the last day and the end of the deadline day, in `zone`."""
        tz = ZoneInfo(zone)

        def utc(day: date, clock: time) -> datetime:
            return datetime.combine(day, clock, tz).astimezone(UTC)

        return {
            "starts_at": utc(self.first_day, self.daily_start),
            "ends_at": utc(self.last_day, self.daily_end),
            "registration_deadline": utc(self.deadline, END_OF_DAY),
        }

    @classmethod
    def of(
        cls,
        *,
        title: str,
        starts_at: datetime,
        ends_at: datetime,
        registration_deadline: datetime,
        capacity: int,
        zone: str,
    ) -> BatchPlan:
        """A stored batch in the BLK's calendar and clock again."""
        tz = ZoneInfo(zone)
        starts, ends = starts_at.astimezone(tz), ends_at.astimezone(tz)
        return cls(
            title=title,
            first_day=starts.date(),
            last_day=ends.date(),
            daily_start=starts.time(),
            daily_end=ends.time(),
            capacity=capacity,
            deadline=registration_deadline.astimezone(tz).date(),
        )

    def to_json(self) -> dict[str, object]:
        """For a conversation's data: dates and times as ISO text."""
        return encode(vars(self))

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> BatchPlan:
        return cls(**decode(data))

    def with_answer(self, answer: Mapping[str, object]) -> BatchPlan:
        """This plan with one field replaced by an answer (`read_answer`)."""
        return replace(self, **answer)


def encode(values: Mapping[str, object]) -> dict[str, object]:
    return {
        name: value.isoformat() if isinstance(value, date | time) else value
        for name, value in values.items()
    }


_DAYS = frozenset({"first_day", "last_day", "deadline"})
_CLOCKS = frozenset({"daily_start", "daily_end"})


def decode(data: Mapping[str, object]) -> dict[str, object]:
    """Answers stored by `encode`, typed again; names that are not fields are left out."""
    names = {field.name for field in fields(BatchPlan)}
    return {
        name: date.fromisoformat(str(value))
        if name in _DAYS
        else time.fromisoformat(str(value))
        if name in _CLOCKS
        else value
        for name, value in data.items()
        if name in names
    }


def read_answer(
    field: BatchField,
    text: str,
    *,
    today: date,
    first_day: date | None = None,
    seats_taken: int = 0,
) -> dict[str, object]:
    """One answer of the conversation, read and checked against the answers it depends
    on (`first_day`); the plan's attributes it sets. A button sends the text it shows."""
    if field is BatchField.TITLE:
        return {"title": read_title(text)}
    if field is BatchField.HOURS:
        start, end = read_hours(text)
        return {"daily_start": start, "daily_end": end}
    if field is BatchField.CAPACITY:
        return {"capacity": read_capacity(text, seats_taken)}
    day = read_day(text, today)
    if field is BatchField.FIRST_DAY:
        check_first_day(day, today)
        return {"first_day": day}
    assert first_day is not None, "the first day is asked before"
    if field is BatchField.LAST_DAY:
        check_last_day(day, first_day)
        return {"last_day": day}
    check_deadline(day, first_day, today)
    return {"deadline": day}


def read_title(text: str) -> str:
    title = " ".join(text.split())
    if not MIN_TITLE <= len(title) <= MAX_TITLE:
        raise BatchRefused(BatchProblem.TITLE_LENGTH)
    return title


def read_day(text: str, today: date) -> date:
    day = parse_day(text, today)
    if day is None:
        raise BatchRefused(BatchProblem.UNREADABLE_DATE)
    return day


def read_hours(text: str) -> tuple[time, time]:
    hours = parse_hours(text)
    if hours is None:
        raise BatchRefused(BatchProblem.UNREADABLE_HOURS)
    check_hours(*hours)
    return hours


def read_capacity(text: str, seats_taken: int = 0) -> int:
    digits = text.strip().removesuffix("orang").strip()
    if not digits.isdigit():
        raise BatchRefused(BatchProblem.UNREADABLE_CAPACITY)
    check_capacity(int(digits), seats_taken)
    return int(digits)


def check_first_day(first_day: date, today: date) -> None:
    if first_day < today:
        raise BatchRefused(BatchProblem.IN_PAST, day=first_day)


def check_last_day(last_day: date, first_day: date) -> None:
    if last_day < first_day:
        raise BatchRefused(BatchProblem.END_BEFORE_START, day=last_day, first_day=first_day)


def check_hours(start: time, end: time) -> None:
    if end <= start:
        raise BatchRefused(BatchProblem.HOURS_REVERSED)


def check_capacity(capacity: int, seats_taken: int) -> None:
    if not 1 <= capacity <= MAX_CAPACITY:
        raise BatchRefused(BatchProblem.CAPACITY_RANGE)
    if capacity < seats_taken:
        raise BatchRefused(BatchProblem.BELOW_SEATS_TAKEN, seats_taken=seats_taken)


def check_deadline(deadline: date, first_day: date, today: date | None) -> None:
    """`today` None: a deadline kept as it was may have passed (registration closed)."""
    if deadline > first_day:
        raise BatchRefused(BatchProblem.DEADLINE_AFTER_START, day=deadline, first_day=first_day)
    if today is not None and deadline < today:
        raise BatchRefused(BatchProblem.DEADLINE_PASSED, day=deadline)


def check_plan(
    plan: BatchPlan, *, today: date, seats_taken: int, changed: Collection[BatchField]
) -> None:
    """Every rule, in the order the conversation asks. Dates may only lie in the past
    where they are not being set now: editing the capacity of a running batch is fine."""
    read_title(plan.title)
    if BatchField.FIRST_DAY in changed:
        check_first_day(plan.first_day, today)
    check_last_day(plan.last_day, plan.first_day)
    check_hours(plan.daily_start, plan.daily_end)
    check_capacity(plan.capacity, seats_taken)
    check_deadline(plan.deadline, plan.first_day, today if BatchField.DEADLINE in changed else None)
