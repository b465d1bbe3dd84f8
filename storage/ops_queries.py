"""Figures for the operators' `/metrics`: cheap reads, each one indexed query or a small
table's count, run at every scrape."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import OutboxMessage, OutboxStatus, UnreachableChat

UNSETTLED = (OutboxStatus.PENDING, OutboxStatus.SENDING)


async def outbox_depth(session: AsyncSession, now: datetime) -> tuple[dict[str, int], float]:
    """Unsettled outbox rows by status, and how many seconds the oldest due pending row
    has waited (0 when none is due): a queue that grows, or a row stuck, shows here."""
    counts = await session.execute(
        select(OutboxMessage.status, func.count())
        .where(OutboxMessage.status.in_(UNSETTLED))
        .group_by(OutboxMessage.status)
    )
    oldest = await session.scalar(
        select(func.min(OutboxMessage.not_before)).where(
            OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.not_before <= now
        )
    )
    waited = max((now - oldest).total_seconds(), 0.0) if oldest is not None else 0.0
    return {str(status): int(count) for status, count in counts.all()}, waited


async def unreachable_chats(session: AsyncSession) -> int:
    """Chats that blocked the bot (403) and have not written since."""
    return int(await session.scalar(select(func.count()).select_from(UnreachableChat)) or 0)
