"""Every write to the outbox table: queueing, claiming and settling rows, cancelling pending
ones. The caller's transaction commits; `bot.delivery` decides what to write and when.

Status flow (`OutboxStatus`): pending -> sending (claimed) -> sent | failed | unreachable |
expired | skipped, sending -> pending again for retries, 429s and leases of dead workers,
and pending -> cancelled for a stopped broadcast.

Payloads (`storage.outbox_payloads`): a ready-made message is encrypted while unsettled,
and every settled row's payload is blanked; settled rows are pruned after a while.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, delete, func, or_, select, text, true, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.instance_lock import ADVISORY_LOCK_KEY
from storage.models import (
    Batch,
    Broadcast,
    Enrollment,
    OutboxMessage,
    OutboxStatus,
    Province,
    UnreachableChat,
)
from storage.outbox_payloads import BLANK, sealer_of
from storage.place_joins import batch_to_province
from storage.receipts import Receipts

ERROR_LENGTH = 300  # OutboxMessage.last_error is String(300); PostgreSQL enforces it
# Updates go by id and claim, not through loaded objects: skip the ORM's session sync (cost).
NO_SYNC: dict[str, Any] = {"synchronize_session": False}


def _short(text: str) -> str:
    return text[:ERROR_LENGTH]


REPLY = "reply"  # the kind of an update's answers (bot.delivery.replies_outbox)
# Claims take turns across processes (a transaction-level advisory lock on PostgreSQL).
CLAIM_TURN_KEY = ADVISORY_LOCK_KEY + 16
PENDING, SENDING = OutboxStatus.PENDING, OutboxStatus.SENDING
SETTLED = frozenset(OutboxStatus) - {PENDING, SENDING}


class OutboxRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(
        self,
        chat_id: int,
        kind: str,
        payload: str,
        *,
        not_before: datetime,
        dedupe_key: str | None = None,
        expires_at: datetime | None = None,
        broadcast_id: int | None = None,
        enrollment_id: int | None = None,
        subject_id: int | None = None,
        readable: bool = False,
    ) -> bool:
        """Queue one pending row, due at `not_before` (the caller's clock: "now" for at once);
        False when `dedupe_key` was queued before (nothing added). The payload is encrypted
        unless `readable` (a template: ids only); `subject_id` is whom it is about, when
        not the recipient."""
        if dedupe_key is not None:
            found = await self.session.execute(
                select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)
            )
            if found.first() is not None:
                return False
        self.session.add(
            OutboxMessage(
                chat_id=chat_id,
                subject_id=subject_id,
                kind=kind,
                payload=payload if readable else sealer_of(self.session).encrypt(payload),
                dedupe_key=dedupe_key,
                not_before=not_before,
                expires_at=expires_at,
                broadcast_id=broadcast_id,
                enrollment_id=enrollment_id,
            )
        )
        return True

    async def add_claimed(
        self,
        chat_id: int,
        kind: str,
        payloads: Sequence[str],
        worker_id: str,
        now: datetime,
        expires_at: datetime | None = None,
    ) -> list[int]:
        """Rows already "sending" by `worker_id`, in order, payloads encrypted; their ids
        once flushed."""
        sealer = sealer_of(self.session)
        rows = [
            OutboxMessage(
                chat_id=chat_id,
                kind=kind,
                payload=sealer.encrypt(payload),
                status=SENDING,
                claimed_by=worker_id,
                claimed_at=now,
                not_before=now,
                expires_at=expires_at,
            )
            for payload in payloads
        ]
        self.session.add_all(rows)
        await self.session.flush()
        return [row.id for row in rows]

    async def drop_pending_for_enrollment(self, enrollment_id: int) -> int:
        """Delete the seat's rows not claimed yet; returns how many."""
        result = await self.session.execute(
            delete(OutboxMessage).where(
                OutboxMessage.enrollment_id == enrollment_id, OutboxMessage.status == PENDING
            )
        )
        return result.rowcount or 0

    async def pending_for_enrollment(self, enrollment_id: int, kind: str) -> bool:
        """Whether a `kind` row about the seat still waits to be claimed."""
        found = await self.session.scalar(
            select(OutboxMessage.id)
            .where(
                OutboxMessage.enrollment_id == enrollment_id,
                OutboxMessage.kind == kind,
                OutboxMessage.status == PENDING,
            )
            .limit(1)
        )
        return found is not None

    async def forget_person(self, telegram_id: int) -> int:
        """Erasure (UU PDP): every row to the person or about them, pending ones too (the
        erasure's own confirmation is queued after this, in the same transaction)."""
        result = await self.session.execute(
            delete(OutboxMessage).where(
                (OutboxMessage.chat_id == telegram_id) | (OutboxMessage.subject_id == telegram_id)
            )
        )
        return result.rowcount or 0

    async def prune_settled(self, before: datetime) -> int:
        """Delete settled rows due before `before`. A broadcast's rows are what its report
        and failures file count, so they go only once the broadcast closed before then."""
        old_broadcasts = select(Broadcast.id).where(Broadcast.finished_at < before)
        result = await self.session.execute(
            delete(OutboxMessage).where(
                OutboxMessage.status.in_(SETTLED),
                OutboxMessage.not_before < before,
                OutboxMessage.broadcast_id.is_(None)
                | OutboxMessage.broadcast_id.in_(old_broadcasts),
            )
        )
        return result.rowcount or 0

    async def take_broadcast_rows(
        self, broadcast_id: int, statuses: Iterable[OutboxStatus]
    ) -> list[int]:
        """Delete the broadcast's rows in `statuses`, to be queued anew; their chat ids."""
        result = await self.session.execute(
            delete(OutboxMessage)
            .where(
                OutboxMessage.broadcast_id == broadcast_id,
                OutboxMessage.status.in_(list(statuses)),
            )
            .returning(OutboxMessage.chat_id)
            .execution_options(**NO_SYNC)
        )
        return sorted(result.scalars())

    async def forget_dedupe_keys(self, keys: Iterable[str], *, prefix: str) -> int:
        """Rows keyed one of `keys`, or with a key starting with `prefix`, no longer keep
        the same message from being queued again; returns how many."""
        result = await self.session.execute(
            update(OutboxMessage)
            .where(
                or_(
                    OutboxMessage.dedupe_key.in_(list(keys)),
                    OutboxMessage.dedupe_key.startswith(prefix, autoescape=True),
                )
            )
            .values(dedupe_key=None)
            .execution_options(**NO_SYNC)
        )
        return result.rowcount or 0

    async def cancel_pending_of_broadcast(self, broadcast_id: int) -> int:
        """Only pending rows: one the sender already claimed goes out as planned."""
        result = await self.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.broadcast_id == broadcast_id, OutboxMessage.status == PENDING)
            .values(status=OutboxStatus.CANCELLED, payload=BLANK)
        )
        return result.rowcount or 0

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

        A chat with a message being sent (by any sender) is skipped, and on PostgreSQL claims
        take turns, so each sees the others' claims: with several processes one chat's
        messages still go one at a time, in order (a progress message's edits, then its
        final report).
        """
        if limit <= 0:
            return []
        if self._is_postgres():
            await self.session.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": CLAIM_TURN_KEY}
            )
        # An update's answers are its handler's to send, and a dead one's wait for a restart:
        # they hold up nobody here.
        sending = (
            select(OutboxMessage.chat_id)
            .where(OutboxMessage.status == SENDING, OutboxMessage.kind != REPLY)
            .distinct()
        )
        stmt = (
            select(OutboxMessage)
            .where(OutboxMessage.status == PENDING, OutboxMessage.not_before <= now)
            .order_by(OutboxMessage.id)
            .limit(limit * 4)
        )
        excluded = set(exclude_chats) | set((await self.session.scalars(sending)).all())
        if excluded:
            stmt = stmt.where(OutboxMessage.chat_id.not_in(excluded))
        if self._is_postgres():
            stmt = stmt.with_for_update(skip_locked=True)
        claimed: list[OutboxMessage] = []
        for row in (await self.session.execute(stmt)).scalars():
            if row.chat_id in excluded:
                continue
            excluded.add(row.chat_id)
            row.status, row.claimed_by, row.claimed_at = SENDING, worker_id, now
            claimed.append(row)
            if len(claimed) == limit:
                break
        await self.session.flush()
        return claimed

    async def recover_stale(
        self, now: datetime, lease: timedelta, receipts: Receipts, *, replies: bool = False
    ) -> int:
        """Rows a dead worker left "sending" longer than `lease` are settled or retried.

        Those with a delivery receipt reached Telegram and are marked sent; the rest go
        back to pending. An update's answers ("reply") are the poller's: only the next
        poller frees them (`release_orphan_replies`), since a live one may still send them;
        with several webhook processes (`replies`) a dead one may never start again, so
        its answers are recovered after the lease too.
        """
        return await self._recover(
            receipts,
            now,
            OutboxMessage.status == SENDING,
            OutboxMessage.claimed_at < now - lease,
            true() if replies else OutboxMessage.kind != REPLY,
        )

    async def release_future_claims(
        self, now: datetime, margin: timedelta, receipts: Receipts
    ) -> int:
        """Claims dated more than `margin` after `now` were made before the clock went back:
        their lease would not run out for that long. Settled as `recover_stale` does."""
        return await self._recover(
            receipts,
            now,
            OutboxMessage.status == SENDING,
            OutboxMessage.claimed_at > now + margin,
        )

    async def bring_forward(
        self, due_after: datetime, now: datetime, *, except_kinds: Iterable[str] = ()
    ) -> int:
        """Pending rows due after `due_after` (other than `except_kinds`) become due `now`."""
        result = await self.session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.status == PENDING,
                OutboxMessage.not_before > due_after,
                OutboxMessage.kind.not_in(list(except_kinds)),
            )
            .values(not_before=now)
            .execution_options(**NO_SYNC)
        )
        return result.rowcount or 0

    async def pending_with_batch_start(
        self, kind: str, due_after: datetime
    ) -> list[tuple[int, str, datetime, datetime, str]]:
        """Pending rows of `kind` about a seat, due after `due_after`: (id, payload,
        not_before, the batch's start, its BLK's zone), to plan them again."""
        seats = (
            select(
                OutboxMessage.id,
                OutboxMessage.payload,
                OutboxMessage.not_before,
                Batch.starts_at,
                Province.timezone,
            )
            .join(Enrollment, OutboxMessage.enrollment_id == Enrollment.id)
            .join(Batch, Enrollment.batch_id == Batch.id)
        )
        stmt = (
            batch_to_province(seats)
            .where(
                OutboxMessage.status == PENDING,
                OutboxMessage.kind == kind,
                OutboxMessage.not_before > due_after,
            )
            .order_by(OutboxMessage.id)
        )
        rows = await self.session.execute(stmt)
        return [(row[0], row[1], row[2], row[3], row[4]) for row in rows]

    async def reschedule(self, row_id: int, not_before: datetime) -> bool:
        """A pending row due at `not_before` instead (a claimed one goes out as it is)."""
        result = await self.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == row_id, OutboxMessage.status == PENDING)
            .values(not_before=not_before)
            .execution_options(**NO_SYNC)
        )
        return bool(result.rowcount)

    async def release_orphan_replies(
        self,
        poller_id: str,
        receipts: Receipts,
        now: datetime,
        claimed_before: datetime | None = None,
    ) -> int:
        """Answers a dead poller committed but did not confirm as sent go to the sender.

        Telegram serves one getUpdates consumer per bot, so at start-up every other
        poller's claim is a dead process's. Answers with a receipt are marked sent.
        Several webhook processes run side by side: only claims made before
        `claimed_before` (the lease) are a dead one's then.
        """
        return await self._recover(
            receipts,
            now,
            OutboxMessage.status == SENDING,
            OutboxMessage.kind == REPLY,
            OutboxMessage.claimed_by != poller_id,
            true() if claimed_before is None else OutboxMessage.claimed_at < claimed_before,
        )

    async def release_own_replies(self, poller_id: str, receipts: Receipts, now: datetime) -> int:
        """Answers `poller_id` itself left claimed go to the sender (receipted ones: sent).

        Only between batches, when the poller sends nothing: then a claim of its own is an
        answer whose commit it could not confirm (the connection dropped during COMMIT) or
        whose sending was cut short.
        """
        return await self._recover(
            receipts,
            now,
            OutboxMessage.status == SENDING,
            OutboxMessage.kind == REPLY,
            OutboxMessage.claimed_by == poller_id,
        )

    async def _recover(
        self, receipts: Receipts, now: datetime, *claimed: ColumnElement[bool]
    ) -> int:
        """Settle the claimed rows matching `claimed` (those with a receipt as sent at `now`);
        returns how many go back to pending."""
        ids = (await self.session.execute(select(OutboxMessage.id).where(*claimed))).scalars()
        accepted = await receipts.among(ids)
        for row_id, message_id in accepted.items():
            await self._settle(
                row_id,
                None,
                status=OutboxStatus.SENT,
                telegram_message_id=message_id,
                sent_at=now,
                attempts=OutboxMessage.attempts + 1,
            )
        result = await self.session.execute(
            update(OutboxMessage)
            .where(*claimed, OutboxMessage.id.not_in(accepted) if accepted else true())
            .values(status=PENDING, claimed_by=None, claimed_at=None)
            .execution_options(**NO_SYNC)
        )
        return result.rowcount or 0

    async def _settle(self, row_id: int, worker_id: str | None, **values: Any) -> bool:
        """Update a row; with `worker_id`, only while it is still our claim (lease not lost).
        A row settled for good keeps no payload."""
        if values.get("status") in SETTLED:
            values["payload"] = BLANK
        stmt = update(OutboxMessage).where(OutboxMessage.id == row_id).execution_options(**NO_SYNC)
        if worker_id is not None:
            stmt = stmt.where(
                OutboxMessage.status == SENDING, OutboxMessage.claimed_by == worker_id
            )
        result = await self.session.execute(stmt.values(**values))
        return bool(result.rowcount)

    async def mark_sent(
        self, row_id: int, message_id: int | None, now: datetime, *, worker_id: str | None = None
    ) -> bool:
        return await self._settle(
            row_id,
            worker_id,
            status=OutboxStatus.SENT,
            sent_at=now,
            telegram_message_id=message_id,
            attempts=OutboxMessage.attempts + 1,
            last_error=None,
        )

    async def mark_failed(self, row_id: int, reason: str, *, worker_id: str | None = None) -> bool:
        return await self._settle(
            row_id,
            worker_id,
            status=OutboxStatus.FAILED,
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
            status=PENDING,
            not_before=not_before,
            attempts=attempts,
            last_error=_short(error) if error else None,
            claimed_by=None,
            claimed_at=None,
        )

    async def expire(self, row_id: int, *, worker_id: str | None = None) -> bool:
        """Too late to be useful (expires_at passed): never sent."""
        return await self._settle(row_id, worker_id, status=OutboxStatus.EXPIRED)

    async def skip(self, row_id: int, reason: str, *, worker_id: str | None = None) -> bool:
        """No longer relevant (the render hook said so): never sent."""
        return await self._settle(
            row_id, worker_id, status=OutboxStatus.SKIPPED, last_error=_short(reason)
        )

    async def mark_unreachable(
        self, row_id: int, reason: str, *, worker_id: str | None = None
    ) -> bool:
        return await self._settle(
            row_id, worker_id, status=OutboxStatus.UNREACHABLE, last_error=_short(reason)
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
            .where(OutboxMessage.status == PENDING, OutboxMessage.chat_id == chat_id)
            .values(status=OutboxStatus.UNREACHABLE, last_error=_short(reason), payload=BLANK)
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
        """The broadcast's rows (one per recipient) counted by status."""
        stmt = (
            select(OutboxMessage.status, func.count())
            .where(OutboxMessage.broadcast_id == broadcast_id)
            .group_by(OutboxMessage.status)
        )
        return {status: int(count) for status, count in (await self.session.execute(stmt)).all()}

    async def broadcast_rows_with_status(
        self, broadcast_id: int, statuses: Iterable[OutboxStatus]
    ) -> list[tuple[int, str, str | None]]:
        """(chat id, status, last error) of the broadcast's rows in `statuses`."""
        stmt = (
            select(OutboxMessage.chat_id, OutboxMessage.status, OutboxMessage.last_error)
            .where(
                OutboxMessage.broadcast_id == broadcast_id,
                OutboxMessage.status.in_(list(statuses)),
            )
            .order_by(OutboxMessage.id)
        )
        return [(row[0], row[1], row[2]) for row in await self.session.execute(stmt)]
