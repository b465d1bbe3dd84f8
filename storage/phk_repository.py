"""PHK pathway answers, one row per Telegram account; callers own the transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import PhkProfile


class PhkRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, telegram_id: int) -> PhkProfile | None:
        return await self.session.get(PhkProfile, telegram_id)

    def add(self, profile: PhkProfile) -> None:
        self.session.add(profile)

    async def delete_updated_before(self, cutoff: datetime) -> int:
        result = await self.session.execute(
            delete(PhkProfile).where(PhkProfile.updated_at < cutoff)
        )
        return result.rowcount or 0

    async def delete(self, telegram_id: int) -> int:
        result = await self.session.execute(
            delete(PhkProfile).where(PhkProfile.telegram_id == telegram_id)
        )
        return result.rowcount or 0
