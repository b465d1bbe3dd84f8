"""Seats in batches: enrol, waitlist, cancel with promotion, reschedule — one transaction each.

Rules are enforced here (`bot.training.seat_rules`), not in the buttons: a forged or stale
button reaches the same checks (batch open, deadline, capacity, eligibility, one live
enrollment).
"""

from __future__ import annotations

from datetime import date
from typing import NoReturn
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.registration.personal_data import PersonalDataCipher
from bot.registration.service import NotRegistered
from bot.training.eligibility import EligibilityRules
from bot.training.placements import (
    BatchView,
    Cancellation,
    Finished,
    Move,
    Placement,
    batch_view,
)
from bot.training.programmes import Programmes, packaged_programmes
from bot.training.reminders import AttendanceAnswer, ReminderPlan, plan_reminders, save_attendance
from bot.training.seat_rules import (
    AlreadyEnrolled,
    BatchFull,
    NothingToCancel,
    TrainingFinished,
    bookable,
    check_eligible,
)
from bot.training.waitlist import SeatTaken, release, take_seat, waitlist_order
from storage.completion_repository import CompletionRepository
from storage.database import Database
from storage.enrollment_repository import (
    ACTIVE,
    WAITLISTED,
    BatchRepository,
    EnrollmentRepository,
)
from storage.models import Batch, Enrollment, Registration
from storage.repositories import Repositories


class EnrollmentService:
    def __init__(
        self,
        db: Database,
        cipher: PersonalDataCipher,
        rules: EligibilityRules,
        default_timezone: str = "Asia/Jakarta",
        clock: Clock | None = None,
        reminders: ReminderPlan | None = None,
        programmes: Programmes | None = None,
    ) -> None:
        """`cipher` reads the birth date, which eligibility on a batch's first day needs;
        `rules` are those of every programme that has none of its own (`programmes`)."""
        self._db = db
        self._cipher = cipher
        self.rules = rules
        self.programmes = programmes or packaged_programmes()
        self.waitlist_order = waitlist_order(rules)
        self._default_timezone = default_timezone
        self.clock = clock or Clock(default_timezone)
        self.reminders = reminders or ReminderPlan(fallback_zone=default_timezone)

    def today(self) -> date:
        """Today in the programme's default zone, for checks not tied to a batch."""
        return self.clock.today()

    async def open_batches(self, blk_id: str) -> list[BatchView]:
        async with self._db.transaction() as session:
            batches = BatchRepository(session)
            rows = await batches.open_for_blk(blk_id, self.clock.now())
            return [await self._view_of(batches, row) for row in rows]

    async def batch(self, batch_id: int) -> BatchView | None:
        async with self._db.transaction() as session:
            batches = BatchRepository(session)
            row = await batches.get(batch_id)
            return await self._view_of(batches, row) if row else None

    async def placement(self, telegram_id: int) -> Placement | None:
        async with self._db.transaction() as session:
            registration = await Repositories(session).registrations.by_telegram_id(telegram_id)
            if registration is None:
                return None
            enrollments = EnrollmentRepository(session)
            live = await enrollments.live_for(registration.id)
            if live is None:
                return None
            return await self._placement(session, live)

    async def finished(self, telegram_id: int) -> Finished | None:
        """The person's seat in the batch completed last, with its result."""
        async with self._db.transaction() as session:
            registration = await Repositories(session).registrations.by_telegram_id(telegram_id)
            if registration is None:
                return None
            return await self._finished(session, registration)

    async def _finished(self, session: AsyncSession, registration: Registration) -> Finished | None:
        seat = await EnrollmentRepository(session).last_completed(registration.id)
        if seat is None:
            return None
        batches = BatchRepository(session)
        view = await self._view_of(batches, await batches.get(seat.batch_id))
        return Finished(view, await CompletionRepository(session).result(seat.id))

    async def _nothing_to_change(
        self, session: AsyncSession, registration: Registration
    ) -> NoReturn:
        """No live place: a finished training is said so; otherwise there is nothing."""
        if await EnrollmentRepository(session).last_completed(registration.id):
            raise TrainingFinished
        raise NothingToCancel

    async def enroll(self, telegram_id: int, batch_id: int, *, waitlist: bool) -> Placement:
        """Take a seat, or a waitlist place when full and `waitlist` is set."""
        try:
            async with self._db.transaction() as session:
                registration = await self._registration(session, telegram_id)
                enrollments = EnrollmentRepository(session)
                if await enrollments.live_for(registration.id):
                    raise AlreadyEnrolled
                status = await self._take_place(session, registration, batch_id, waitlist=waitlist)
                enrollment = Enrollment(
                    registration_id=registration.id, batch_id=batch_id, status=status
                )
                enrollments.add(enrollment)
                await session.flush()
                if status == ACTIVE:
                    await plan_reminders(
                        session, enrollment, telegram_id, self.reminders, self.clock.now()
                    )
                return await self._placement(session, enrollment)
        except IntegrityError:
            # A concurrent request of the same person won the one-live-enrollment index.
            raise AlreadyEnrolled from None

    async def cancel(self, telegram_id: int) -> Cancellation:
        """Give up the seat or waitlist place; the first waitlisted person gets the seat."""
        async with self._db.transaction() as session:
            return await self.cancel_in(session, await self._registration(session, telegram_id))

    async def cancel_in(self, session: AsyncSession, registration: Registration) -> Cancellation:
        """`cancel` inside the caller's transaction (coordinators cancel for a person)."""
        live = await EnrollmentRepository(session).live_for(registration.id)
        if live is None:
            await self._nothing_to_change(session, registration)
        waitlisted = live.status == WAITLISTED  # before the release marks it cancelled
        try:
            promoted = await self._release(session, live)
        except SeatTaken:
            raise NothingToCancel from None
        batches = BatchRepository(session)
        view = await self._view_of(batches, await batches.get(live.batch_id))
        return Cancellation(view, promoted, waitlisted=waitlisted)

    async def reschedule(self, telegram_id: int, batch_id: int) -> Move:
        """Move to another batch in one step; if it is full the old seat is kept."""
        async with self._db.transaction() as session:
            registration = await self._registration(session, telegram_id)
            return await self.reschedule_in(session, registration, batch_id)

    async def reschedule_in(
        self, session: AsyncSession, registration: Registration, batch_id: int
    ) -> Move:
        """`reschedule` inside the caller's transaction (coordinators move a person)."""
        live = await EnrollmentRepository(session).live_for(registration.id)
        if live is None:
            await self._nothing_to_change(session, registration)
        if live.batch_id == batch_id:
            raise AlreadyEnrolled
        status = await self._take_place(session, registration, batch_id, waitlist=False)
        try:
            promoted = await self._release(session, live)
        except SeatTaken:
            raise NothingToCancel from None
        await session.flush()  # the old place is cancelled before the new one exists
        moved = Enrollment(registration_id=registration.id, batch_id=batch_id, status=status)
        session.add(moved)
        await session.flush()
        await plan_reminders(
            session, moved, registration.telegram_id, self.reminders, self.clock.now()
        )
        return Move(await self._placement(session, moved), promoted)

    async def active_placement(self, enrollment_id: int) -> Placement | None:
        """The seat a reminder or promotion notice is about; None once it was given up."""
        async with self._db.transaction() as session:
            enrollment = await session.get(Enrollment, enrollment_id)
            if enrollment is None or enrollment.status != ACTIVE:
                return None
            return await self._placement(session, enrollment)

    async def record_attendance(
        self, telegram_id: int, enrollment_id: int, answer: AttendanceAnswer
    ) -> bool:
        """Store the answer to a reminder; False when the button is not this person's
        live seat (forged, or the seat was cancelled or moved since)."""
        async with self._db.transaction() as session:
            registration = await Repositories(session).registrations.by_telegram_id(telegram_id)
            enrollment = await session.get(Enrollment, enrollment_id)
            if (
                registration is None
                or enrollment is None
                or enrollment.registration_id != registration.id
                or enrollment.status != ACTIVE
            ):
                return False
            await save_attendance(session, enrollment_id, answer, self.clock.now())
            return True

    # -- helpers (all inside the caller's transaction) --

    async def _release(self, session: AsyncSession, live: Enrollment) -> int | None:
        return await release(
            session, live, order=self.waitlist_order, plan=self.reminders, now=self.clock.now()
        )

    async def _registration(self, session: AsyncSession, telegram_id: int) -> Registration:
        registration = await Repositories(session).registrations.by_telegram_id(telegram_id)
        if registration is None:
            raise NotRegistered
        return registration

    async def _take_place(
        self, session: AsyncSession, registration: Registration, batch_id: int, *, waitlist: bool
    ) -> str:
        """The status of the place just taken for `registration` in an open batch it
        qualifies for: a seat, else a waitlist place if `waitlist`; `BatchFull` otherwise."""
        batch = await bookable(session, batch_id, self.clock)
        await self._check_eligible(session, registration, batch)
        status = await take_seat(session, batch.id, waitlist=waitlist)
        if status is None:
            raise BatchFull
        return status

    async def _check_eligible(
        self, session: AsyncSession, registration: Registration, batch: Batch
    ) -> None:
        """Age counts on the first day of the batch, in the BLK's own time zone."""
        view = await self._view_of(BatchRepository(session), batch)
        start_day = batch.starts_at.astimezone(ZoneInfo(view.timezone)).date()
        rules = self.programmes.rules_for(batch.programme, self.rules)
        check_eligible(registration, self._cipher, rules, start_day)

    async def _placement(self, session: AsyncSession, enrollment: Enrollment) -> Placement:
        batches = BatchRepository(session)
        view = await self._view_of(batches, await batches.get(enrollment.batch_id))
        position = None
        if enrollment.status == WAITLISTED:
            position = await EnrollmentRepository(session).waitlist_position(
                enrollment.id, enrollment.batch_id, self.waitlist_order
            )
        return Placement(enrollment.status, position, view)

    async def _view_of(self, batches: BatchRepository, row: Batch) -> BatchView:
        return await batch_view(batches, row, self._default_timezone)
