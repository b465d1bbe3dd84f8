"""Eligibility rules engine: who may join a batch, who gets priority, what is still unknown.

The programme has not published eligibility thresholds, so every rule is a setting
(`bot.training.eligibility_rules`). :func:`assess` returns a verdict and
*all* the reasons behind it as enum members; texts for users are produced elsewhere.

It works before registration too: a missing answer is reported (``MISSING_*``) only when it
could still change the verdict, so a conversation can ask exactly those, one at a time,
re-assessing after each answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum, auto

from bot.registration.participants import BusinessStatus
from bot.training.eligibility_rules import ALL_BUSINESS, EligibilityRules, RulesError, WaitlistRule

__all__ = [
    "BLOCKING_REASONS",
    "MISSING_REASONS",
    "PRIORITY_REASONS",
    "Applicant",
    "Assessment",
    "EligibilityRules",
    "Reason",
    "RulesError",
    "Verdict",
    "WaitlistRule",
    "assess",
]


class Verdict(StrEnum):
    """The outcome of an assessment."""

    #: May register; no priority applies.
    ELIGIBLE = auto()
    #: May register and belongs to a priority group (see the PRIORITY_* reasons).
    PRIORITY = auto()
    #: May not register; every blocking reason is listed.
    NOT_ELIGIBLE = auto()
    #: Answers that could still change the verdict are missing (the MISSING_* reasons).
    INCOMPLETE = auto()


class Reason(StrEnum):
    """Why an assessment came out as it did, in the order reasons are listed."""

    # Blocking: any of these makes the verdict NOT_ELIGIBLE.
    #: Younger than ``min_age`` on the day assessed.
    TOO_YOUNG = auto()
    #: Older than ``max_age`` on the day assessed.
    TOO_OLD = auto()
    #: The birth date (from the NIK) is after the day assessed, so no age can be given:
    #: the NIK should be checked.
    BIRTH_DATE_INVALID = auto()
    #: The business status is not in ``allowed_business``.
    BUSINESS_NOT_ALLOWED = auto()
    #: Already has ``max_live_enrollments`` live enrolments.
    ALREADY_ENROLLED = auto()

    # Missing: only with INCOMPLETE; ask these, in this order.
    #: The birth date (NIK) is needed to check the age limits.
    MISSING_BIRTH_DATE = auto()
    #: The business status is needed (it may be excluded, or give priority).
    MISSING_BUSINESS = auto()
    #: Whether the person was affected by PHK is needed (it may give priority).
    MISSING_PHK = auto()

    # Priority: with PRIORITY (or alongside other verdicts, for information).
    #: The business status is in ``priority_business`` (micro/small by default).
    PRIORITY_BUSINESS = auto()
    #: Affected by PHK while ``phk_priority`` is on.
    PRIORITY_PHK = auto()

    # Information.
    #: The age is within the limits.
    AGE_OK = auto()
    #: The business status is allowed but not a priority one (e.g. medium, or no business).
    BUSINESS_NOT_PRIORITY = auto()


BLOCKING_REASONS: frozenset[Reason] = frozenset(
    {
        Reason.TOO_YOUNG,
        Reason.TOO_OLD,
        Reason.BIRTH_DATE_INVALID,
        Reason.BUSINESS_NOT_ALLOWED,
        Reason.ALREADY_ENROLLED,
    }
)
MISSING_REASONS: frozenset[Reason] = frozenset(
    {Reason.MISSING_BIRTH_DATE, Reason.MISSING_BUSINESS, Reason.MISSING_PHK}
)
PRIORITY_REASONS: frozenset[Reason] = frozenset({Reason.PRIORITY_BUSINESS, Reason.PRIORITY_PHK})


@dataclass(frozen=True)
class Applicant:
    """What is known about a person so far; None = not answered yet."""

    birth_date: date | None
    business_status: BusinessStatus | None
    phk_affected: bool | None
    live_enrollments: int = 0

    def __post_init__(self) -> None:
        if self.live_enrollments < 0:
            raise ValueError("live_enrollments must not be negative")


@dataclass(frozen=True)
class Assessment:
    """A verdict, all its reasons (blocking, missing, priority, information) and the numbers
    a text may quote."""

    verdict: Verdict
    reasons: tuple[Reason, ...]
    age: int | None
    min_age: int
    max_age: int | None
    max_live_enrollments: int

    @property
    def blocking(self) -> tuple[Reason, ...]:
        return tuple(r for r in self.reasons if r in BLOCKING_REASONS)

    @property
    def missing(self) -> tuple[Reason, ...]:
        """The answers to ask for next, in order; empty unless the verdict is INCOMPLETE."""
        return tuple(r for r in self.reasons if r in MISSING_REASONS)

    @property
    def priority(self) -> tuple[Reason, ...]:
        return tuple(r for r in self.reasons if r in PRIORITY_REASONS)


def _age(born: date, day: date) -> int:
    """Completed years on ``day``; a 29 Feb birthday counts from 1 Mar in common years."""
    return day.year - born.year - int((day.month, day.day) < (born.month, born.day))


def assess(rules: EligibilityRules, applicant: Applicant, on: date) -> Assessment:
    """Assess ``applicant`` on ``on`` (the batch start date, or today if no batch is chosen).

    A known blocking reason decides NOT_ELIGIBLE (nothing more to ask); otherwise any missing
    answer that could still block or give priority makes it INCOMPLETE; otherwise PRIORITY
    when a priority reason applies, else ELIGIBLE.
    """
    found: set[Reason] = set()
    age: int | None = None

    born = applicant.birth_date
    if born is not None and born > on:
        found.add(Reason.BIRTH_DATE_INVALID)
    elif born is not None:
        age = _age(born, on)
        if age < rules.min_age:
            found.add(Reason.TOO_YOUNG)
        elif rules.max_age is not None and age > rules.max_age:
            found.add(Reason.TOO_OLD)
        else:
            found.add(Reason.AGE_OK)

    business = applicant.business_status
    if business is not None:
        if business not in rules.allowed_business:
            found.add(Reason.BUSINESS_NOT_ALLOWED)
        elif business in rules.priority_business:
            found.add(Reason.PRIORITY_BUSINESS)
        elif rules.priority_business:
            found.add(Reason.BUSINESS_NOT_PRIORITY)

    if rules.phk_priority and applicant.phk_affected:
        found.add(Reason.PRIORITY_PHK)

    if applicant.live_enrollments >= rules.max_live_enrollments:
        found.add(Reason.ALREADY_ENROLLED)

    has_priority = bool(found & PRIORITY_REASONS)
    if born is None and (rules.min_age > 0 or rules.max_age is not None):
        found.add(Reason.MISSING_BIRTH_DATE)
    if business is None and (
        rules.allowed_business != ALL_BUSINESS or (rules.priority_business and not has_priority)
    ):
        found.add(Reason.MISSING_BUSINESS)
    if applicant.phk_affected is None and rules.phk_priority and not has_priority:
        found.add(Reason.MISSING_PHK)

    if found & BLOCKING_REASONS:
        verdict = Verdict.NOT_ELIGIBLE
        found -= MISSING_REASONS
    elif found & MISSING_REASONS:
        verdict = Verdict.INCOMPLETE
    elif has_priority:
        verdict = Verdict.PRIORITY
    else:
        verdict = Verdict.ELIGIBLE

    return Assessment(
        verdict=verdict,
        reasons=tuple(reason for reason in Reason if reason in found),
        age=age,
        min_age=rules.min_age,
        max_age=rules.max_age,
        max_live_enrollments=rules.max_live_enrollments,
    )
