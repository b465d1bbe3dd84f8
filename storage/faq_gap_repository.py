"""Queries behind the FAQ gaps list: count a question again, list those of a place, find
one of them, or forget a question once it is taught.

Callers own the transaction; nothing here commits. Only portable SQL.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, Select, delete, select
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
        stmt = _at_place(select(FaqGap), blk_id, province_code)
        stmt = stmt.order_by(FaqGap.times.desc(), FaqGap.last_at.desc(), FaqGap.id).limit(limit)
        return list((await self.session.execute(stmt)).scalars())

    async def at_place(
        self, gap_id: int, *, blk_id: str | None, province_code: str | None
    ) -> FaqGap | None:
        """Gap `gap_id` if it is one of the place's (as `most_frequent` lists them)."""
        stmt = _at_place(select(FaqGap).where(FaqGap.id == gap_id), blk_id, province_code)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def forget_question(self, kind: str, question: str) -> int:
        """The question's rows of this kind at every place; how many there were."""
        stmt = delete(FaqGap).where(FaqGap.kind == kind, FaqGap.question == question)
        return (await self.session.execute(stmt)).rowcount or 0


def _at_place(
    stmt: Select[tuple[FaqGap]], blk_id: str | None, province_code: str | None
) -> Select[tuple[FaqGap]]:
    """The BLK's rows, else the province's; every place's when both are None."""
    if blk_id is not None:
        return stmt.where(FaqGap.blk_id == blk_id)
    if province_code is not None:
        return stmt.where(FaqGap.province_code == province_code)
    return stmt


def _same(column: InstrumentedAttribute[str | None], value: str | None) -> ColumnElement[bool]:
    """Equal, where two NULLs count as the same place."""
    return column.is_(None) if value is None else column == value
