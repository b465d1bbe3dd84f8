""" "Jadwal saya": the seat or waitlist place, with cancel, move and map — or, once the
batch was completed, the result with the certificate and what comes next — and the BLKs
the person waits to hear from ("Beri tahu saya")."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiogram import F, html
from aiogram.filters import Command, StateFilter
from aiogram.types import CallbackQuery, InlineKeyboardButton, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.directory.service import BlkInfo
from bot.services import Services
from bot.telegram_text import fit
from bot.training.placements import Finished
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
from handlers.common.render import long_date
from handlers.common.replies import close_keyboard
from handlers.training.render import numbered_batches, placement_text

router = Blueprint(name=__name__)

MAX_LISTED_WATCHES = 8  # BLK names run to 200 characters: eight fit in one message
BUTTON_NAME_LENGTH = 40  # a BLK's name on a button, cut to stay readable on a phone


def _add_placement_buttons(builder: InlineKeyboardBuilder, blk_id: str) -> None:
    builder.button(
        text=_("btn-schedule-cancel"), callback_data=ScheduleCb(action=ScheduleAction.CANCEL)
    )
    builder.button(
        text=_("btn-schedule-move"), callback_data=ScheduleCb(action=ScheduleAction.MOVE)
    )
    builder.button(
        text=_("btn-schedule-map"), callback_data=BlkCb(action=BlkAction.MAP, blk=blk_id)
    )


def finished_text(finished: Finished) -> str:
    """The completed batch, the result in force and what to do next."""
    batch, result = finished.batch, finished.result
    zone = ZoneInfo(batch.timezone)
    if result is None:
        outcome, following = _("schedule-finished-no-result"), _("schedule-finished-next-again")
    else:
        outcome = _("schedule-finished-result").format(
            result=_("completion-passed") if result.passed else _("completion-not-passed"),
            present=result.days_present,
            days=result.training_days,
        )
        following = (
            _("schedule-finished-next-passed")
            if result.passed
            else _("schedule-finished-next-not-passed")
        )
    return _("schedule-finished").format(
        title=html.quote(batch.title),
        blk=html.quote(batch.blk_name),
        first_day=long_date(batch.starts_at.astimezone(zone).date()),
        last_day=long_date(batch.ends_at.astimezone(zone).date()),
        outcome=outcome,
        following=following,
    )


async def _no_place_text(user_id: int, services: Services) -> str:
    """Why there is nothing to cancel or move: a finished training, or no place at all."""
    if await services.enrollment.finished(user_id):
        return _("schedule-finished-no-change")
    return _("schedule-none")


async def _watches(user_id: int, services: Services) -> list[BlkInfo]:
    """The BLKs the person waits to hear from ("Beri tahu saya") that are still listed."""
    found = [await services.directory.blk(b) for b in await services.blk_watches.watched(user_id)]
    return [blk for blk in found if blk is not None][:MAX_LISTED_WATCHES]


@router.message(Command("jadwal"), StateFilter(None))
@router.callback_query(MenuCb.filter(F.action == MenuAction.MY_SCHEDULE), StateFilter(None))
async def cmd_jadwal(event: Message | CallbackQuery, services: Services) -> None:
    """The seat or waitlist place with cancel, move and map; the BLKs the person waits to
    hear from, each with a button to stop; and the way back to the menu."""
    user_id = event.from_user.id
    placement = await services.enrollment.placement(user_id)
    builder = InlineKeyboardBuilder()
    if placement is None:
        finished = await services.enrollment.finished(user_id)
        text, rows = (finished_text(finished), [1, 1]) if finished else (_("schedule-none"), [1])
        builder.button(
            text=_("menu-nearest-blk"), callback_data=MenuCb(action=MenuAction.NEAREST_BLK)
        )
        if finished:
            builder.button(
                text=_("menu-next-steps"), callback_data=MenuCb(action=MenuAction.NEXT_STEPS)
            )
    else:
        text, rows = placement_text(placement), [2, 1]
        _add_placement_buttons(builder, placement.batch.blk_id)
    if await services.certificates.valid_of(user_id):
        builder.button(
            text=_("btn-schedule-certificate"),
            callback_data=ScheduleCb(action=ScheduleAction.CERTIFICATE),
        )
        rows.append(1)
    if watched := await _watches(user_id, services):
        names = ", ".join(html.quote(blk.name) for blk in watched)
        waiting = _("schedule-watches").format(blks=names)
        text = f"{text}\n\n{waiting}"
        for blk in watched:
            builder.button(
                text=_("btn-blk-unwatch-named").format(blk=fit(blk.name, BUTTON_NAME_LENGTH)),
                callback_data=BlkCb(action=BlkAction.UNWATCH, blk=blk.id),
            )
        rows += [1] * len(watched)
    builder.button(text=_("btn-back-menu"), callback_data=MenuCb(action=MenuAction.HOME))
    builder.adjust(*rows, 1)
    await event.bot.send_message(user_id, text, reply_markup=builder.as_markup())


@router.message(Command("batal_jadwal"), StateFilter(None))
@router.callback_query(ScheduleCb.filter(F.action == ScheduleAction.CANCEL), StateFilter(None))
async def cmd_batal_jadwal(event: Message | CallbackQuery, services: Services) -> None:
    """Asks before giving the seat away (it may go to someone on the waitlist), or the
    waitlist place (whose number is lost)."""
    placement = await services.enrollment.placement(event.from_user.id)
    if placement is None:
        await event.bot.send_message(
            event.from_user.id, await _no_place_text(event.from_user.id, services)
        )
        return
    waiting = placement.position is not None
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("btn-schedule-leave-waitlist") if waiting else _("btn-schedule-cancel-yes"),
        callback_data=ScheduleCb(action=ScheduleAction.CANCEL_CONFIRMED),
    )
    builder.button(
        text=_("btn-schedule-stay-waitlist") if waiting else _("btn-schedule-keep"),
        callback_data=ScheduleCb(action=ScheduleAction.KEEP),
    )
    builder.adjust(1)
    question = _("schedule-leave-waitlist-confirm") if waiting else _("schedule-cancel-confirm")
    await event.bot.send_message(event.from_user.id, question, reply_markup=builder.as_markup())


@router.callback_query(ScheduleCb.filter(F.action == ScheduleAction.CANCEL_CONFIRMED))
async def cancel_confirmed(callback: CallbackQuery, services: Services) -> None:
    """Nothing left to cancel (a second press) is told by the errors router."""
    await close_keyboard(callback)
    cancellation = await services.enrollment.cancel(callback.from_user.id)
    # The next person on the waitlist is told through the outbox (bot.training.waitlist.release).
    done = _("schedule-left-waitlist") if cancellation.waitlisted else _("schedule-cancelled")
    await callback.bot.send_message(callback.from_user.id, done)


@router.callback_query(ScheduleCb.filter(F.action == ScheduleAction.KEEP))
async def cancel_declined(callback: CallbackQuery) -> None:
    await close_keyboard(callback)
    await callback.bot.send_message(callback.from_user.id, _("schedule-kept"))


@router.callback_query(ScheduleCb.filter(F.action == ScheduleAction.MOVE), StateFilter(None))
async def move_chosen(callback: CallbackQuery, services: Services) -> None:
    """Other open batches of the same BLK; the old seat is kept until the new one is sure."""
    placement = await services.enrollment.placement(callback.from_user.id)
    if placement is None:
        await callback.bot.send_message(
            callback.from_user.id, await _no_place_text(callback.from_user.id, services)
        )
        return
    others = [
        b
        for b in await services.enrollment.open_batches(placement.batch.blk_id)
        if b.id != placement.batch.id
    ]
    builder = InlineKeyboardBuilder()
    builder.button(text=_("menu-nearest-blk"), callback_data=MenuCb(action=MenuAction.NEAREST_BLK))
    back = InlineKeyboardButton(
        text=_("btn-back-schedule"), callback_data=MenuCb(action=MenuAction.MY_SCHEDULE).pack()
    )
    if not others:
        builder.row(back)
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
    builder.row(back)
    await callback.bot.send_message(callback.from_user.id, text, reply_markup=builder.as_markup())
