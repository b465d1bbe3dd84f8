"""Template rows: outbox messages written when they are sent, not when they are queued.

A service queues a template name and the ids the message is about, in the transaction
that causes it; the sender's render hook (`TemplateRenderer`) builds the Bot API call
at sending time, in the recipient's language then and from the data as it is then, or
skips the row when it no longer applies. `Template` is the one list of names, and the
hook refuses to start unless each of them has a builder, so nothing can be queued that
cannot be written.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.outbox import Outgoing, enqueue
from storage.models import OutboxMessage

logger = logging.getLogger(__name__)


class Template(StrEnum):
    """Every template; the value is stored in rows (payload "template" and kind): never rename."""

    REMINDER = "reminder"
    PROMOTION = "promotion"
    ABANDONED = "abandoned"
    TICKET = "ticket"
    BROADCAST_PROGRESS = "broadcast-progress"
    BROADCAST_REPORT = "broadcast-report"
    BROADCAST_FAILURES = "broadcast-failures"
    BATCH_CANCELLED = "batch-cancelled"
    STAFF_MOVED_SEAT = "staff-moved-seat"
    STAFF_CANCELLED_SEAT = "staff-cancelled-seat"
    IMPORT_PROGRESS = "import-progress"
    IMPORT_REPORT = "import-report"
    BATCH_OPENED = "batch-opened"
    TRAINING_RESULT = "training-result"
    BATCH_OVER = "batch-over"
    SURVEY = "survey"


Payload = Mapping[str, Any]
# Builds the message for one chat from the row's payload; None skips the row.
Build = Callable[[int, Payload], Awaitable[Outgoing | None]]


class Language(Protocol):
    """Translations for one recipient (`bot.delivery.recipient_language.RecipientLanguage`,
    which needs aiogram's i18n; the services that queue templates do not)."""

    def of(self, chat_id: int) -> AbstractAsyncContextManager[str]: ...


def template_of(payload: str) -> tuple[Template, Payload] | None:
    """The template and payload of an outbox row; None for a ready-made Bot API call or a
    template this version does not know."""
    try:
        data = json.loads(payload)
    except ValueError:
        return None
    if not isinstance(data, dict) or "method" in data:
        return None
    try:
        return Template(data.get("template")), data
    except ValueError:
        return None


async def enqueue_template(
    session: AsyncSession,
    chat_id: int,
    template: Template,
    fields: Payload,
    *,
    dedupe_key: str,
    not_before: datetime,
    expires_at: datetime | None = None,
    enrollment_id: int | None = None,
    subject_id: int | None = None,
) -> bool:
    """Queue a template row (its kind is the template's name); False if `dedupe_key` exists.

    `fields` are JSON values the builder needs (ids, not texts: the row is stored
    readable). Template rows always carry a dedupe key, so planning the same message
    twice is harmless. `subject_id`: whom it is about, when not the recipient.
    """
    return await enqueue(
        session,
        chat_id,
        template.value,
        {"template": template.value, **fields},
        dedupe_key=dedupe_key,
        not_before=not_before,
        expires_at=expires_at,
        enrollment_id=enrollment_id,
        subject_id=subject_id,
    )


class TemplateRenderer:
    """The sender's render hook: the row's template built in its recipient's language."""

    def __init__(self, builders: Mapping[Template, Build], language: Language) -> None:
        missing = sorted(set(Template) - set(builders))
        if missing:
            raise ValueError(f"templates without a builder: {', '.join(missing)}")
        self._builders = dict(builders)
        self._language = language

    async def __call__(self, row: OutboxMessage) -> Outgoing | None:
        found = template_of(row.payload)
        if found is None:
            logger.warning("outbox row %s (%s): no template this version knows", row.id, row.kind)
            return None
        template, payload = found
        async with self._language.of(row.chat_id):
            return await self._builders[template](row.chat_id, payload)
