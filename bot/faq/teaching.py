"""Coordinators teach the matcher from /faqcelah: an unanswered question of their list is
labelled with the entry that should have answered it, or as a question for staff.

Labels are stored (``storage.faq_example_repository``) and the matcher learns them with
the examples file (``bot.faq.content.Faq``): at start, on /faqmuat, in the process that
took a label right after it, and in every other process of the bot within
`REFRESH_SECONDS` (each reads the labels on that pace and rebuilds only when they
changed). A rebuild takes a moment, so it runs in a thread, and the new matcher replaces
the old one at once.

A label changes answers in every BLK, so administrators see them all and may delete a
mistaken one (/faqajaran); the matcher forgets it the same way it learnt it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from copy import copy
from dataclasses import dataclass
from datetime import date

from bot.audit import AuditAction, record
from bot.clock import Clock
from bot.coordinators.roles import RoleService
from bot.errors import N_, NotPermitted
from bot.faq.content import Faq
from bot.faq.examples import UNANSWERED, Example
from bot.faq.gaps import FaqGapService, Gap, GapKind
from storage.database import Database
from storage.faq_example_repository import FaqExampleRepository
from storage.faq_gap_repository import FaqGapRepository
from storage.models import FaqExample

__all__ = ["REFRESH_SECONDS", "FaqTeaching", "Label", "LabelGone"]

logger = logging.getLogger(__name__)

# Questions coordinators labelled, oldest label first.
Taught = tuple[Example, ...]

# How soon a label taken by one process of the bot is used by the others.
REFRESH_SECONDS = 60


@dataclass(frozen=True)
class Label:
    """A stored label: entry `entry_id` answers `question` ("" = a question for staff)."""

    id: int
    question: str
    entry_id: str
    taught_on: date  # in the programme's zone


class LabelGone(NotPermitted):
    """The label is not stored (any more): deleted meanwhile, or the button was forged."""

    key = N_("faq-untaught-gone")


class FaqTeaching:
    def __init__(
        self, db: Database, gaps: FaqGapService, faq: Faq, roles: RoleService, clock: Clock
    ) -> None:
        self._db = db
        self._gaps = gaps
        self._faq = faq
        self._roles = roles
        self._clock = clock
        # Builds may overlap (a label, the periodic read): the one started last is used.
        self._started = self._used = 0

    async def gap(self, staff_id: int, gap_id: int) -> Gap:
        """An unanswered question of the coordinator's list; NotPermitted for anyone
        else, GapGone when it is not in their list (any more)."""
        async with self._db.joined() as session:
            _, gap = await self._gaps.unanswered_in(session, staff_id, gap_id)
        return gap

    async def teach(self, staff_id: int, gap_id: int, entry_id: str) -> Gap:
        """Label the question with the entry (UNANSWERED: a question for staff) and use
        the label from now on; the question leaves every place's list (it comes back
        if it is asked again and still not answered). Audited."""
        if entry_id != UNANSWERED and self._faq.entry(entry_id) is None:
            raise NotPermitted
        async with self._db.transaction() as session:
            scope, gap = await self._gaps.unanswered_in(session, staff_id, gap_id)
            examples = FaqExampleRepository(session)
            example_id = await examples.label(gap.question, entry_id, self._clock.now())
            forgotten = await FaqGapRepository(session).forget_question(
                GapKind.UNANSWERED, gap.question
            )
            record(
                session,
                staff_id,
                AuditAction.FAQ_TAUGHT,
                gap_id=gap.id,
                example_id=example_id,
                entry_id=entry_id,
                gaps_removed=forgotten,
                scope=scope.as_dict(),
            )
            taught = _examples(await examples.all())
        await self._use(Faq.taught_as, taught)
        return gap

    async def labels(self, admin_id: int) -> list[Label]:
        """Every label, newest first. Administrators only: a label belongs to no place,
        so the list holds every BLK's questions."""
        self._require_admin(admin_id)
        async with self._db.joined() as session:
            rows = await FaqExampleRepository(session).newest_first()
        return [self._label(row) for row in rows]

    async def label(self, admin_id: int, example_id: int) -> Label:
        """One label, for an administrator; LabelGone when it is not stored."""
        self._require_admin(admin_id)
        async with self._db.joined() as session:
            row = await FaqExampleRepository(session).get(example_id)
        if row is None:
            raise LabelGone
        return self._label(row)

    async def untaught(self, admin_id: int, example_id: int) -> Label:
        """Delete the label and answer without it from now on (other processes within
        REFRESH_SECONDS); the question is listed in /faqcelah again when it is asked and
        not answered. Audited with the entry, never the text; LabelGone when it is not
        stored (any more)."""
        self._require_admin(admin_id)
        async with self._db.transaction() as session:
            examples = FaqExampleRepository(session)
            row = await examples.forget(example_id)
            if row is None:
                raise LabelGone
            record(
                session,
                admin_id,
                AuditAction.FAQ_UNTAUGHT,
                example_id=row.id,
                entry_id=row.entry_id,
            )
            taught = _examples(await examples.all())
        await self._use(Faq.taught_as, taught)
        return self._label(row)

    async def refresh(self) -> bool:
        """Learn the labels stored since the last look (other processes take them too);
        whether anything changed."""
        async with self._db.joined() as session:
            taught = _examples(await FaqExampleRepository(session).all())
        if taught == self._faq.taught:
            return False
        await self._use(Faq.taught_as, taught)
        logger.info("faq: %d questions taught by coordinators in use", len(taught))
        return True

    async def reload(self) -> None:
        """The FAQ and examples files read again, with the stored labels; FaqError when a
        file is invalid, and the FAQ in use stays."""
        async with self._db.joined() as session:
            taught = _examples(await FaqExampleRepository(session).all())
        await self._use(Faq.reread, taught)

    def _require_admin(self, actor: int) -> None:
        if not self._roles.is_admin(actor):
            raise NotPermitted

    def _label(self, row: FaqExample) -> Label:
        taught_on = row.taught_at.astimezone(self._clock.zone).date()
        return Label(row.id, row.question, row.entry_id, taught_on)

    async def _use(self, build: Callable[[Faq, Taught], Faq], taught: Taught) -> None:
        """Build in a thread from the FAQ as it is now (a copy: a swap meanwhile cannot
        mix into it), then answer from the result, unless a build started later is in
        use already."""
        self._started += 1
        started = self._started
        fresh = await asyncio.to_thread(build, copy(self._faq), taught)
        if started > self._used:
            self._faq.use(fresh)
            self._used = started


def _examples(rows: list[tuple[str, str]]) -> Taught:
    return tuple(Example(question, entry_id) for question, entry_id in rows)
