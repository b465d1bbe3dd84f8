"""Queries behind the FAQ gaps list: count a question again, or list those of a place.

Callers own the transaction; nothing here commits. Only portable SQL.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from storage.models import FaqGap


class FaqGapRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def count(
        self,
        *,
        kind: str,
        question: str,
        entry_id: str | None,
        blk_id: str | None,
        province_code: str | None,
        at: datetime,
    ) -> None:
        """One more time for the same question (or entry) at the same place, else a new row."""
        stmt = select(FaqGap).where(
            FaqGap.kind == kind,
            FaqGap.question == question,
            _same(FaqGap.entry_id, entry_id),
            _same(FaqGap.blk_id, blk_id),
            _same(FaqGap.province_code, province_code),
        )
        gap = (await self.session.execute(stmt.limit(1))).scalar_one_or_none()
        if gap is None:
            self.session.add(
                FaqGap(
                    kind=kind,
                    question=question,
                    entry_id=entry_id,
                    blk_id=blk_id,
                    province_code=province_code,
                    times=1,
                    first_at=at,
                    last_at=at,
                )
            )
        else:
            gap.times += 1
            gap.last_at = at

    async def most_frequent(
        self, *, blk_id: str | None, province_code: str | None, limit: int
    ) -> list[FaqGap]:
        """The place's gaps (every place's when both are None), most often first."""
        stmt = select(FaqGap)
        if blk_id is not None:
            stmt = stmt.where(FaqGap.blk_id == blk_id)
        elif province_code is not None:
            stmt = stmt.where(FaqGap.province_code == province_code)
        stmt = stmt.order_by(FaqGap.times.desc(), FaqGap.last_at.desc(), FaqGap.id).limit(limit)
        return list((await self.session.execute(stmt)).scalars())


def _same(column: InstrumentedAttribute[str | None], value: str | None) -> ColumnElement[bool]:
    """Equal, where two NULLs count as the same place."""
    return column.is_(None) if value is None else column == value
