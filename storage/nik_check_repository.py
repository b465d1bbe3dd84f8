"""The NIK lookups and refusals counted by the registration's rate limit.

Callers own the transaction; nothing here commits. Portable SQL only.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import NikCheck


class NikCheckRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def record(self, kind: str, account: str, at: datetime) -> None:
        self.session.add(NikCheck(kind=kind, account=account, at=at))

    async def count_after(self, kind: str, after: datetime, account: str | None = None) -> int:
        """Rows of `kind` later than `after`, of one account or of all."""
        stmt = (
            select(func.count())
            .select_from(NikCheck)
            .where(NikCheck.kind == kind, NikCheck.at > after)
        )
        if account is not None:
            stmt = stmt.where(NikCheck.account == account)
        return (await self.session.execute(stmt)).scalar_one()

    async def prune(self, before: datetime) -> None:
        await self.session.execute(delete(NikCheck).where(NikCheck.at < before))
