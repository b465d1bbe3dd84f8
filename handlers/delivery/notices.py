"""The outbox's render hook: reminders, promotion notices and registration nudges.

They are written when sent, not when queued: in the language the recipient uses then,
and from the seat as it is then, so a cancelled seat gets no reminder (None = skip).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from aiogram import html
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n.context import get_i18n
from aiogram.utils.keyboard import InlineKeyboardBuilder
from babel.dates import format_time

from bot.delivery.outbox import Outgoing
from bot.directory.service import BlkInfo
from bot.services import Services
from bot.training.enrollment import BatchView
from bot.training.reminders import ReminderService, Template, template_of
from handlers.common.callbacks import AttendAction, AttendCb, BlkAction, BlkCb
from handlers.common.render import long_date
from handlers.training.render import ZONE_ABBREVIATIONS, placement_text
from storage.models import OutboxMessage

logger = logging.getLogger(__name__)

Render = Callable[[OutboxMessage], Awaitable[Outgoing | None]]
Build = Callable[[int, dict[str, Any]], Awaitable[Outgoing | None]]


class NoticeRenderer:
    """`render(row)` for the sender: the Bot API call for a template row, or None to skip."""

    def __init__(self, services: Services, i18n: I18n, reminders: ReminderService) -> None:
        self._services = services
        self._i18n = i18n
        self._reminders = reminders
        self._templates: dict[str, Build] = {
            Template.REMINDER: self._reminder,
            Template.PROMOTION: self._promotion,
            Template.ABANDONED: self._abandoned,
        }

    async def __call__(self, row: OutboxMessage) -> Outgoing | None:
        payload = template_of(row.payload)
        build = self._templates.get(payload.get("template", "")) if payload else None
        if payload is None or build is None:
            logger.warning("outbox row %s (%s) has no template this hook knows", row.id, row.kind)
            return None
        locale = await self._services.preferences.locale(row.chat_id)
        # The sender runs outside any update, so the I18n context is set here.
        with self._i18n.context(), self._i18n.use_locale(locale or self._i18n.default_locale):
            return await build(row.chat_id, payload)

    async def _reminder(self, chat_id: int, payload: dict[str, Any]) -> Outgoing | None:
        placement = await self._services.enrollment.active_placement(int(payload["enrollment_id"]))
        now = self._services.enrollment.clock()
        if placement is None or placement.batch.status == "cancelled":
            return None
        if placement.batch.starts_at <= now:  # expired; the sender normally skips it first
            return None
        blk = await self._services.directory.blk(placement.batch.blk_id)
        text = reminder_text(placement.batch, blk, now)
        markup = reminder_markup(int(payload["enrollment_id"]), placement.batch.blk_id, blk)
        return Outgoing.text(text, markup.model_dump(exclude_none=True))

    async def _promotion(self, chat_id: int, payload: dict[str, Any]) -> Outgoing | None:
        placement = await self._services.enrollment.active_placement(int(payload["enrollment_id"]))
        if placement is None:
            return None
        headline, note = _("batch-promoted"), _("batch-reminder-note")
        return Outgoing.text(f"{headline}\n\n{placement_text(placement)}\n\n{note}")

    async def _abandoned(self, chat_id: int, payload: dict[str, Any]) -> Outgoing | None:
        if not await self._reminders.registration_unfinished(chat_id):
            return None
        return Outgoing.text(_("abandoned-registration"))


def _headline(batch: BatchView, now: datetime) -> str:
    """Counted in calendar days of the BLK's zone, at sending time: a late reminder is right."""
    zone = ZoneInfo(batch.timezone)
    days = (batch.starts_at.astimezone(zone).date() - now.astimezone(zone).date()).days
    if days <= 0:
        return _("reminder-today")
    if days == 1:
        return _("reminder-tomorrow")
    return _("reminder-in-days").format(days=days)


def reminder_text(batch: BatchView, blk: BlkInfo | None, now: datetime) -> str:
    """Headline, then the batch's title, BLK, place and first day with time and zone."""
    zone = ZoneInfo(batch.timezone)
    starts = batch.starts_at.astimezone(zone)
    card = _("reminder-card").format(
        title=html.quote(batch.title),
        blk=html.quote(batch.blk_name),
        place=html.quote(_place(blk) or batch.blk_name),
        date=long_date(starts.date()),
        time=format_time(starts, "HH.mm", locale=get_i18n().current_locale),
        zone=ZONE_ABBREVIATIONS.get(batch.timezone, batch.timezone),
    )
    return f"{_headline(batch, now)}\n\n{card}"


def _place(blk: BlkInfo | None) -> str:
    """Address and regency; many directory addresses already end with the regency."""
    if blk is None:
        return ""
    parts = [blk.address] if blk.address else []
    if blk.regency_name.casefold() not in blk.address.casefold():
        parts.append(blk.regency_name)
    return ", ".join(parts) or blk.province_name


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
