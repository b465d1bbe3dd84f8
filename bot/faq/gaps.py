"""What the FAQ does not answer yet: typed questions that found no entry and entries rated
"not helpful", counted per place, for coordinators to turn into FAQ entries.

The text is kept without its author: no Telegram id, and every run of digits that could
be a NIK, a phone or an account number is removed before storing. The place (the BLK of
the asker's seat, else their province) decides which coordinators see it, as for tickets.
A question coordinators taught as one for staff (``bot.faq.teaching``) is not counted
again: it is known, and the bot already offers "Tanya petugas" for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.coordinators.roles import RoleService, Scope, ScopeKind
from bot.errors import N_, NotPermitted
from bot.faq.examples import UNANSWERED
from storage.database import Database
from storage.faq_example_repository import FaqExampleRepository
from storage.faq_gap_repository import FaqGapRepository
from storage.models import FaqGap
from storage.ticket_repository import TicketRepository

__all__ = ["FaqGapService", "Gap", "GapGone", "GapKind", "without_numbers"]

LIST_LIMIT = 20
MAX_QUESTION_LENGTH = 200
# Five or more digits, with the separators people type between them ("0812-3456",
# "3201 0112"): never a count worth keeping in a question about the training.
_NUMBER = re.compile(r"\+?\d(?:[\s.\-/()]{0,2}\d){4,}")
# Control characters (NUL among them, which PostgreSQL refuses in text) mean nothing to
# the coordinator reading the list.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class GapKind(StrEnum):
    UNANSWERED = "unanswered"
    UNHELPFUL = "unhelpful"


@dataclass(frozen=True)
class Gap:
    id: int
    kind: GapKind
    question: str  # "" for an entry rated not helpful
    entry_id: str | None
    times: int
    last_at: datetime


class GapGone(NotPermitted):
    """The question is not in the presser's list (any more): taught already, or the
    button was never theirs."""

    key = N_("faq-teach-gone")


def without_numbers(text: str) -> str:
    """The question as stored: long numbers and control characters removed, single-spaced,
    at most 200 characters."""
    readable = _NUMBER.sub(" ", _CONTROL.sub(" ", text))
    return " ".join(readable.split())[:MAX_QUESTION_LENGTH].rstrip()


class FaqGapService:
    def __init__(self, db: Database, roles: RoleService, clock: Clock) -> None:
        self._db = db
        self._roles = roles
        self._clock = clock

    async def unanswered(self, telegram_id: int, text: str) -> None:
        question = without_numbers(text).casefold()
        if question:
            async with self._db.joined() as session:
                label = await FaqExampleRepository(session).label_of(question)
            if label != UNANSWERED:
                await self._count(telegram_id, GapKind.UNANSWERED, question, None)

    async def unhelpful(self, telegram_id: int, entry_id: str) -> None:
        await self._count(telegram_id, GapKind.UNHELPFUL, "", entry_id)

    async def in_scope(self, staff_id: int) -> list[Gap]:
        """The coordinator's place's gaps, most often first; NotPermitted for anyone else."""
        async with self._db.transaction() as session:
            scope = await self._roles.scope_in(session, staff_id)
            if scope is None:
                raise NotPermitted
            blk_id, province_code = _place(scope)
            rows = await FaqGapRepository(session).most_frequent(
                blk_id=blk_id, province_code=province_code, limit=LIST_LIMIT
            )
        return [_gap(row) for row in rows]

    async def unanswered_in(
        self, session: AsyncSession, staff_id: int, gap_id: int
    ) -> tuple[Scope, Gap]:
        """An unanswered question of the coordinator's list, in the caller's transaction,
        with their scope; NotPermitted for anyone else, GapGone for a gap not in it."""
        scope = await self._roles.scope_in(session, staff_id)
        if scope is None:
            raise NotPermitted
        blk_id, province_code = _place(scope)
        row = await FaqGapRepository(session).at_place(
            gap_id, blk_id=blk_id, province_code=province_code
        )
        if row is None or row.kind != GapKind.UNANSWERED:
            raise GapGone
        return scope, _gap(row)

    async def _count(
        self, telegram_id: int, kind: GapKind, question: str, entry_id: str | None
    ) -> None:
        async with self._db.transaction() as session:
            tickets = TicketRepository(session)
            registration = await tickets.registration(telegram_id)
            seat = await tickets.seat(registration.id) if registration else None
            await FaqGapRepository(session).count(
                kind=kind,
                question=question,
                entry_id=entry_id,
                blk_id=seat.blk_id if seat else None,
                province_code=(
                    seat.province_code if seat else registration and registration.province_code
                ),
                at=self._clock.now(),
            )


def _place(scope: Scope) -> tuple[str | None, str | None]:
    """Whose gaps the scope sees: a BLK's, a province's, or (both None) every place's."""
    return (
        scope.code if scope.kind is ScopeKind.BLK else None,
        scope.code if scope.kind is ScopeKind.PROVINCE else None,
    )


def _gap(row: FaqGap) -> Gap:
    return Gap(row.id, GapKind(row.kind), row.question, row.entry_id, row.times, row.last_at)
