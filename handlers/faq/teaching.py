"""Coordinators: "🧠 Ajari" under /faqcelah teaches the bot which FAQ entry answers an
unanswered question (topic, then entry), or that it is a question for staff; a
confirmation press saves it and the bot answers from it at once.

Every press names the gap by id; the service checks again that it is still in the
presser's list, so a forged, old or someone else's button is refused in a pop-up.
"""

from __future__ import annotations

from html import escape

from aiogram import F
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.faq.content import Entry, Faq
from bot.faq.examples import UNANSWERED
from bot.services import Services
from handlers.common.blueprint import Blueprint
from handlers.common.callbacks import FaqTeachCb, TeachAction
from handlers.common.filters import HasRole
from handlers.common.replies import alert, show_in_place

router = Blueprint(name=__name__)


@router.callback_query(FaqTeachCb.filter(F.action == TeachAction.OPEN), HasRole())
async def teach_opened(
    callback: CallbackQuery, callback_data: FaqTeachCb, services: Services, i18n: I18n
) -> None:
    """The topics, in a message of its own: the list stays for the next question."""
    gap = await services.faq_teaching.gap(callback.from_user.id, callback_data.gap)
    text = _("faq-teach-topics").format(question=escape(gap.question))
    markup = _topics(services.faq, gap.id, i18n.current_locale)
    await callback.bot.send_message(callback.from_user.id, text, reply_markup=markup)


@router.callback_query(FaqTeachCb.filter(F.action != TeachAction.OPEN), HasRole())
async def teach_step(
    callback: CallbackQuery,
    callback_data: FaqTeachCb,
    callback_answer: CallbackAnswer,
    services: Services,
    i18n: I18n,
) -> None:
    """The topics again, a topic's entries, the confirmation, the label saved, or cancel."""
    action, key, staff = callback_data.action, callback_data.key, callback.from_user.id
    faq, locale = services.faq, i18n.current_locale
    gap = await services.faq_teaching.gap(staff, callback_data.gap)
    question = escape(gap.question)
    entry = faq.entry(key) if key != UNANSWERED else None
    if action is TeachAction.TOPICS:
        text = _("faq-teach-topics").format(question=question)
        await show_in_place(callback, text, _topics(faq, gap.id, locale))
    elif action is TeachAction.TOPIC and (topic := faq.topic(key)):
        text = _("faq-teach-entries").format(question=question, topic=escape(topic.title[locale]))
        await show_in_place(callback, text, _entries(faq.entries(key), gap.id, locale))
    elif action is TeachAction.CHOSEN and (entry or key == UNANSWERED):
        await show_in_place(callback, _confirmation(question, entry, locale), _confirm(gap.id, key))
    elif action is TeachAction.SAVE and (entry or key == UNANSWERED):
        await services.faq_teaching.teach(staff, gap.id, key)
        await show_in_place(callback, _saved(question, entry, locale), None)
    elif action is TeachAction.CANCEL:
        await show_in_place(callback, _("faq-teach-cancelled"), None)
    else:
        alert(callback_answer, _("error-stale-button"))


def _confirmation(question: str, entry: Entry | None, locale: str) -> str:
    if entry is None:
        return _("faq-teach-confirm-staff").format(question=question)
    return _("faq-teach-confirm").format(question=question, entry=escape(entry.question[locale]))


def _saved(question: str, entry: Entry | None, locale: str) -> str:
    if entry is None:
        return _("faq-teach-saved-staff").format(question=question)
    return _("faq-teach-saved").format(question=question, entry=escape(entry.question[locale]))


def _topics(faq: Faq, gap_id: int, locale: str) -> InlineKeyboardMarkup:
    """The FAQ's topics, then "not an FAQ question" and cancel."""
    builder = InlineKeyboardBuilder()
    for topic in faq.topics:
        builder.button(
            text=topic.title[locale],
            callback_data=FaqTeachCb(action=TeachAction.TOPIC, gap=gap_id, key=topic.id),
        )
    builder.adjust(2)
    for action, label in (
        (TeachAction.CHOSEN, _("faq-teach-btn-staff")),
        (TeachAction.CANCEL, _("faq-teach-btn-cancel")),
    ):
        data = FaqTeachCb(action=action, gap=gap_id, key=UNANSWERED).pack()
        builder.row(InlineKeyboardButton(text=label, callback_data=data))
    return builder.as_markup()


def _entries(entries: list[Entry], gap_id: int, locale: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for entry in entries:
        builder.button(
            text=entry.question[locale],
            callback_data=FaqTeachCb(action=TeachAction.CHOSEN, gap=gap_id, key=entry.id),
        )
    builder.button(
        text=_("faq-btn-back"), callback_data=FaqTeachCb(action=TeachAction.TOPICS, gap=gap_id)
    )
    builder.adjust(1)
    return builder.as_markup()


def _confirm(gap_id: int, key: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("faq-teach-btn-save"),
        callback_data=FaqTeachCb(action=TeachAction.SAVE, gap=gap_id, key=key),
    )
    builder.button(
        text=_("faq-btn-back"), callback_data=FaqTeachCb(action=TeachAction.TOPICS, gap=gap_id)
    )
    builder.adjust(1)
    return builder.as_markup()
