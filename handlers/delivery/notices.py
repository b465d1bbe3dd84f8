"""Builders of the training templates: reminders, promotion notices, registration nudges,
the notice of a cancelled batch or of one completed while someone waited, and of a batch
opened where someone waited for one.

They are written when sent, not when queued (`bot.delivery.templates`): from the seat as
it is then, so a cancelled seat gets no reminder (None = skip).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from aiogram import html
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n.context import get_i18n
from aiogram.utils.keyboard import InlineKeyboardBuilder
from babel.dates import format_time

from bot.delivery.outbox import Outgoing
from bot.delivery.templates import Payload
from bot.directory.service import BlkInfo
from bot.services import Services
from bot.training.placements import BatchView
from handlers.common.callbacks import (
    AttendAction,
    AttendCb,
    BatchAction,
    BatchCb,
    BlkAction,
    BlkCb,
    MenuAction,
    MenuCb,
)
from handlers.common.render import long_date
from handlers.directory.render import blk_address
from handlers.training.render import ZONE_ABBREVIATIONS, batch_text, placement_text


class TrainingNotices:
    """The builders of `Template.REMINDER`, `PROMOTION`, `ABANDONED`, `BATCH_CANCELLED`,
    `BATCH_OVER` and `BATCH_OPENED`."""

    def __init__(self, services: Services) -> None:
        self._services = services

    async def reminder(self, chat_id: int, payload: Payload) -> Outgoing | None:
        placement = await self._services.enrollment.active_placement(int(payload["enrollment_id"]))
        now = self._services.enrollment.clock.now()
        if placement is None or placement.batch.status == "cancelled":
            return None
        if placement.batch.starts_at <= now:  # expired; the sender normally skips it first
            return None
        blk = await self._services.directory.blk(placement.batch.blk_id)
        text = reminder_text(placement.batch, blk, now)
        markup = reminder_markup(int(payload["enrollment_id"]), placement.batch.blk_id, blk)
        return Outgoing.text(text, markup.model_dump(exclude_none=True))

    async def promotion(self, chat_id: int, payload: Payload) -> Outgoing | None:
        placement = await self._services.enrollment.active_placement(int(payload["enrollment_id"]))
        if placement is None:
            return None
        headline, note = _("batch-promoted"), _("batch-reminder-note")
        return Outgoing.text(f"{headline}\n\n{placement_text(placement)}\n\n{note}")

    async def abandoned(self, chat_id: int, payload: Payload) -> Outgoing | None:
        if not await self._services.reminders.registration_unfinished(chat_id):
            return None
        return Outgoing.text(_("abandoned-registration"))

    async def batch_cancelled(self, chat_id: int, payload: Payload) -> Outgoing | None:
        """The seat or waitlist place (`status`) ended with the batch; other batches of
        the BLK and the nearest BLKs are a tap away."""
        batch = await self._services.enrollment.batch(int(payload["batch_id"]))
        if batch is None or batch.status != "cancelled":
            return None
        seated = payload.get("status") == "active"
        notice = _("batch-cancelled-seat") if seated else _("batch-cancelled-waiting")
        return _batch_ended(batch, notice)

    async def batch_over(self, chat_id: int, payload: Payload) -> Outgoing | None:
        """The batch someone waited for was completed: their waitlist place is closed;
        other batches of the BLK and the nearest BLKs are a tap away."""
        batch = await self._services.enrollment.batch(int(payload["batch_id"]))
        if batch is None:
            return None
        return _batch_ended(batch, _("batch-over-waiting"))

    async def batch_opened(self, chat_id: int, payload: Payload) -> Outgoing | None:
        """ "Beri tahu saya" fulfilled: the batch, to choose in one tap; skipped once it
        no longer takes registrations."""
        batch = await self._services.enrollment.batch(int(payload["batch_id"]))
        now = self._services.enrollment.clock.now()
        if batch is None or batch.status != "open" or batch.registration_deadline <= now:
            return None
        headline = _("batch-opened").format(blk=html.quote(batch.blk_name))
        builder = InlineKeyboardBuilder()
        builder.button(
            text=_("btn-batch-opened-pick"),
            callback_data=BatchCb(action=BatchAction.PICK, batch=batch.id),
        )
        builder.button(
            text=_("btn-batch-opened-all"),
            callback_data=BlkCb(action=BlkAction.BATCHES, blk=batch.blk_id),
        )
        builder.adjust(1)
        text = f"{headline}\n\n{batch_text(batch)}"
        return Outgoing.text(text, builder.as_markup().model_dump(exclude_none=True))


def _headline(batch: BatchView, now: datetime) -> str:
    """Counted in calendar days of the BLK's zone, at sending time: a late reminder is right."""
    zone = ZoneInfo(batch.timezone)
    days = (batch.starts_at.astimezone(zone).date() - now.astimezone(zone).date()).days
    if days <= 0:
        return _("reminder-today")
    if days == 1:
        return _("reminder-tomorrow")
    return _("reminder-in-days").format(days=days)


def _batch_ended(batch: BatchView, notice: str) -> Outgoing:
    """A notice that the batch ended for the reader, with the ways to another batch."""
    text = notice.format(
        title=html.quote(batch.title),
        blk=html.quote(batch.blk_name),
        first_day=long_date(batch.starts_at.astimezone(ZoneInfo(batch.timezone)).date()),
    )
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("btn-batch-cancelled-other"),
        callback_data=BlkCb(action=BlkAction.BATCHES, blk=batch.blk_id),
    )
    builder.button(text=_("menu-nearest-blk"), callback_data=MenuCb(action=MenuAction.NEAREST_BLK))
    builder.adjust(1)
    return Outgoing.text(text, builder.as_markup().model_dump(exclude_none=True))


def reminder_text(batch: BatchView, blk: BlkInfo | None, now: datetime) -> str:
    """Headline, then the batch's title, BLK, place and first day with time and zone."""
    zone = ZoneInfo(batch.timezone)
    starts = batch.starts_at.astimezone(zone)
    card = _("reminder-card").format(
        title=html.quote(batch.title),
        blk=html.quote(batch.blk_name),
        place=html.quote(blk_address(blk) if blk else batch.blk_name),
        date=long_date(starts.date()),
        time=format_time(starts, "HH.mm", locale=get_i18n().current_locale),
        zone=ZONE_ABBREVIATIONS.get(batch.timezone, batch.timezone),
    )
    return f"{_headline(batch, now)}\n\n{card}"


def reminder_markup(enrollment_id: int, blk_id: str, blk: BlkInfo | None) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("btn-attend-yes"),
        callback_data=AttendCb(action=AttendAction.YES, enrollment=enrollment_id),
    )
    builder.button(
        text=_("btn-attend-no"),
        callback_data=AttendCb(action=AttendAction.NO, enrollment=enrollment_id),
    )
    if blk is not None:
        # The same pin as in "Cari BLK terdekat": Telegram opens it in the maps app.
        builder.button(
            text=_("btn-schedule-map"), callback_data=BlkCb(action=BlkAction.MAP, blk=blk_id)
        )
    builder.adjust(2, 1)
    return builder.as_markup()
