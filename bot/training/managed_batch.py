"""A batch as its coordinators manage it, and the states in which it no longer changes.

A cancelled batch stays as it was (people were told, seats are gone); a completed one
too (its seats hold results, and its certificates state its programme, dates and hours).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import N_, DomainError
from bot.training.batch_rules import BatchPlan
from bot.training.programmes import DEFAULT_PROGRAMME
from storage.batch_admin_repository import BlkPlace
from storage.completion_repository import CompletionRepository
from storage.models import Batch

__all__ = [
    "CANCELLED",
    "CLOSED",
    "OPEN",
    "BatchCancelled",
    "BatchCompleted",
    "BlkOptions",
    "BlkPlace",
    "CancelOutcome",
    "ManagedBatch",
    "plan_of",
    "refuse_finished",
]

OPEN, CLOSED, CANCELLED = "open", "closed", "cancelled"


class BatchCancelled(DomainError):
    """A cancelled batch stays as it was: people were told, seats are gone."""

    key = N_("batch-admin-already-cancelled")


class BatchCompleted(DomainError):
    """A completed batch stays as it was: its seats hold results, and its certificates
    state its programme, dates and hours."""

    key = N_("batch-admin-completed")


@dataclass(frozen=True)
class ManagedBatch:
    """A batch as its coordinators manage it: the plan in the BLK's calendar and clock."""

    id: int
    blk: BlkPlace
    plan: BatchPlan
    status: str
    seats_taken: int
    waitlisted: int
    programme: str = DEFAULT_PROGRAMME


@dataclass(frozen=True)
class BlkOptions:
    """BLKs a coordinator may create a batch for; `more`: too many for buttons."""

    blks: list[BlkPlace]
    more: bool


@dataclass(frozen=True)
class CancelOutcome:
    batch: ManagedBatch
    enrolled: int
    waitlisted: int


def plan_of(batch: Batch, blk: BlkPlace) -> BatchPlan:
    """The stored batch as a plan in its BLK's time zone."""
    return BatchPlan.of(
        title=batch.title,
        starts_at=batch.starts_at,
        ends_at=batch.ends_at,
        registration_deadline=batch.registration_deadline,
        capacity=batch.capacity,
        zone=blk.timezone,
    )


async def refuse_finished(session: AsyncSession, batch: Batch) -> None:
    """A cancelled or completed batch is history: nothing in it changes any more."""
    if batch.status == CANCELLED:
        raise BatchCancelled
    if await CompletionRepository(session).completion(batch.id) is not None:
        raise BatchCompleted
