"""A BLK's open batches, and taking a seat (or a waitlist place) in one of them."""

from __future__ import annotations

from aiogram import F, html
from aiogram.filters import StateFilter
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.directory.service import BlkInfo
from bot.registration.service import NotRegistered
from bot.services import Services
from bot.training.placements import Placement
from bot.training.seat_rules import BatchFull, NotEligible
from handlers.common.blueprint import Blueprint
from handlers.common.callbacks import BatchAction, BatchCb, BlkAction, BlkCb, MenuAction, MenuCb
from handlers.common.replies import alert, close_keyboard, pressed_blk
from handlers.training.eligibility import outcome_text
from handlers.training.render import batch_text, numbered_batches, placement_text

router = Blueprint(name=__name__)


def _one_button(text: str, data: BatchCb | MenuCb) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=text, callback_data=data)
    return builder.as_markup()


def _blk_page_buttons(builder: InlineKeyboardBuilder, blk_id: str) -> InlineKeyboardMarkup:
    """A BLK's page ends with its map and the way back to the BLKs around it."""
    builder.row(
        InlineKeyboardButton(
            text=_("btn-schedule-map"), callback_data=BlkCb(action=BlkAction.MAP, blk=blk_id).pack()
        ),
        InlineKeyboardButton(
            text=_("btn-blk-back"), callback_data=BlkCb(action=BlkAction.NEAR, blk=blk_id).pack()
        ),
    )
    return builder.as_markup()


def _watch_button(builder: InlineKeyboardBuilder, blk_id: str, watching: bool) -> None:
    """ "Beri tahu saya", or, for someone already waiting there, the way to stop it."""
    action = BlkAction.UNWATCH if watching else BlkAction.NOTIFY
    label = _("btn-blk-unwatch") if watching else _("btn-blk-notify")
    builder.button(text=label, callback_data=BlkCb(action=action, blk=blk_id))


@router.callback_query(BlkCb.filter(F.action == BlkAction.BATCHES))
async def batches_chosen(
    callback: CallbackQuery,
    callback_data: BlkCb,
    services: Services,
    callback_answer: CallbackAnswer,
) -> None:
    """A BLK's page: its open batches with dates and seats left, each with a "Pilih"
    button; or that none is open."""
    blk = await pressed_blk(callback_data, services, callback_answer)
    if blk is None:
        return
    batches = await services.enrollment.open_batches(blk.id)
    builder = InlineKeyboardBuilder()
    if not batches:
        watching = blk.id in await services.blk_watches.watched(callback.from_user.id)
        _watch_button(builder, blk.id, watching)
        await callback.bot.send_message(
            callback.from_user.id,
            _("batches-none").format(blk=html.quote(blk.name)),
            reply_markup=_blk_page_buttons(builder, blk.id),
        )
        return
    text, shown = numbered_batches(_("batches-title").format(blk=html.quote(blk.name)), batches)
    for number, batch in enumerate(shown, start=1):
        builder.button(
            text=_("btn-batch-pick").format(number=number),
            callback_data=BatchCb(action=BatchAction.PICK, batch=batch.id),
        )
    builder.adjust(4)
    markup = _blk_page_buttons(builder, blk.id)
    await callback.bot.send_message(callback.from_user.id, text, reply_markup=markup)


@router.callback_query(BlkCb.filter(F.action.in_({BlkAction.NOTIFY, BlkAction.UNWATCH})))
async def watch_chosen(
    callback: CallbackQuery,
    callback_data: BlkCb,
    services: Services,
    callback_answer: CallbackAnswer,
) -> None:
    """ "Beri tahu saya" (one notice when a batch opens at this BLK, bot.training.blk_watch)
    or "Berhenti memberi tahu" (pressed twice, says there was none)."""
    blk = await pressed_blk(callback_data, services, callback_answer)
    if blk is None:
        return
    watching = callback_data.action is BlkAction.NOTIFY
    if watching:
        started = await services.blk_watches.watch(callback.from_user.id, blk.id)
        text = _("blk-watch-started") if started else _("blk-watch-already")
    else:
        stopped = await services.blk_watches.stop(callback.from_user.id, blk.id)
        text = _("blk-watch-stopped") if stopped else _("blk-watch-none")
    await _watch_answered(callback, blk, text, watching=watching)


async def _watch_answered(
    callback: CallbackQuery, blk: BlkInfo, text: str, *, watching: bool
) -> None:
    """The watch's new state in words, with the button that undoes it and the way back."""
    await close_keyboard(callback)
    builder = InlineKeyboardBuilder()
    _watch_button(builder, blk.id, watching=watching)
    await callback.bot.send_message(
        callback.from_user.id,
        text.format(blk=html.quote(blk.name)),
        reply_markup=_blk_page_buttons(builder, blk.id),
    )


@router.callback_query(BatchCb.filter(F.action == BatchAction.PICK), StateFilter(None))
async def batch_picked(
    callback: CallbackQuery,
    callback_data: BatchCb,
    services: Services,
    callback_answer: CallbackAnswer,
) -> None:
    """Shows the batch and the one action that fits: enrol, waitlist or move."""
    batch = await services.enrollment.batch(callback_data.batch)
    if batch is None or batch.status != "open":
        alert(callback_answer, _("error-stale-button"))
        return
    placement = await services.enrollment.placement(callback.from_user.id)
    if placement is not None:
        action, label = BatchAction.MOVE, _("btn-batch-move")
    elif batch.seats_left > 0:
        action, label = BatchAction.ENROLL, _("btn-batch-enroll")
    else:
        action, label = BatchAction.WAITLIST, _("btn-batch-waitlist")
    builder = InlineKeyboardBuilder()
    builder.button(text=label, callback_data=BatchCb(action=action, batch=batch.id))
    builder.button(
        text=_("btn-batch-back"), callback_data=BlkCb(action=BlkAction.BATCHES, blk=batch.blk_id)
    )
    builder.adjust(1)
    await callback.bot.send_message(
        callback.from_user.id, batch_text(batch), reply_markup=builder.as_markup()
    )


@router.callback_query(
    BatchCb.filter(F.action.in_({BatchAction.ENROLL, BatchAction.WAITLIST, BatchAction.MOVE})),
    StateFilter(None),
)
async def enrollment_confirmed(
    callback: CallbackQuery, callback_data: BatchCb, services: Services
) -> None:
    """Rules are checked again by the service: the button may be old or forged.

    A closed batch, a second seat or nothing to move is told by the errors router.
    """
    await close_keyboard(callback)
    user_id = callback.from_user.id
    try:
        if callback_data.action is BatchAction.MOVE:
            move = await services.enrollment.reschedule(user_id, callback_data.batch)
            placement = move.placement
        else:
            waitlist = callback_data.action is BatchAction.WAITLIST
            placement = await services.enrollment.enroll(
                user_id, callback_data.batch, waitlist=waitlist
            )
    except NotRegistered:
        register = MenuCb(action=MenuAction.REGISTER)
        await callback.bot.send_message(
            user_id,
            _("batch-register-first"),
            reply_markup=_one_button(_("menu-register"), register),
        )
        return
    except NotEligible as exc:
        await callback.bot.send_message(user_id, outcome_text(exc.assessment))
        return
    except BatchFull:
        await _offer_waitlist(
            callback, callback_data, moving=callback_data.action is BatchAction.MOVE
        )
        return
    # Whoever got the freed seat is told through the outbox (bot.training.waitlist.release).
    await callback.bot.send_message(user_id, _done_text(placement, callback_data.action))


def _done_text(placement: Placement, action: BatchAction) -> str:
    if placement.position is not None:
        headline = _("batch-waitlisted").format(position=placement.position)
    elif action is BatchAction.MOVE:
        headline = _("batch-moved")
    else:
        headline = _("batch-enrolled")
    note = _("batch-reminder-note")
    return f"{headline}\n\n{placement_text(placement)}\n\n{note}"


async def _offer_waitlist(callback: CallbackQuery, callback_data: BatchCb, *, moving: bool) -> None:
    if moving:
        await callback.bot.send_message(callback.from_user.id, _("batch-full-kept-old"))
        return
    waitlist = BatchCb(action=BatchAction.WAITLIST, batch=callback_data.batch)
    await callback.bot.send_message(
        callback.from_user.id,
        _("batch-full"),
        reply_markup=_one_button(_("btn-batch-waitlist"), waitlist),
    )
