"""Which Telegram updates were already handled, so a redelivered one is skipped."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ProcessedUpdate


class UpdateLog:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def handled_among(self, update_ids: list[int]) -> set[int]:
        stmt = select(ProcessedUpdate.update_id).where(ProcessedUpdate.update_id.in_(update_ids))
        return set((await self.session.execute(stmt)).scalars())

    def record(self, update_id: int) -> None:
        self.session.add(ProcessedUpdate(update_id=update_id))

    async def forget_before(self, moment: datetime) -> int:
        """Telegram keeps updates for 24 hours; older ids can never come back."""
        result = await self.session.execute(
            delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < moment)
        )
        return result.rowcount or 0
