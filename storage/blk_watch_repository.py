"""Who waits for a batch at which BLK ("Beri tahu saya").

Callers own the transaction; nothing here commits. Portable SQL only.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import BlkWatch


class BlkWatchRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, telegram_id: int, blk_id: str, now: datetime) -> bool:
        """Start watching; False when this person already watches this BLK."""
        if await self._get(telegram_id, blk_id) is not None:
            return False
        self.session.add(BlkWatch(telegram_id=telegram_id, blk_id=blk_id, created_at=now))
        await self.session.flush()
        return True

    async def remove(self, telegram_id: int, blk_id: str) -> bool:
        """Stop one watch; False when there was none."""
        stmt = delete(BlkWatch).where(
            BlkWatch.telegram_id == telegram_id, BlkWatch.blk_id == blk_id
        )
        return bool((await self.session.execute(stmt)).rowcount)

    async def take_watchers(self, blk_id: str) -> list[int]:
        """Everyone watching the BLK, their watches ended: one notice fulfils them."""
        stmt = delete(BlkWatch).where(BlkWatch.blk_id == blk_id).returning(BlkWatch.telegram_id)
        return sorted((await self.session.execute(stmt)).scalars())

    async def blks_of(self, telegram_id: int) -> list[str]:
        stmt = select(BlkWatch.blk_id).where(BlkWatch.telegram_id == telegram_id)
        return sorted((await self.session.execute(stmt)).scalars())

    async def forget_person(self, telegram_id: int) -> int:
        """Erasure: every watch of the person; returns how many went."""
        stmt = delete(BlkWatch).where(BlkWatch.telegram_id == telegram_id)
        return (await self.session.execute(stmt)).rowcount or 0

    async def _get(self, telegram_id: int, blk_id: str) -> BlkWatch | None:
        stmt = select(BlkWatch).where(
            BlkWatch.telegram_id == telegram_id, BlkWatch.blk_id == blk_id
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()
