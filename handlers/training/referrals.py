""" "Langkah berikutnya" (/langkah, the main menu, the PHK pathway's summary): where to turn
after the training for capital, a business licence, business support and markets.

Every fact comes from `bot/data/referrals.toml` and is shown with its source and the day
it was last checked. Business support adds, for a registered person, the PLUTs nearest
their home regency once coordinators have imported any (`blk-bot import plut`). Read-only,
so it answers in any conversation without leaving it.
"""

from __future__ import annotations

from aiogram import F, html
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __
from aiogram.utils.i18n.context import get_i18n
from aiogram.utils.keyboard import InlineKeyboardBuilder
from babel.dates import format_date

from bot.directory.plut import PlutDistance
from bot.phk.content import ContentItem
from bot.referrals.content import Topic, packaged_referrals
from bot.services import Services
from handlers.common.blueprint import Blueprint
from handlers.common.callbacks import MenuAction, MenuCb, ReferralCb
from handlers.common.replies import alert, show_in_place
from handlers.training.render import distance_label

router = Blueprint(name=__name__)

TOPIC_LABELS = {
    Topic.CAPITAL: __("btn-referral-capital"),
    Topic.LICENCE: __("btn-referral-licence"),
    Topic.SUPPORT: __("btn-referral-support"),
    Topic.MARKET: __("btn-referral-market"),
}


def overview() -> tuple[str, InlineKeyboardMarkup]:
    """The topics as buttons, and the way home."""
    builder = InlineKeyboardBuilder()
    for topic in Topic:
        builder.button(text=str(TOPIC_LABELS[topic]), callback_data=ReferralCb(topic=topic))
    builder.button(text=_("btn-back-menu"), callback_data=MenuCb(action=MenuAction.HOME))
    builder.adjust(1)
    return _("referral-overview"), builder.as_markup()


def _item_text(item: ContentItem, locale: str) -> str:
    where = _("referral-source").format(
        source=html.quote(item.source),
        checked=format_date(item.last_checked, "d MMM y", locale=locale),
    )
    return f"{item.text_in(locale)}\n<i>{where}</i>"


def _pluts_text(pluts: list[PlutDistance]) -> str:
    lines = [_("referral-plut-heading")]
    for found in pluts:
        plut = found.plut
        line = _("referral-plut-line").format(
            name=html.quote(plut.name),
            place=html.quote(", ".join(part for part in (plut.address, plut.regency) if part)),
            distance=distance_label(found.distance_km),
        )
        phone = _("referral-plut-phone").format(phone=html.quote(plut.phone))
        lines.append(f"{line} · {phone}" if plut.phone else line)
    return "\n".join(lines)


def topic_view(
    topic: Topic, pluts: list[PlutDistance] | None = None
) -> tuple[str, InlineKeyboardMarkup]:
    """Every item of the topic with its source (and the PLUTs found), and back to the
    topics."""
    locale = get_i18n().current_locale
    items = packaged_referrals().topics[topic]
    heading = f"<b>{TOPIC_LABELS[topic]}</b>"
    parts = [heading, *(_item_text(item, locale) for item in items)]
    text = "\n\n".join([*parts, _pluts_text(pluts)] if pluts else parts)
    builder = InlineKeyboardBuilder()
    builder.button(text=_("btn-referral-topics"), callback_data=ReferralCb())
    return text, builder.as_markup()


@router.message(Command("langkah"))
async def cmd_langkah(message: Message) -> None:
    text, markup = overview()
    await message.answer(text, reply_markup=markup)


def next_steps_button() -> InlineKeyboardMarkup:
    """ "Langkah berikutnya" under another message (a training result)."""
    builder = InlineKeyboardBuilder()
    builder.button(text=_("menu-next-steps"), callback_data=MenuCb(action=MenuAction.NEXT_STEPS))
    return builder.as_markup()


@router.callback_query(MenuCb.filter(F.action == MenuAction.NEXT_STEPS))
async def next_steps_chosen(callback: CallbackQuery) -> None:
    """A new message, so the one pressed (the menu, a PHK summary, a result) stays."""
    text, markup = overview()
    await callback.bot.send_message(callback.from_user.id, text, reply_markup=markup)


async def _pluts_near_home(user_id: int, services: Services) -> list[PlutDistance]:
    participant = await services.registrations.get(user_id)
    if participant is None:
        return []
    return await services.directory.pluts.near(participant.regency_code)


@router.callback_query(ReferralCb.filter())
async def topic_chosen(
    callback: CallbackQuery,
    callback_data: ReferralCb,
    callback_answer: CallbackAnswer,
    services: Services,
) -> None:
    """A topic in place of the list (or the list again); a forged topic is stale."""
    if not callback_data.topic:
        await show_in_place(callback, *overview())
    elif callback_data.topic in set(Topic):
        topic = Topic(callback_data.topic)
        pluts = None
        if topic is Topic.SUPPORT:
            pluts = await _pluts_near_home(callback.from_user.id, services)
        await show_in_place(callback, *topic_view(topic, pluts))
    else:
        alert(callback_answer, _("error-stale-button"))
