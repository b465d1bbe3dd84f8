"""Attendance check-in: a participant checks in for today's training day of their seat
with the code the coordinator shows in class, typed or scanned as a QR deep link; the
coordinator sees the day's list and marks anyone present or absent by hand.

Which seat and day a code admits, and the refusals that say why not, are in
`bot.training.check_in_admission`. Every wrong code counts against the person's hourly
limit (`check_in_misses_per_hour`), counted in the database under a keyed hash of the
account, so restarts and several processes share it and /hapusdata does not reset it.
Days and hours are the BLK's own (WIB, WITA, WIT). A coordinator's batch is checked
against their scope in the same transaction, and every hand mark is audited.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from bot.audit import AuditAction, record
from bot.clock import Clock
from bot.coordinators.rosters import RosterService
from bot.errors import NotPermitted
from bot.training.check_in_admission import MISSES, Admission, CheckInProblem, CheckInRefused
from bot.training.check_in_codes import CheckInKeys, DayCode, TrainingDays
from bot.training.training_rules import TrainingRules
from storage.check_in_repository import CheckInRepository, DayEntry, PlacedBatch
from storage.completion_repository import CompletionRepository
from storage.database import Database

HOUR, DAY = timedelta(hours=1), timedelta(days=1)


class Method(StrEnum):
    """How a check-in was recorded; the values are stored."""

    CODE = "code"
    LINK = "link"
    STAFF = "staff"


@dataclass(frozen=True)
class CheckedIn:
    """A check-in recorded; `already` when the day had one before (nothing changed)."""

    batch: PlacedBatch
    day: date
    already: bool


@dataclass(frozen=True)
class DaySheet:
    """A batch's training day as the coordinator sees it: the code and everyone seated.
    `previous` and `following` are the training days around it up to today (None at the
    ends); `completed` once the batch's results were computed (marks are refused)."""

    batch: PlacedBatch
    day: date
    starts: datetime
    ends: datetime
    code: DayCode
    entries: list[DayEntry]
    today: bool = True
    previous: date | None = None
    following: date | None = None
    completed: bool = False

    @property
    def present(self) -> int:
        return sum(1 for entry in self.entries if entry.present)


class CheckInService:
    def __init__(
        self,
        db: Database,
        rosters: RosterService,
        keys: CheckInKeys,
        rules: TrainingRules,
        account_of: Callable[[int], str],
        clock: Clock,
    ) -> None:
        """`account_of` turns a Telegram id into the keyed hash its misses are counted by."""
        self._db = db
        self._rosters = rosters
        self.keys = keys
        self.rules = rules
        self._account_of = account_of
        self.clock = clock
        self._admission = Admission(keys, rules, clock)

    def days(self, batch: PlacedBatch) -> TrainingDays:
        return self._admission.days(batch)

    def today(self, batch: PlacedBatch) -> date:
        return self._admission.today(batch)

    async def by_code(self, telegram_id: int, code: str) -> CheckedIn:
        """Check in with a typed code (already read by `read_code`)."""
        return await self._check_in(telegram_id, code=code)

    async def by_link(self, telegram_id: int, payload: str) -> CheckedIn:
        """Check in from the QR code's deep link; a forged payload counts as a wrong code."""
        return await self._check_in(telegram_id, target=self.keys.read_payload(payload))

    async def _check_in(
        self, telegram_id: int, *, code: str | None = None, target: tuple[int, date] | None = None
    ) -> CheckedIn:
        account, now = self._account_of(telegram_id), self.clock.now()
        refusal: CheckInRefused | None = None
        async with self._db.transaction() as session:
            repository = CheckInRepository(session)
            await repository.prune_misses(before=now - DAY)
            if (
                await repository.misses_after(account, now - HOUR)
                >= self.rules.check_in_misses_per_hour
            ):
                raise CheckInRefused(CheckInProblem.TOO_MANY)
            seats = await repository.seats_of(telegram_id)
            if code is not None:
                around = await repository.batches_around(now)
                target = self._admission.code_target(code, seats, around)
            try:
                seat, day = self._admission.admitted(seats, target, now)
            except CheckInRefused as exc:
                if exc.problem in MISSES:
                    repository.miss(account, now)
                refusal = exc
            else:
                done = await repository.get(seat.enrollment_id, day)
                if done is None or not done.present:
                    method = Method.CODE if code is not None else Method.LINK
                    await repository.record(
                        seat.enrollment_id, day, present=True, method=method, at=now
                    )
                return CheckedIn(seat.batch, day, already=bool(done and done.present))
        raise refusal

    async def day_sheet(self, actor: int, batch_id: int, day: date | None = None) -> DaySheet:
        """A training day's list of a batch in the actor's scope (today's, or the latest
        one before today, when `day` is None), with today's code; audited as a view."""
        async with self._db.transaction() as session:
            sheet = await self._sheet(session, actor, batch_id, day)
            record(
                session,
                actor,
                AuditAction.CHECK_IN_VIEWED,
                batch_id=batch_id,
                day=sheet.day.isoformat(),
                rows=len(sheet.entries),
            )
            return sheet

    async def mark(
        self,
        actor: int,
        batch_id: int,
        enrollment_id: int,
        present: bool,
        day: date | None = None,
    ) -> DaySheet:
        """A coordinator marks a seated participant present or absent on a training day up
        to today (a day forgotten can be put right until the batch is completed); audited."""
        async with self._db.transaction() as session:
            sheet = await self._sheet(session, actor, batch_id, day)
            if sheet.completed:
                raise CheckInRefused(CheckInProblem.COMPLETED)
            repository = CheckInRepository(session)
            if not await repository.seated(batch_id, enrollment_id):
                raise NotPermitted
            await repository.record(
                enrollment_id,
                sheet.day,
                present=present,
                method=Method.STAFF,
                at=self.clock.now(),
                marked_by=actor,
            )
            record(
                session,
                actor,
                AuditAction.CHECK_IN_MARKED,
                batch_id=batch_id,
                enrollment_id=enrollment_id,
                day=sheet.day.isoformat(),
                present=present,
            )
            return await self._sheet(session, actor, batch_id, sheet.day)

    async def scoped_batch(self, session: AsyncSession, actor: int, batch_id: int) -> PlacedBatch:
        """The batch if the actor's scope holds it (`NotInScope` otherwise, like a stale
        button), read in the caller's transaction."""
        scope = await self._rosters.scope_in(session, actor)
        summary = await self._rosters.batch_in(session, scope, batch_id)
        return PlacedBatch(
            summary.id,
            summary.title,
            summary.blk_name,
            summary.status,
            summary.starts_at,
            summary.ends_at,
            summary.timezone,
        )

    async def _sheet(
        self, session: AsyncSession, actor: int, batch_id: int, day: date | None
    ) -> DaySheet:
        """The day's sheet; `NOT_TRAINING_DAY` for a cancelled batch, a day that is not one
        of its training days, or one still ahead."""
        batch = await self.scoped_batch(session, actor, batch_id)
        days, today = self.days(batch), self.today(batch)
        so_far = [d for d in days.days() if d <= today]
        if day is None and so_far:
            day = so_far[-1]
        if batch.status == "cancelled" or day not in so_far:
            raise CheckInRefused(CheckInProblem.NOT_TRAINING_DAY)
        assert day is not None
        at = so_far.index(day)
        starts, ends = days.hours(day)
        return DaySheet(
            batch,
            day,
            starts,
            ends,
            self.keys.day_code(batch_id, day),
            await CheckInRepository(session).day_sheet(batch_id, day),
            today=day == today,
            previous=so_far[at - 1] if at > 0 else None,
            following=so_far[at + 1] if at + 1 < len(so_far) else None,
            completed=await CompletionRepository(session).completion(batch_id) is not None,
        )
