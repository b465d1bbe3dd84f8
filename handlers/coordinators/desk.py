"""The coordinators' desk, /peserta: batches in scope → a batch's roster → spreadsheets.

Browsing edits one message in place (buttons, never typing); every press is checked
again by the services, so a forged batch id outside the presser's scope gets the same
"button no longer valid" as a stale one (from the errors router). Everyone without a
role falls through to the fallback, as with every coordinator tool.
"""

from __future__ import annotations

from aiogram import F
from aiogram.enums import ChatAction
from aiogram.filters import Command, StateFilter
from aiogram.types import CallbackQuery, FSInputFile, Message
from aiogram.utils.i18n import gettext as _

from bot.services import Services
from handlers.common.blueprint import Blueprint
from handlers.common.callbacks import DeskAction, DeskCb, SheetCb
from handlers.common.filters import HasRole
from handlers.common.replies import show_in_place
from handlers.coordinators.broadcast.render import number
from handlers.coordinators.desk_render import batch_list, roster_page
from handlers.coordinators.desk_sheets import sheet_columns

router = Blueprint(name=__name__)


@router.message(Command("peserta"), StateFilter(None), HasRole())
async def cmd_peserta(message: Message, services: Services) -> None:
    """The first page of the coordinator's batches, newest first."""
    text, markup = batch_list(await services.rosters.batches(message.from_user.id, 0))
    await message.answer(text, reply_markup=markup)


@router.callback_query(DeskCb.filter(F.action == DeskAction.BATCHES), HasRole())
async def batches_chosen(
    callback: CallbackQuery, callback_data: DeskCb, services: Services
) -> None:
    page = await services.rosters.batches(callback.from_user.id, callback_data.page)
    await show_in_place(callback, *batch_list(page))


@router.callback_query(DeskCb.filter(F.action == DeskAction.ROSTER), HasRole())
async def roster_chosen(callback: CallbackQuery, callback_data: DeskCb, services: Services) -> None:
    """One page of a batch's participants; the service checks the batch is in scope."""
    roster = await services.rosters.roster(callback.from_user.id, callback_data.batch)
    await show_in_place(callback, *roster_page(roster, callback_data.page))


@router.callback_query(SheetCb.filter(), HasRole())
async def sheet_chosen(callback: CallbackQuery, callback_data: SheetCb, services: Services) -> None:
    """A batch's roster (batch > 0) or everyone registered in scope, as a document."""
    actor = callback.from_user.id
    await callback.bot.send_chat_action(actor, ChatAction.UPLOAD_DOCUMENT)
    exports, fmt = services.exports, callback_data.fmt
    if callback_data.batch:
        columns = sheet_columns(with_place=False)
        sheet = exports.batch_sheet(actor, callback_data.batch, fmt, columns)
        caption = _("desk-sheet-roster-caption")
    else:
        sheet = exports.registrants_sheet(actor, fmt, sheet_columns(with_place=True))
        caption = _("desk-sheet-all-caption")
    async with sheet as file:
        document = FSInputFile(file.path, filename=file.filename)
        await callback.bot.send_document(
            actor, document, caption=caption.format(rows=number(file.rows))
        )
