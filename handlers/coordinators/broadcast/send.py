"""/siaran, last step: queue the previewed broadcast (or change/discard it), show its
progress message, cancel a running broadcast from that message's button, and send the
failed messages again from the final report's button."""

from __future__ import annotations

from contextlib import suppress

from aiogram import F
from aiogram.exceptions import TelegramBadRequest
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from bot.coordinators.audiences import Audience, NotInScope
from bot.coordinators.broadcasts import (
    AlreadyFinished,
    Draft,
    NoRecipients,
    NothingToRetry,
    Progress,
)
from bot.coordinators.roles import Scope
from bot.delivery.deferred_replies import send_now
from bot.errors import NotPermitted
from bot.services import Services
from handlers.common.blueprint import Blueprint
from handlers.common.callbacks import BroadcastAction, BroadcastCb, DraftAction, DraftCb
from handlers.common.errors import error_text
from handlers.common.filters import HasRole
from handlers.common.replies import alert, close_keyboard
from handlers.coordinators.broadcast.compose import Compose, ask_audience
from handlers.coordinators.broadcast.render import (
    cancel_button,
    cancel_confirm,
    number,
    progress_text,
)

router = Blueprint(name=__name__)


async def _replace_text(callback: CallbackQuery, text: str) -> None:
    """Turn the pressed confirmation into its outcome (it may be gone or too old to edit)."""
    if isinstance(callback.message, Message):
        with suppress(TelegramBadRequest):
            await callback.message.edit_text(text, reply_markup=None)
            return
    await callback.bot.send_message(callback.from_user.id, text)


@router.callback_query(Compose.preview, DraftCb.filter(F.action == DraftAction.SEND), HasRole())
async def send_confirmed(
    callback: CallbackQuery,
    state: FSMContext,
    scope: Scope,
    services: Services,
    callback_answer: CallbackAnswer,
) -> None:
    """Queues the broadcast for the audience as it is now; replies with the progress."""
    data = await state.get_data()
    draft, audience = Draft.from_dict(data["draft"]), Audience.from_dict(data["audience"])
    chat_id = callback.from_user.id
    await close_keyboard(callback)
    try:
        info = await services.broadcasts.create(chat_id, draft, audience)
    except NoRecipients as exc:
        await ask_audience(callback.bot, chat_id, state, scope, error_text(exc))
        return
    except (NotInScope, NotPermitted) as exc:
        await state.clear()
        alert(callback_answer, error_text(exc))
        return
    await state.clear()
    text = progress_text(Progress.started(info.id, info.total))
    with send_now():  # its real message id is needed to edit it later
        sent = await callback.bot.send_message(chat_id, text, reply_markup=cancel_button(info.id))
    await services.broadcasts.attach_progress_message(info.id, chat_id, sent.message_id)


@router.callback_query(Compose.preview, DraftCb.filter(F.action == DraftAction.AUDIENCE), HasRole())
async def audience_change(callback: CallbackQuery, state: FSMContext, scope: Scope) -> None:
    """Keeps the message; asks for the audience again."""
    await close_keyboard(callback)
    await ask_audience(callback.bot, callback.from_user.id, state, scope, _("bc-ask-audience"))


@router.callback_query(Compose.preview, DraftCb.filter(F.action == DraftAction.DISCARD))
async def discarded(callback: CallbackQuery, state: FSMContext) -> None:
    await state.clear()
    await close_keyboard(callback)
    await callback.bot.send_message(callback.from_user.id, _("bc-discarded"))


@router.callback_query(BroadcastCb.filter(F.action == BroadcastAction.CANCEL), HasRole())
async def cancel_asked(callback: CallbackQuery, callback_data: BroadcastCb) -> None:
    """The progress message's "Batalkan": asks for confirmation first."""
    await callback.bot.send_message(
        callback.from_user.id,
        _("bc-cancel-ask").format(id=callback_data.broadcast),
        reply_markup=cancel_confirm(callback_data.broadcast),
    )


@router.callback_query(BroadcastCb.filter(F.action == BroadcastAction.CANCEL_CONFIRMED), HasRole())
async def cancel_confirmed(
    callback: CallbackQuery,
    callback_data: BroadcastCb,
    services: Services,
    callback_answer: CallbackAnswer,
) -> None:
    """Messages not yet sent are dropped; the progress message shows the report soon.

    Someone else's or an unknown broadcast is refused by the errors router."""
    broadcast_id = callback_data.broadcast
    try:
        dropped = await services.broadcasts.cancel(broadcast_id, callback.from_user.id)
    except AlreadyFinished as exc:
        await close_keyboard(callback)
        alert(callback_answer, error_text(exc))
        return
    await _replace_text(callback, _("bc-cancelled").format(id=broadcast_id, count=number(dropped)))


@router.callback_query(BroadcastCb.filter(F.action == BroadcastAction.RETRY_FAILED), HasRole())
async def retry_failed_pressed(
    callback: CallbackQuery,
    callback_data: BroadcastCb,
    services: Services,
    callback_answer: CallbackAnswer,
) -> None:
    """The report's "Kirim ulang yang gagal": the failed messages are queued again, and the
    report turns back into the progress. Someone else's or an unknown broadcast is refused
    by the errors router."""
    broadcast_id = callback_data.broadcast
    await close_keyboard(callback)
    try:
        count = await services.broadcasts.retry_failed(broadcast_id, callback.from_user.id)
    except (NothingToRetry, AlreadyFinished) as exc:
        alert(callback_answer, error_text(exc))
        return
    text = _("bc-retried").format(id=broadcast_id, count=number(count))
    await callback.bot.send_message(callback.from_user.id, text)


@router.callback_query(BroadcastCb.filter(F.action == BroadcastAction.KEEP), HasRole())
async def cancel_declined(callback: CallbackQuery, callback_data: BroadcastCb) -> None:
    await _replace_text(callback, _("bc-kept").format(id=callback_data.broadcast))
