""" "Langkah berikutnya" (/langkah, the main menu, the PHK pathway's summary): where to turn
after the training for capital, a business licence, business support and markets.

Every fact comes from `bot/data/referrals.toml` and is shown with its source and the day
it was last checked. Read-only, so it answers in any conversation without leaving it.
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

from bot.phk.content import ContentItem
from bot.referrals.content import Topic, packaged_referrals
from handlers.common.blueprint import Blueprint
from handlers.common.callbacks import MenuAction, MenuCb, ReferralCb
from handlers.common.replies import alert, show_in_place

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


def topic_view(topic: Topic) -> tuple[str, InlineKeyboardMarkup]:
    """Every item of the topic with its source, and back to the topics."""
    locale = get_i18n().current_locale
    items = packaged_referrals().topics[topic]
    heading = f"<b>{TOPIC_LABELS[topic]}</b>"
    text = "\n\n".join([heading, *(_item_text(item, locale) for item in items)])
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


@router.callback_query(ReferralCb.filter())
async def topic_chosen(
    callback: CallbackQuery, callback_data: ReferralCb, callback_answer: CallbackAnswer
) -> None:
    """A topic in place of the list (or the list again); a forged topic is stale."""
    if not callback_data.topic:
        await show_in_place(callback, *overview())
    elif callback_data.topic in set(Topic):
        await show_in_place(callback, *topic_view(Topic(callback_data.topic)))
    else:
        alert(callback_answer, _("error-stale-button"))
