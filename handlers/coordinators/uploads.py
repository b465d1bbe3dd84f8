"""Staff send a CSV and get the import report: coordinators a batch schedule for their own
scope (rows of other BLKs are rejected with their line), administrators also the BLK
directory."""

from __future__ import annotations

from aiogram import Bot, F
from aiogram.filters import StateFilter
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from bot.coordinators.roles import Scope
from bot.coordinators.uploads import CsvKind, guess_kind, import_csv
from bot.services import Services
from handlers.common.blueprint import Blueprint
from handlers.common.filters import HasRole

router = Blueprint(name=__name__)

# Telegram lets bots download files up to 20 MB; a schedule or directory is far smaller.
MAX_CSV_BYTES = 5 * 1024 * 1024


@router.message(F.document, HasRole(), StateFilter(None))
async def csv_uploaded(message: Message, bot: Bot, services: Services, scope: Scope) -> None:
    document = message.document
    if (document.file_size or 0) > MAX_CSV_BYTES:
        await message.answer(_("import-too-big"))
        return
    raw = (await bot.download(document)).read()
    kind = guess_kind(raw)
    if kind is None:
        await message.answer(_("import-unknown-csv"))
        return
    if kind is CsvKind.BLK and not services.roles.is_admin(message.from_user.id):
        await message.answer(_("import-blk-admins-only"))
        return
    report = await import_csv(
        kind,
        raw,
        directory=services.directory,
        batches=services.batch_importer,
        source_name=f"telegram:{message.from_user.id}:{document.file_name or 'upload.csv'}",
        translate=_,
        actor_id=message.from_user.id,
        scope=scope,
    )
    await message.answer(report)
