"""Batches and seats as a participant sees them: where they stand, what they gave up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.training.programmes import DEFAULT_PROGRAMME
from storage.enrollment_repository import BatchRepository
from storage.models import Batch, TrainingResult


@dataclass(frozen=True)
class BatchView:
    id: int
    blk_id: str
    blk_name: str
    title: str
    starts_at: datetime
    ends_at: datetime
    registration_deadline: datetime
    capacity: int
    seats_left: int
    status: str
    timezone: str
    programme: str = DEFAULT_PROGRAMME


@dataclass(frozen=True)
class Placement:
    """Where a person stands: a seat (position None) or a waitlist place."""

    status: str
    position: int | None
    batch: BatchView


@dataclass(frozen=True)
class Finished:
    """A seat in a completed batch, with its result (None if the seat had none)."""

    batch: BatchView
    result: TrainingResult | None


@dataclass(frozen=True)
class Cancellation:
    batch: BatchView
    promoted_telegram_id: int | None
    waitlisted: bool  # a waitlist place was given up, not a seat


@dataclass(frozen=True)
class Move:
    placement: Placement
    promoted_telegram_id: int | None


async def batch_view(batches: BatchRepository, row: Batch, default_zone: str) -> BatchView:
    """The batch with its BLK's name and time zone (`default_zone` if the BLK has none)."""
    name, zone = await batches.blk_name_and_zone(row.blk_id) or (row.blk_id, "")
    return BatchView(
        id=row.id,
        blk_id=row.blk_id,
        blk_name=name,
        title=row.title,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        registration_deadline=row.registration_deadline,
        capacity=row.capacity,
        seats_left=max(row.capacity - row.seats_taken, 0),
        status=row.status,
        timezone=zone or default_zone,
        programme=row.programme,
    )
