"""Claiming and settling outbox rows for the sender; the caller's transaction commits.

Status flow: pending -> sending (claimed) -> sent | failed | unreachable | expired | skipped,
and sending -> pending again for retries, 429s and leases of dead workers.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, select, true, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import OutboxMessage, UnreachableChat, utcnow
from storage.receipts import Receipts

ERROR_LENGTH = 300  # OutboxMessage.last_error is String(300); PostgreSQL enforces it
# Updates go by id and claim, not through loaded objects: skip the ORM's session sync (cost).
NO_SYNC: dict[str, Any] = {"synchronize_session": False}


def _short(text: str) -> str:
    return text[:ERROR_LENGTH]


REPLY = "reply"


class OutboxRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def _is_postgres(self) -> bool:
        bind = self.session.bind
        return bind is not None and bind.dialect.name == "postgresql"

    async def claim(
        self,
        worker_id: str,
        now: datetime,
        limit: int,
        *,
        exclude_chats: Iterable[int] = (),
    ) -> list[OutboxMessage]:
        """Due pending rows in id order, at most one per chat, marked "sending" by us.

        PostgreSQL: FOR UPDATE SKIP LOCKED, so concurrent senders never claim the same row.
        SQLite: transactions begin IMMEDIATE (one writer), so select+update is atomic.
        A wider window than `limit` is read so a chat with many queued rows does not
        fill the batch (its later rows would only wait for the per-chat interval).
        """
        if limit <= 0:
            return []
        stmt = (
            select(OutboxMessage)
            .where(OutboxMessage.status == "pending", OutboxMessage.not_before <= now)
            .order_by(OutboxMessage.id)
            .limit(limit * 4)
        )
        excluded = set(exclude_chats)
        if excluded:
            stmt = stmt.where(OutboxMessage.chat_id.not_in(excluded))
        if self._is_postgres():
            stmt = stmt.with_for_update(skip_locked=True)
        claimed: list[OutboxMessage] = []
        for row in (await self.session.execute(stmt)).scalars():
            if row.chat_id in excluded:
                continue
            excluded.add(row.chat_id)
            row.status, row.claimed_by, row.claimed_at = "sending", worker_id, now
            claimed.append(row)
            if len(claimed) == limit:
                break
        await self.session.flush()
        return claimed

    async def recover_stale(self, now: datetime, lease: timedelta, receipts: Receipts) -> int:
        """Rows a dead worker left "sending" longer than `lease` are settled or retried.

        Those with a delivery receipt reached Telegram and are marked sent; the rest go
        back to pending. An update's answers ("reply") are the poller's: only the next
        poller frees them (`release_orphan_replies`), since a live one may still send them.
        """
        return await self._recover(
            receipts,
            OutboxMessage.status == "sending",
            OutboxMessage.claimed_at < now - lease,
            OutboxMessage.kind != REPLY,
        )

    async def release_orphan_replies(self, poller_id: str, receipts: Receipts) -> int:
        """Answers a dead poller committed but did not confirm as sent go to the sender.

        Telegram serves one getUpdates consumer per bot, so at start-up every other
        poller's claim is a dead process's. Answers with a receipt are marked sent.
        """
        return await self._recover(
            receipts,
            OutboxMessage.status == "sending",
            OutboxMessage.kind == REPLY,
            OutboxMessage.claimed_by != poller_id,
        )

    async def _recover(self, receipts: Receipts, *claimed: ColumnElement[bool]) -> int:
        """Settle the claimed rows matching `claimed`; returns how many go back to pending."""
        ids = (await self.session.execute(select(OutboxMessage.id).where(*claimed))).scalars()
        accepted = await receipts.among(ids)
        for row_id, message_id in accepted.items():
            await self._settle(
                row_id,
                None,
                status="sent",
                telegram_message_id=message_id,
                sent_at=utcnow(),
                attempts=OutboxMessage.attempts + 1,
            )
        result = await self.session.execute(
            update(OutboxMessage)
            .where(*claimed, OutboxMessage.id.not_in(accepted) if accepted else true())
            .values(status="pending", claimed_by=None, claimed_at=None)
            .execution_options(**NO_SYNC)
        )
        return result.rowcount or 0

    async def _settle(self, row_id: int, worker_id: str | None, **values: Any) -> bool:
        """Update a row; with `worker_id`, only while it is still our claim (lease not lost)."""
        stmt = update(OutboxMessage).where(OutboxMessage.id == row_id).execution_options(**NO_SYNC)
        if worker_id is not None:
            stmt = stmt.where(
                OutboxMessage.status == "sending", OutboxMessage.claimed_by == worker_id
            )
        result = await self.session.execute(stmt.values(**values))
        return bool(result.rowcount)

    async def mark_sent(
        self, row_id: int, message_id: int | None, now: datetime, *, worker_id: str | None = None
    ) -> bool:
        return await self._settle(
            row_id,
            worker_id,
            status="sent",
            sent_at=now,
            telegram_message_id=message_id,
            attempts=OutboxMessage.attempts + 1,
            last_error=None,
        )

    async def mark_failed(self, row_id: int, reason: str, *, worker_id: str | None = None) -> bool:
        return await self._settle(
            row_id,
            worker_id,
            status="failed",
            attempts=OutboxMessage.attempts + 1,
            last_error=_short(reason),
        )

    async def retry_later(
        self,
        row_id: int,
        not_before: datetime,
        error: str,
        *,
        count: bool = True,
        worker_id: str | None = None,
    ) -> bool:
        """Back to pending until `not_before`; `count=False` for 429s and released claims."""
        attempts = OutboxMessage.attempts + 1 if count else OutboxMessage.attempts
        return await self._settle(
            row_id,
            worker_id,
            status="pending",
            not_before=not_before,
            attempts=attempts,
            last_error=_short(error) if error else None,
            claimed_by=None,
            claimed_at=None,
        )

    async def expire(self, row_id: int, *, worker_id: str | None = None) -> bool:
        """Too late to be useful (expires_at passed): never sent."""
        return await self._settle(row_id, worker_id, status="expired")

    async def skip(self, row_id: int, reason: str, *, worker_id: str | None = None) -> bool:
        """No longer relevant (the render hook said so): never sent."""
        return await self._settle(row_id, worker_id, status="skipped", last_error=_short(reason))

    async def mark_unreachable(
        self, row_id: int, reason: str, *, worker_id: str | None = None
    ) -> bool:
        return await self._settle(
            row_id, worker_id, status="unreachable", last_error=_short(reason)
        )

    async def mark_unreachable_chat(self, chat_id: int, reason: str) -> int:
        """Remember the chat blocked us and drop its pending rows; returns rows dropped."""
        if await self.session.get(UnreachableChat, chat_id) is None:
            try:  # a concurrent sender may record the same chat: keep theirs
                async with self.session.begin_nested():
                    self.session.add(UnreachableChat(chat_id=chat_id, reason=_short(reason)))
            except IntegrityError:
                pass
        result = await self.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.status == "pending", OutboxMessage.chat_id == chat_id)
            .values(status="unreachable", last_error=_short(reason))
            .execution_options(**NO_SYNC)
        )
        return result.rowcount or 0

    async def unreachable_among(self, chat_ids: Iterable[int]) -> set[int]:
        ids = set(chat_ids)
        if not ids:
            return set()
        stmt = select(UnreachableChat.chat_id).where(UnreachableChat.chat_id.in_(ids))
        return set((await self.session.execute(stmt)).scalars())

    async def broadcast_counts(self, broadcast_id: int) -> dict[str, int]:
        stmt = (
            select(OutboxMessage.status, func.count())
            .where(OutboxMessage.broadcast_id == broadcast_id)
            .group_by(OutboxMessage.status)
        )
        return {status: count for status, count in (await self.session.execute(stmt)).all()}
