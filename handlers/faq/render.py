"""Texts and keyboards of the FAQ: entries in, HTML and markup out, in the user's language."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.faq.content import Entry, Faq, Topic
from handlers.common.callbacks import AskCb, FaqAction, FaqCb, FaqVoteCb


def answer_text(entry: Entry, locale: str) -> str:
    """The question in bold, the answer, and for outside facts their source and date."""
    text = _("faq-answer").format(
        question=escape(entry.question[locale]), answer=entry.answer[locale]
    )
    if entry.source and entry.checked:
        source = _("faq-source").format(
            source=escape(entry.source), checked=entry.checked.strftime("%d-%m-%Y")
        )
        text = f"{text}\n\n{source}"
    return text


def topic_text(topic: Topic, locale: str) -> str:
    return _("faq-topic").format(topic=escape(topic.title[locale]))


def topics(faq: Faq, locale: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for topic in faq.topics:
        builder.button(
            text=topic.title[locale], callback_data=FaqCb(action=FaqAction.TOPIC, key=topic.id)
        )
    builder.adjust(2)
    return builder.as_markup()


def questions(entries: Iterable[Entry], locale: str) -> InlineKeyboardMarkup:
    """The questions of one topic, then back to the topics."""
    builder = _questions(entries, FaqAction.ANSWER, locale)
    builder.button(text=_("faq-btn-back"), callback_data=FaqCb(action=FaqAction.TOPICS))
    builder.adjust(1)
    return builder.as_markup()


def back_to(entry: Entry) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("faq-btn-back"), callback_data=FaqCb(action=FaqAction.TOPIC, key=entry.topic)
    )
    return builder.as_markup()


def suggestions(entries: Iterable[Entry], locale: str) -> InlineKeyboardMarkup:
    """The closest questions, then "Tanya petugas": a person can always reach a human."""
    builder = _questions(entries, FaqAction.SUGGESTED, locale)
    builder.button(text=_("menu-ask"), callback_data=AskCb(origin="faq"))
    builder.adjust(1)
    return builder.as_markup()


def report_scam() -> InlineKeyboardMarkup:
    """Under the scam warning: report it to a coordinator (a ticket, like "Tanya petugas")."""
    builder = InlineKeyboardBuilder()
    builder.button(text=_("btn-report-scam"), callback_data=AskCb(origin="faq"))
    return builder.as_markup()


def helpful(entry_id: str, others: Iterable[str] = ()) -> InlineKeyboardMarkup:
    """ "Membantu?"; "Tidak" will offer `others` (at most two, to fit in callback data)."""
    builder = InlineKeyboardBuilder()
    runners_up = ",".join(list(others)[:2])
    for vote, label in ((True, _("faq-btn-yes")), (False, _("faq-btn-no"))):
        builder.button(
            text=label, callback_data=FaqVoteCb(entry=entry_id, helpful=vote, others=runners_up)
        )
    builder.adjust(2)
    return builder.as_markup()


def _questions(entries: Iterable[Entry], action: FaqAction, locale: str) -> InlineKeyboardBuilder:
    builder = InlineKeyboardBuilder()
    for entry in entries:
        builder.button(
            text=entry.question[locale], callback_data=FaqCb(action=action, key=entry.id)
        )
    return builder
