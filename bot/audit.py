"""The audit log: who did what with coordinator and admin powers.

An entry is written in the transaction of the action itself, so the log has an entry
exactly when the action happened. Details are ids and counts only: personal data
(NIK, phone, names, message texts) never goes into the log, and keys that would carry
it are refused outright rather than filtered, so a mistake shows up in tests.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from bot.csv_table import ImportReport
from storage.coordinator_repository import AuditRepository

FORBIDDEN_KEYS = frozenset(
    {"nik", "phone", "full_name", "name", "birth_date", "text", "caption", "address"}
)


class AuditAction(StrEnum):
    COORDINATOR_GRANTED = "coordinator.granted"
    COORDINATOR_REVOKED = "coordinator.revoked"
    BROADCAST_CREATED = "broadcast.created"
    BROADCAST_CANCELLED = "broadcast.cancelled"
    BROADCAST_RETRIED = "broadcast.retried"
    CSV_IMPORTED = "csv.imported"
    TICKET_VIEWED = "ticket.viewed"
    TICKET_ANSWERED = "ticket.answered"
    ROSTER_VIEWED = "roster.viewed"
    ROSTER_EXPORTED = "roster.exported"
    REGISTRANTS_EXPORTED = "registrants.exported"
    BATCH_CREATED = "batch.created"
    BATCH_EDITED = "batch.edited"
    BATCH_CLOSED = "batch.closed"
    BATCH_REOPENED = "batch.reopened"
    BATCH_CANCELLED = "batch.cancelled"
    PARTICIPANT_SEARCHED = "participant.searched"
    PARTICIPANT_VIEWED = "participant.viewed"
    PARTICIPANT_MOVED = "participant.moved"
    PARTICIPANT_SEAT_CANCELLED = "participant.seat_cancelled"
    NIK_RELEASED = "participant.nik_released"
    CHECK_IN_VIEWED = "check_in.viewed"
    CHECK_IN_MARKED = "check_in.marked"
    BATCH_COMPLETED = "batch.completed"
    RESULT_OVERRIDDEN = "result.overridden"
    CERTIFICATE_REVOKED = "certificate.revoked"
    FAQ_TAUGHT = "faq.taught"
    FAQ_UNTAUGHT = "faq.untaught"


def _checked(details: Mapping[str, object]) -> str:
    def walk(value: object) -> None:
        if isinstance(value, Mapping):
            leaked = FORBIDDEN_KEYS & set(value)
            if leaked:
                raise ValueError(f"personal data in audit details: {sorted(leaked)}")
            for item in value.values():
                walk(item)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)

    walk(details)
    return json.dumps(details, ensure_ascii=False, sort_keys=True)


def record(session: AsyncSession, actor_id: int, action: AuditAction, **details: object) -> None:
    """Add an entry to the caller's transaction; it commits or rolls back with the action."""
    AuditRepository(session).add(actor_id, action.value, _checked(details))


def audit_import(session: AsyncSession, actor_id: int, kind: str, report: ImportReport) -> None:
    """A coordinator's CSV import: what kind of file and how many rows did what."""
    record(
        session,
        actor_id,
        AuditAction.CSV_IMPORTED,
        kind=kind,
        added=report.added,
        updated=report.updated,
        unchanged=report.unchanged,
        rejected=report.rejected_count,
    )
