""" "Jadwal saya": the seat or waitlist place, with cancel, move and map."""

from __future__ import annotations

from aiogram import F
from aiogram.filters import Command, StateFilter
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.services import Services
from handlers.common.blueprint import Blueprint
from handlers.common.callbacks import (
    BatchAction,
    BatchCb,
    BlkAction,
    BlkCb,
    MenuAction,
    MenuCb,
    ScheduleAction,
    ScheduleCb,
)
from handlers.common.replies import close_keyboard
from handlers.training.render import numbered_batches, placement_text

router = Blueprint(name=__name__)


def _schedule_menu(blk_id: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("btn-schedule-cancel"), callback_data=ScheduleCb(action=ScheduleAction.CANCEL)
    )
    builder.button(
        text=_("btn-schedule-move"), callback_data=ScheduleCb(action=ScheduleAction.MOVE)
    )
    builder.button(
        text=_("btn-schedule-map"), callback_data=BlkCb(action=BlkAction.MAP, blk=blk_id)
    )
    builder.adjust(2, 1)
    return builder.as_markup()


@router.message(Command("jadwal"), StateFilter(None))
@router.callback_query(MenuCb.filter(F.action == MenuAction.MY_SCHEDULE), StateFilter(None))
async def cmd_jadwal(event: Message | CallbackQuery, services: Services) -> None:
    placement = await services.enrollment.placement(event.from_user.id)
    if placement is None:
        builder = InlineKeyboardBuilder()
        builder.button(
            text=_("menu-nearest-blk"), callback_data=MenuCb(action=MenuAction.NEAREST_BLK)
        )
        await event.bot.send_message(
            event.from_user.id, _("schedule-none"), reply_markup=builder.as_markup()
        )
        return
    await event.bot.send_message(
        event.from_user.id,
        placement_text(placement),
        reply_markup=_schedule_menu(placement.batch.blk_id),
    )


@router.message(Command("batal_jadwal"), StateFilter(None))
@router.callback_query(ScheduleCb.filter(F.action == ScheduleAction.CANCEL), StateFilter(None))
async def cmd_batal_jadwal(event: Message | CallbackQuery, services: Services) -> None:
    """Asks before giving the seat away: it may go to someone on the waitlist."""
    if await services.enrollment.placement(event.from_user.id) is None:
        await event.bot.send_message(event.from_user.id, _("schedule-none"))
        return
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("btn-schedule-cancel-yes"),
        callback_data=ScheduleCb(action=ScheduleAction.CANCEL_CONFIRMED),
    )
    builder.button(
        text=_("btn-schedule-keep"), callback_data=ScheduleCb(action=ScheduleAction.KEEP)
    )
    builder.adjust(1)
    await event.bot.send_message(
        event.from_user.id, _("schedule-cancel-confirm"), reply_markup=builder.as_markup()
    )


@router.callback_query(ScheduleCb.filter(F.action == ScheduleAction.CANCEL_CONFIRMED))
async def cancel_confirmed(callback: CallbackQuery, services: Services) -> None:
    """Nothing left to cancel (a second press) is told by the errors router."""
    await close_keyboard(callback)
    await services.enrollment.cancel(callback.from_user.id)
    # The next person on the waitlist is told through the outbox (bot.training.waitlist.release).
    await callback.bot.send_message(callback.from_user.id, _("schedule-cancelled"))


@router.callback_query(ScheduleCb.filter(F.action == ScheduleAction.KEEP))
async def cancel_declined(callback: CallbackQuery) -> None:
    await close_keyboard(callback)
    await callback.bot.send_message(callback.from_user.id, _("schedule-kept"))


@router.callback_query(ScheduleCb.filter(F.action == ScheduleAction.MOVE), StateFilter(None))
async def move_chosen(callback: CallbackQuery, services: Services) -> None:
    """Other open batches of the same BLK; the old seat is kept until the new one is sure."""
    placement = await services.enrollment.placement(callback.from_user.id)
    if placement is None:
        await callback.bot.send_message(callback.from_user.id, _("schedule-none"))
        return
    others = [
        b
        for b in await services.enrollment.open_batches(placement.batch.blk_id)
        if b.id != placement.batch.id
    ]
    builder = InlineKeyboardBuilder()
    builder.button(text=_("menu-nearest-blk"), callback_data=MenuCb(action=MenuAction.NEAREST_BLK))
    if not others:
        await callback.bot.send_message(
            callback.from_user.id, _("schedule-no-other-batch"), reply_markup=builder.as_markup()
        )
        return
    text, shown = numbered_batches(_("schedule-move-title"), others)
    for number, batch in enumerate(shown, start=1):
        builder.button(
            text=_("btn-batch-pick").format(number=number),
            callback_data=BatchCb(action=BatchAction.MOVE, batch=batch.id),
        )
    builder.adjust(1, 4)
    await callback.bot.send_message(callback.from_user.id, text, reply_markup=builder.as_markup())
