"""PHK pathway answers, one row per Telegram account; callers own the transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import PhkProfile


class PhkRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, telegram_id: int) -> PhkProfile | None:
        return await self.session.get(PhkProfile, telegram_id)

    def add(self, profile: PhkProfile) -> None:
        self.session.add(profile)

    async def delete_updated_before(self, cutoff: datetime, *, limit: int | None = None) -> int:
        """Answers not renewed since `cutoff`, oldest first, at most `limit`."""
        oldest = (
            select(PhkProfile.telegram_id)
            .where(PhkProfile.updated_at < cutoff)
            .order_by(PhkProfile.updated_at)
            .limit(limit)
        )
        result = await self.session.execute(
            delete(PhkProfile).where(PhkProfile.telegram_id.in_(oldest))
        )
        return result.rowcount or 0

    async def delete(self, telegram_id: int) -> int:
        result = await self.session.execute(
            delete(PhkProfile).where(PhkProfile.telegram_id == telegram_id)
        )
        return result.rowcount or 0
