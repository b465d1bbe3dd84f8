"""Texts and keyboards of the broadcast journey: audiences, preview, progress and report."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiogram import html
from aiogram.methods import SendDocument, SendMessage, SendPhoto
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __
from aiogram.utils.i18n.context import get_i18n
from aiogram.utils.keyboard import InlineKeyboardBuilder
from babel.numbers import format_decimal

from bot.coordinators.audiences import AudienceKind, BatchRow, ResolvedAudience, choices
from bot.coordinators.broadcasts import Progress
from bot.coordinators.roles import Scope
from bot.delivery.outbox import Outgoing
from bot.registration.participants import Sector
from handlers.common.callbacks import (
    AudienceCb,
    BroadcastAction,
    BroadcastCb,
    DraftAction,
    DraftCb,
)
from handlers.common.render import SECTOR_LABELS, short_date

AUDIENCE_LABELS = {
    AudienceKind.ALL: __("btn-bc-aud-all"),
    AudienceKind.PROVINCE: __("btn-bc-aud-province"),
    AudienceKind.BLK: __("btn-bc-aud-blk"),
    AudienceKind.BATCH: __("btn-bc-aud-batch"),
    AudienceKind.PHK: __("btn-bc-aud-phk"),
    AudienceKind.UNENROLLED: __("btn-bc-aud-unenrolled"),
    AudienceKind.COMPLETED: __("btn-bc-aud-completed"),
    AudienceKind.COMPLETED_SECTOR: __("btn-bc-aud-completed-sector"),
}

_METHODS = {"sendMessage": SendMessage, "sendPhoto": SendPhoto, "sendDocument": SendDocument}


def number(value: int) -> str:
    """1.250 in Indonesian, 1,250 in English."""
    return format_decimal(value, locale=get_i18n().current_locale)


def as_method(message: Outgoing, chat_id: int) -> SendMessage | SendPhoto | SendDocument:
    """The queued call, addressed to one chat: the preview is exactly what recipients get."""
    return _METHODS[message.method](chat_id=chat_id, **message.params)


def describe(resolved: ResolvedAudience) -> str:
    """Who receives it, in words, for the preview."""
    place = html.quote(resolved.place or "")
    match resolved.audience.kind:
        case AudienceKind.PROVINCE:
            return _("bc-desc-province").format(name=place)
        case AudienceKind.BLK:
            return _("bc-desc-blk").format(name=place)
        case AudienceKind.BATCH:
            title = html.quote(resolved.batch_title or "")
            return _("bc-desc-batch").format(title=title, blk=place)
        case AudienceKind.PHK:
            return _("bc-desc-phk")
        case AudienceKind.UNENROLLED:
            return _("bc-desc-unenrolled")
        case AudienceKind.COMPLETED:
            return _("bc-desc-completed")
        case AudienceKind.COMPLETED_SECTOR:
            sector = Sector(resolved.place or Sector.OTHER)  # checked by resolve
            return _("bc-desc-completed-sector").format(sector=SECTOR_LABELS[sector])
    return _("bc-desc-all")


def progress_text(progress: Progress) -> str:
    """The counts so far; while Telegram is away, that the waiting ones wait for it."""
    text = _("bc-progress-outage") if progress.outage else _("bc-progress")
    return text.format(
        id=progress.broadcast_id,
        sent=number(progress.sent),
        total=number(progress.total),
        waiting=number(progress.in_flight),
        failed=number(progress.failed),
    )


def report_text(progress: Progress) -> str:
    return _("bc-report").format(
        id=progress.broadcast_id,
        sent=number(progress.sent),
        total=number(progress.total),
        unreachable=number(progress.unreachable),
        failed=number(progress.failed),
        cancelled=number(progress.cancelled),
    )


def audience_menu(scope: Scope) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for kind in choices(scope):
        builder.button(text=str(AUDIENCE_LABELS[kind]), callback_data=AudienceCb(kind=kind))
    builder.adjust(1)
    return builder.as_markup()


def target_menu(kind: AudienceKind, items: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    """(target, label) pairs: provinces, BLKs or batches."""
    builder = InlineKeyboardBuilder()
    for target, label in items:
        builder.button(text=label, callback_data=AudienceCb(kind=kind, target=target))
    builder.adjust(2 if kind is AudienceKind.PROVINCE else 1)
    return builder.as_markup()


def batch_label(batch: BatchRow) -> str:
    """BLK, title and first and last day in the BLK's zone: coordinators know batches by
    these, not by id."""
    zone = ZoneInfo(batch.timezone)
    first, last = (moment.astimezone(zone).date() for moment in (batch.starts_at, batch.ends_at))
    return _("bc-batch-label").format(
        blk=batch.blk_name,
        title=batch.title,
        first_day=short_date(first),
        last_day=short_date(last),
    )


def confirm_menu() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("btn-bc-send"), callback_data=DraftCb(action=DraftAction.SEND))
    builder.button(
        text=_("btn-bc-change-audience"), callback_data=DraftCb(action=DraftAction.AUDIENCE)
    )
    builder.button(text=_("btn-bc-discard"), callback_data=DraftCb(action=DraftAction.DISCARD))
    builder.adjust(1, 2)
    return builder.as_markup()


def cancel_button(broadcast_id: int) -> InlineKeyboardMarkup:
    return _one_button(_("btn-bc-cancel"), BroadcastAction.CANCEL, broadcast_id)


def retry_button(broadcast_id: int) -> InlineKeyboardMarkup:
    return _one_button(_("btn-bc-retry-failed"), BroadcastAction.RETRY_FAILED, broadcast_id)


def _one_button(label: str, action: BroadcastAction, broadcast_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=label, callback_data=BroadcastCb(action=action, broadcast=broadcast_id))
    return builder.as_markup()


def cancel_confirm(broadcast_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for action, label in (
        (BroadcastAction.CANCEL_CONFIRMED, _("btn-bc-cancel-yes")),
        (BroadcastAction.KEEP, _("btn-bc-cancel-no")),
    ):
        builder.button(text=label, callback_data=BroadcastCb(action=action, broadcast=broadcast_id))
    builder.adjust(2)
    return builder.as_markup()
