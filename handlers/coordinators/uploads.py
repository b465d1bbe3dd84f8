"""Staff send a CSV and get the import report: coordinators a batch schedule for their own
scope (rows of other BLKs are rejected with their line), administrators also the BLK and
PLUT directories.

The update only downloads the file (at most IMPORT_MAX_BYTES, counted while it arrives)
and stores it as an import job; the rows are imported after it committed, in chunks
(`bot.coordinators.import_jobs`), so other people are answered meanwhile. The
acknowledgement is sent at once because its message id is needed: the job edits it with
its progress and, at the end, the report.
"""

from __future__ import annotations

import io

from aiogram import Bot, F
from aiogram.filters import StateFilter
from aiogram.types import Document, Message
from aiogram.utils.i18n import gettext as _

from bot.coordinators.roles import Scope
from bot.coordinators.uploads import CsvKind, guess_kind
from bot.delivery.deferred_replies import send_now
from bot.errors import N_
from bot.services import Services
from handlers.common.blueprint import Blueprint
from handlers.common.filters import HasRole

router = Blueprint(name=__name__)

# The directories, which only administrators send, and the refusal for anyone else.
_ADMINS_ONLY = {
    CsvKind.BLK: N_("import-blk-admins-only"),
    CsvKind.PLUT: N_("import-plut-admins-only"),
}


class TooBig(Exception):
    """The download went past the byte cap: the rest is not read."""


class CappedBuffer(io.BytesIO):
    """A download destination that refuses to hold more than `cap` bytes, whatever size
    the document claimed."""

    def __init__(self, cap: int) -> None:
        super().__init__()
        self._cap = cap

    def write(self, chunk: bytes) -> int:  # type: ignore[override]
        if self.tell() + len(chunk) > self._cap:
            raise TooBig
        return super().write(chunk)


async def download_capped(bot: Bot, document: Document, cap: int) -> bytes | None:
    """The file's bytes, streamed; None as soon as it is larger than `cap`."""
    if (document.file_size or 0) > cap:
        return None
    buffer = CappedBuffer(cap)
    try:
        await bot.download(document, destination=buffer)
    except TooBig:
        return None
    return buffer.getvalue()


def _size(size: int) -> str:
    """5 MB, 1.5 MB or 512 KB: the cap as an operator would have set it."""
    if size < 1024 * 1024:
        return f"{size // 1024} KB"
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + " MB"


@router.message(F.document, HasRole(), StateFilter(None))
async def csv_uploaded(message: Message, bot: Bot, services: Services, scope: Scope) -> None:
    document, cap = message.document, services.imports.max_bytes
    raw = await download_capped(bot, document, cap)
    if raw is None:
        await message.answer(_("import-too-big").format(limit=_size(cap)))
        return
    kind = guess_kind(raw)
    if kind is None:
        await message.answer(_("import-unknown-csv"))
        return
    if kind in _ADMINS_ONLY and not services.roles.is_admin(message.from_user.id):
        await message.answer(_(_ADMINS_ONLY[kind]))
        return
    with send_now():  # its real message id is needed to edit it with the progress
        received = await message.answer(_("import-queued"))
    await services.imports.submit(
        kind,
        raw,
        actor_id=message.from_user.id,
        scope=scope,
        source_name=f"telegram:{message.from_user.id}:{document.file_name or 'upload.csv'}",
        progress_message_id=received.message_id,
    )
