"""Broadcasts: one coordinator's message queued for everyone in an audience, in one go.

Creating a broadcast writes the broadcast row, one outbox row per recipient and the audit
entry in a single transaction: either every recipient is queued or none is. Delivery is
the sender's job (`bot.delivery.sender`); this module only reads the outbox rows'
statuses to report progress, cancels rows the sender has not claimed yet, and closes the
broadcast when none is left to send. The coordinator's progress edits and final report
are outbox rows too (templates), so a network error delays them but cannot lose them.
A message waits through a Telegram outage until the broadcast's expiry (a day by
default); the coordinator sees how many are waiting, and can have the failed ones sent
again from the report.
"""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.audit import AuditAction, record
from bot.clock import Clock
from bot.coordinators.audiences import Audience, AudienceService
from bot.coordinators.roles import RoleService
from bot.delivery.outbox import Outgoing, enqueue
from bot.delivery.templates import Template, enqueue_template
from bot.errors import N_, DomainError, NotPermitted
from bot.telegram_text import CAPTION_LIMIT, MESSAGE_LIMIT
from storage.coordinator_repository import BroadcastRepository
from storage.database import Database
from storage.models import Broadcast, OutboxStatus
from storage.outbox_repository import OutboxRepository

__all__ = [
    "AlreadyFinished",
    "BroadcastInfo",
    "BroadcastNotFound",
    "BroadcastService",
    "Draft",
    "MediaKind",
    "NoRecipients",
    "NothingToRetry",
    "Progress",
    "ProgressThrottle",
]

KIND = "broadcast"
# Sender statuses that are final and not a delivery; all of them go into the failures CSV.
NOT_DELIVERED = (
    OutboxStatus.FAILED,
    OutboxStatus.UNREACHABLE,
    OutboxStatus.EXPIRED,
    OutboxStatus.SKIPPED,
)
IN_FLIGHT = (OutboxStatus.PENDING, OutboxStatus.SENDING)
# What "Kirim ulang yang gagal" sends again: refused or too late, not the blocked chats.
RETRYABLE = (OutboxStatus.FAILED, OutboxStatus.EXPIRED)
# A progress edit not sent within this long is stale: a later count or the report follows.
PROGRESS_TTL = timedelta(minutes=1)


class MediaKind(StrEnum):
    PHOTO = "photo"
    DOCUMENT = "document"


class Status(StrEnum):
    QUEUED = "queued"
    CANCELLED = "cancelled"
    DONE = "done"


_METHODS = {MediaKind.PHOTO: "sendPhoto", MediaKind.DOCUMENT: "sendDocument"}


@dataclass(frozen=True)
class Draft:
    """The message as the coordinator wrote it: Telegram HTML, optionally with a file."""

    text: str
    media_kind: MediaKind | None = None
    media_file_id: str | None = None

    def too_long(self, plain_length: int) -> int | None:
        """The limit `plain_length` (visible text in UTF-16 units) exceeds, if any."""
        limit = CAPTION_LIMIT if self.media_kind else MESSAGE_LIMIT
        return limit if plain_length > limit else None

    def outgoing(self) -> Outgoing:
        """The Bot API call every recipient gets (chat_id is added per row by the sender)."""
        if self.media_kind is None:
            return Outgoing.text(self.text)
        params: dict[str, Any] = {self.media_kind.value: self.media_file_id}
        if self.text:
            params |= {"caption": self.text, "parse_mode": "HTML"}
        return Outgoing(_METHODS[self.media_kind], params)

    def as_dict(self) -> dict[str, str | None]:
        kind = self.media_kind.value if self.media_kind else None
        return {"text": self.text, "media_kind": kind, "media_file_id": self.media_file_id}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Draft:
        kind = data.get("media_kind")
        return cls(data["text"], MediaKind(kind) if kind else None, data.get("media_file_id"))


@dataclass(frozen=True)
class BroadcastInfo:
    id: int
    coordinator_id: int
    status: str
    total: int
    progress_chat_id: int | None
    progress_message_id: int | None
    finished_at: datetime | None

    @property
    def cancelled(self) -> bool:
        return self.status == Status.CANCELLED


@dataclass(frozen=True)
class Progress:
    """Outbox rows of one broadcast counted by status; `outage` while Telegram is away."""

    broadcast_id: int
    total: int
    counts: Mapping[str, int] = field(default_factory=dict)
    outage: bool = False

    @classmethod
    def started(cls, broadcast_id: int, total: int) -> Progress:
        """Just queued: every message waiting."""
        return cls(broadcast_id, total, {OutboxStatus.PENDING: total})

    @classmethod
    def queued(cls, broadcast_id: int, total: int, payload: Mapping[str, Any]) -> Progress:
        """The counts a progress message was queued with (`as_payload`)."""
        counts = {
            OutboxStatus.SENT: int(payload["sent"]),
            OutboxStatus.PENDING: int(payload.get("waiting", 0)),
            OutboxStatus.FAILED: int(payload.get("failed", 0)),
        }
        return cls(broadcast_id, total, counts, bool(payload.get("outage")))

    def as_payload(self) -> dict[str, Any]:
        return {
            "sent": self.sent,
            "waiting": self.in_flight,
            "failed": self.failed,
            "outage": self.outage,
        }

    def _sum(self, *statuses: OutboxStatus) -> int:
        return sum(self.counts.get(status, 0) for status in statuses)

    @property
    def sent(self) -> int:
        return self._sum(OutboxStatus.SENT)

    @property
    def in_flight(self) -> int:
        return self._sum(*IN_FLIGHT)

    @property
    def unreachable(self) -> int:
        """Blocked the bot, now or before the row's turn came."""
        return self._sum(OutboxStatus.UNREACHABLE, OutboxStatus.SKIPPED)

    @property
    def failed(self) -> int:
        return self._sum(OutboxStatus.FAILED, OutboxStatus.EXPIRED)

    @property
    def cancelled(self) -> int:
        return self._sum(OutboxStatus.CANCELLED)

    @property
    def done(self) -> bool:
        return self.in_flight == 0

    def shown_as(self, cancelled: bool) -> str:
        """What the progress message says, for the throttle: the counts, an outage, a cancel."""
        shown = f"{self.sent}/{self.total}/{self.in_flight}/{self.failed}"
        return shown + ("/outage" if self.outage else "") + ("/cancelled" if cancelled else "")


class NoRecipients(DomainError):
    """The audience is empty now; nothing was queued."""

    key = N_("bc-no-recipients")


class BroadcastNotFound(DomainError):
    key = N_("error-stale-button")


class AlreadyFinished(DomainError):
    """Cancelled before, or every message is already out."""

    key = N_("bc-already-finished")


class NothingToRetry(DomainError):
    """No message of the broadcast failed (or they are being sent again already)."""

    key = N_("bc-nothing-to-retry")


class ProgressThrottle:
    """What each progress message shows, so it is edited only when the text changed and
    at most once per `min_interval` seconds (Telegram limits edits too). Per process."""

    def __init__(
        self, min_interval: float = 5.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.min_interval = min_interval
        self._clock = clock
        self._shown: dict[int, tuple[str, float]] = {}

    def due(self, broadcast_id: int, text: str) -> bool:
        last = self._shown.get(broadcast_id)
        if last is None:
            return True
        return text != last[0] and self._clock() - last[1] >= self.min_interval

    def shown(self, broadcast_id: int, text: str) -> None:
        self._shown[broadcast_id] = (text, self._clock())

    def forget(self, broadcast_id: int) -> None:
        self._shown.pop(broadcast_id, None)


def _report_key(broadcast_id: int) -> str:
    return f"broadcast-report:{broadcast_id}"


def _failures_key(broadcast_id: int) -> str:
    return f"broadcast-failures:{broadcast_id}"


def _progress_keys(broadcast_id: int) -> str:
    """The start of its progress edits' keys, which end in what each showed."""
    return f"broadcast-progress:{broadcast_id}:"


def _draft(row: Broadcast) -> Draft:
    kind = MediaKind(row.media_kind) if row.media_kind else None
    return Draft(row.text, kind, row.media_file_id)


def _info(row: Broadcast) -> BroadcastInfo:
    return BroadcastInfo(
        row.id,
        row.coordinator_id,
        row.status,
        row.total,
        row.progress_chat_id,
        row.progress_message_id,
        row.finished_at,
    )


class BroadcastService:
    def __init__(
        self,
        db: Database,
        roles: RoleService,
        audiences: AudienceService,
        clock: Clock | None = None,
        throttle: ProgressThrottle | None = None,
        expiry: timedelta = timedelta(hours=24),
    ) -> None:
        self._db = db
        self._roles = roles
        self._audiences = audiences
        self.clock = clock or Clock()
        self.throttle = throttle or ProgressThrottle()
        self.expiry = expiry  # a message not delivered this long after queueing expires

    async def create(self, actor: int, draft: Draft, audience: Audience) -> BroadcastInfo:
        """Queue `draft` for the audience within the actor's scope, as it is at this moment.

        Raises `NotPermitted` (no role), `NotInScope` or `NoRecipients`; nothing is saved then.
        """
        async with self._db.transaction() as session:
            scope = await self._roles.scope_in(session, actor)
            if scope is None:
                raise NotPermitted
            recipients = await self._audiences.recipients_in(session, scope, audience)
            if not recipients:
                raise NoRecipients
            row = await BroadcastRepository(session).add(
                Broadcast(
                    coordinator_id=actor,
                    audience=json.dumps(audience.as_dict()),
                    text=draft.text,
                    media_kind=draft.media_kind.value if draft.media_kind else None,
                    media_file_id=draft.media_file_id,
                    status=Status.QUEUED.value,
                    total=len(recipients),
                )
            )
            await self._queue(session, row, recipients)
            record(
                session,
                actor,
                AuditAction.BROADCAST_CREATED,
                broadcast_id=row.id,
                scope=scope.as_dict(),
                audience=audience.as_dict(),
                recipients=len(recipients),
                media_kind=row.media_kind,
                length=len(draft.text),
            )
            return _info(row)

    async def attach_progress_message(
        self, broadcast_id: int, chat_id: int, message_id: int
    ) -> None:
        """Remember where the progress is shown (it says 0 sent); it can only be sent after
        `create` commits."""
        async with self._db.transaction() as session:
            row = await BroadcastRepository(session).get(broadcast_id)
            if row is None:
                raise BroadcastNotFound
            row.progress_chat_id, row.progress_message_id = chat_id, message_id
            shown_as = Progress.started(broadcast_id, row.total).shown_as(cancelled=False)
        self.throttle.shown(broadcast_id, shown_as)

    async def get(self, broadcast_id: int) -> BroadcastInfo | None:
        async with self._db.transaction() as session:
            row = await BroadcastRepository(session).get(broadcast_id)
            return _info(row) if row else None

    async def unfinished(self) -> list[BroadcastInfo]:
        async with self._db.transaction() as session:
            return [_info(row) for row in await BroadcastRepository(session).unfinished()]

    async def progress(self, broadcast_id: int) -> Progress:
        async with self._db.transaction() as session:
            row = await BroadcastRepository(session).get(broadcast_id)
            if row is None:
                raise BroadcastNotFound
            counts = await OutboxRepository(session).broadcast_counts(broadcast_id)
            return Progress(broadcast_id, row.total, counts)

    async def _own(self, session: AsyncSession, broadcast_id: int, actor: int) -> Broadcast:
        """The broadcast, if `actor` wrote it or is an admin."""
        row = await BroadcastRepository(session).get(broadcast_id)
        if row is None:
            raise BroadcastNotFound
        if actor != row.coordinator_id and not self._roles.is_admin(actor):
            raise NotPermitted
        return row

    async def cancel(self, broadcast_id: int, actor: int) -> int:
        """Stop a broadcast: its pending rows become "cancelled". Its author or an admin
        may; returns how many messages will not be sent. Audited."""
        async with self._db.transaction() as session:
            row = await self._own(session, broadcast_id, actor)
            if row.status == Status.CANCELLED or row.finished_at is not None:
                raise AlreadyFinished
            cancelled = await OutboxRepository(session).cancel_pending_of_broadcast(broadcast_id)
            row.status = Status.CANCELLED.value
            record(
                session,
                actor,
                AuditAction.BROADCAST_CANCELLED,
                broadcast_id=broadcast_id,
                cancelled=cancelled,
            )
            return cancelled

    async def retry_failed(self, broadcast_id: int, actor: int) -> int:
        """Queue the failed and expired messages anew, with a new expiry, and reopen the
        broadcast so its progress and a new report follow. Its author or an admin may;
        blocked chats are not tried again. Returns how many; audited."""
        async with self._db.transaction() as session:
            row = await self._own(session, broadcast_id, actor)
            if row.status == Status.CANCELLED:
                raise AlreadyFinished
            outbox = OutboxRepository(session)
            chats = await outbox.take_broadcast_rows(broadcast_id, RETRYABLE)
            if not chats:
                raise NothingToRetry
            # Reopened, it shows its progress and reports again, whatever it showed before.
            await outbox.forget_dedupe_keys(
                (_report_key(broadcast_id), _failures_key(broadcast_id)),
                prefix=_progress_keys(broadcast_id),
            )
            await self._queue(session, row, chats)
            row.status, row.finished_at = Status.QUEUED.value, None
            record(
                session,
                actor,
                AuditAction.BROADCAST_RETRIED,
                broadcast_id=broadcast_id,
                count=len(chats),
            )
        self.throttle.forget(broadcast_id)
        return len(chats)

    async def _queue(self, session: AsyncSession, row: Broadcast, chats: Iterable[int]) -> None:
        """One row per chat, due now, expiring after `expiry`."""
        message, now = _draft(row).outgoing(), self.clock.now()
        for chat_id in chats:
            await enqueue(
                session,
                chat_id,
                KIND,
                message,
                not_before=now,
                expires_at=now + self.expiry,
                broadcast_id=row.id,
            )

    async def finish_if_done(self, broadcast_id: int) -> bool:
        """Close the broadcast once no row is pending or being sent. True only for the one
        call that closed it, so the final report goes out once even with several bots."""
        async with self._db.transaction() as session:
            broadcasts = BroadcastRepository(session)
            row = await broadcasts.get(broadcast_id)
            if row is None or row.finished_at is not None:
                return False
            counts = await OutboxRepository(session).broadcast_counts(broadcast_id)
            if any(counts.get(status) for status in IN_FLIGHT):
                return False
            final = Status.CANCELLED if row.status == Status.CANCELLED else Status.DONE
            now = self.clock.now()
            if not await broadcasts.finish(broadcast_id, final.value, now):
                return False
            await _queue_report(session, row, Progress(broadcast_id, row.total, counts), now)
            return True

    async def update_progress(self, *, telegram_down: bool = False) -> bool:
        """One round over the unfinished broadcasts: queue an edit of each progress message
        whose count changed (at most every `throttle.min_interval`), saying so while
        `telegram_down` (the sender is waiting out an outage), close the finished ones with
        their report. True when anything was queued, to wake the sender."""
        queued = False
        for info in await self.unfinished():
            progress = replace(await self.progress(info.id), outage=telegram_down)
            if progress.done:
                if await self.finish_if_done(info.id):
                    self.throttle.forget(info.id)
                    queued = True
            elif info.progress_chat_id is not None and info.progress_message_id is not None:
                queued |= await self._queue_progress(info, info.progress_chat_id, progress)
        return queued

    async def _queue_progress(self, info: BroadcastInfo, chat_id: int, progress: Progress) -> bool:
        """The count as it is now, for the progress message (a cancelled one loses its button)."""
        shown_as = progress.shown_as(info.cancelled)
        if not self.throttle.due(info.id, shown_as):
            return False
        now = self.clock.now()
        async with self._db.transaction() as session:
            queued = await enqueue_template(
                session,
                chat_id,
                Template.BROADCAST_PROGRESS,
                {"broadcast": info.id, **progress.as_payload(), "cancelled": info.cancelled},
                # Once per count: after a restart the throttle forgot what was shown.
                dedupe_key=f"{_progress_keys(info.id)}{shown_as}",
                not_before=now,
                expires_at=now + PROGRESS_TTL,
            )
        self.throttle.shown(info.id, shown_as)
        return queued

    async def failures_csv(self, broadcast_id: int) -> bytes:
        """chat_id,status,reason for every message that was not delivered; chat ids and
        Telegram's error texts only, no personal data."""
        async with self._db.transaction() as session:
            rows = await OutboxRepository(session).broadcast_rows_with_status(
                broadcast_id, NOT_DELIVERED
            )
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["chat_id", "status", "reason"])
        for chat_id, status, reason in rows:
            writer.writerow([chat_id, status, reason or ""])
        return buffer.getvalue().encode("utf-8")


async def _queue_report(
    session: AsyncSession, row: Broadcast, progress: Progress, now: datetime
) -> None:
    """The final counts for the coordinator, and the undelivered rows as a CSV file if any,
    in the transaction that closes the broadcast (at `now`)."""
    if row.progress_chat_id is None:
        return
    fields = {"broadcast": row.id}
    await enqueue_template(
        session,
        row.progress_chat_id,
        Template.BROADCAST_REPORT,
        fields,
        dedupe_key=_report_key(row.id),
        not_before=now,
    )
    if progress.unreachable or progress.failed:
        await enqueue_template(
            session,
            row.progress_chat_id,
            Template.BROADCAST_FAILURES,
            fields,
            dedupe_key=_failures_key(row.id),
            not_before=now,
        )
