"""Questions coordinators labelled in chat: the only writer of `faq_examples`.

Callers own the transaction; nothing here commits. Only portable SQL.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import FaqExample


class FaqExampleRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def label(self, question: str, entry_id: str, at: datetime) -> int:
        """Label the question (again: the latest label counts); its row id."""
        stmt = select(FaqExample).where(FaqExample.question == question)
        example = (await self.session.execute(stmt)).scalar_one_or_none()
        if example is None:
            example = FaqExample(question=question, entry_id=entry_id, taught_at=at)
            self.session.add(example)
        else:
            example.entry_id, example.taught_at = entry_id, at
        await self.session.flush()
        return example.id

    async def label_of(self, question: str) -> str | None:
        stmt = select(FaqExample.entry_id).where(FaqExample.question == question)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def all(self) -> list[tuple[str, str]]:
        """Every (question, entry id) pair, oldest label first."""
        stmt = select(FaqExample.question, FaqExample.entry_id).order_by(FaqExample.id)
        return [(question, entry_id) for question, entry_id in await self.session.execute(stmt)]

    async def newest_first(self) -> list[FaqExample]:
        """Every label, the latest taught first (a question labelled again counts as new)."""
        stmt = select(FaqExample).order_by(FaqExample.taught_at.desc(), FaqExample.id.desc())
        return list((await self.session.execute(stmt)).scalars())

    async def get(self, example_id: int) -> FaqExample | None:
        return await self.session.get(FaqExample, example_id)

    async def forget(self, example_id: int) -> FaqExample | None:
        """Delete the label; the row as it was, None when there is none (any more). The
        delete counts its row, so of two callers deleting at once only one gets it."""
        example = await self.get(example_id)
        if example is None:
            return None
        stmt = delete(FaqExample).where(FaqExample.id == example_id)
        if (await self.session.execute(stmt)).rowcount != 1:
            return None
        self.session.expunge(example)
        return example
