"""Who may take a seat in which batch, and the refusals that say why not.

The checks run inside the enrolling transaction whatever the buttons showed, so a forged
or stale button reaches the same rules (batch open, deadline, capacity, eligibility, one
live enrollment).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import ClassVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.errors import N_, DomainError
from bot.registration.participants import BusinessStatus
from bot.registration.personal_data import PersonalDataCipher
from bot.registration.service import birth_date_of
from bot.training.eligibility import Applicant, Assessment, EligibilityRules, Verdict, assess
from storage.enrollment_repository import BatchRepository
from storage.models import Batch, Registration


class Unavailable(StrEnum):
    NOT_FOUND = "not_found"
    CLOSED = "closed"
    CANCELLED = "cancelled"
    DEADLINE_PASSED = "deadline_passed"
    STARTED = "started"


class BatchUnavailable(DomainError):
    keys: ClassVar[dict[Unavailable, str]] = {
        Unavailable.NOT_FOUND: N_("batch-unavailable-not-found"),
        Unavailable.CLOSED: N_("batch-unavailable-closed"),
        Unavailable.CANCELLED: N_("batch-unavailable-cancelled"),
        Unavailable.DEADLINE_PASSED: N_("batch-unavailable-deadline"),
        Unavailable.STARTED: N_("batch-unavailable-started"),
    }

    def __init__(self, reason: Unavailable) -> None:
        super().__init__(self.keys[reason])
        self.reason = reason


class NotEligible(DomainError):
    """The verdict on the batch's first day; handlers show it with every reason."""

    key = N_("elig-not-eligible")

    def __init__(self, assessment: Assessment) -> None:
        super().__init__()
        self.assessment = assessment


class AlreadyEnrolled(DomainError):
    """The person already holds a seat or a waitlist place."""

    key = N_("batch-already-enrolled")


class BatchFull(DomainError):
    """No seat left, and the caller did not ask for the waitlist."""

    key = N_("batch-full")


class NothingToCancel(DomainError):
    """No seat or waitlist place to give up (or a concurrent request gave it up first)."""

    key = N_("schedule-none")


class TrainingFinished(DomainError):
    """Cancel or move pressed on a seat whose batch was completed: nothing to give up."""

    key = N_("schedule-finished-no-change")


async def bookable(session: AsyncSession, batch_id: int, clock: Clock) -> Batch:
    """The batch, if a seat may be taken in it now. Locked, so a coordinator cancelling or
    closing it waits for this seat, or this seat for them (and then sees it cancelled)."""
    batch = await BatchRepository(session).locked(batch_id)
    now = clock.now()
    if batch is None:
        raise BatchUnavailable(Unavailable.NOT_FOUND)
    if batch.status == "cancelled":
        raise BatchUnavailable(Unavailable.CANCELLED)
    if batch.status != "open":
        raise BatchUnavailable(Unavailable.CLOSED)
    if batch.starts_at <= now:
        raise BatchUnavailable(Unavailable.STARTED)
    if batch.registration_deadline <= now:
        raise BatchUnavailable(Unavailable.DEADLINE_PASSED)
    return batch


def check_eligible(
    registration: Registration,
    cipher: PersonalDataCipher,
    rules: EligibilityRules,
    start_day: date,
) -> None:
    """`NotEligible` unless the person qualifies under `rules` on the batch's first day
    (in the BLK's own time zone: that is the day age counts on)."""
    applicant = Applicant(
        birth_date=birth_date_of(registration.birth_date_cipher, cipher),
        business_status=BusinessStatus(registration.business_status),
        phk_affected=registration.phk_affected,
    )
    assessment = assess(rules, applicant, start_day)
    if assessment.verdict not in (Verdict.ELIGIBLE, Verdict.PRIORITY):
        raise NotEligible(assessment)
