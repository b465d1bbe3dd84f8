"""FAQ: /faq browses topic → question → answer; a message typed outside any conversation
is small talk (a short reply), a scam report (the free-of-charge warning), or a question
answered from the FAQ, offered its closest questions as buttons, or "Tanya petugas"."""

from __future__ import annotations

import logging

from aiogram import F
from aiogram.filters import Command, StateFilter
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.faq.ranking import Strength
from bot.faq.small_talk import Chat
from bot.faq.understanding import read
from bot.services import Services
from handlers.common import keyboards
from handlers.common.blueprint import Blueprint
from handlers.common.callbacks import FaqAction, FaqCb, FaqVoteCb
from handlers.common.replies import alert, close_keyboard, show_in_place
from handlers.faq import render

router = Blueprint(name=__name__)
logger = logging.getLogger(__name__)


@router.message(Command("faq"), StateFilter(None))
async def cmd_faq(message: Message, services: Services, i18n: I18n) -> None:
    await message.answer(
        _("faq-topics"), reply_markup=render.topics(services.faq, i18n.current_locale)
    )


@router.callback_query(FaqCb.filter())
async def faq_button(
    callback: CallbackQuery,
    callback_data: FaqCb,
    callback_answer: CallbackAnswer,
    services: Services,
    i18n: I18n,
) -> None:
    """Browsing (topics, a topic, an answer) or a suggested question; the key is re-checked."""
    faq, locale, key = services.faq, i18n.current_locale, callback_data.key
    if callback_data.action is FaqAction.TOPICS:
        await show_in_place(callback, _("faq-topics"), render.topics(faq, locale))
    elif callback_data.action is FaqAction.TOPIC and (topic := faq.topic(key)):
        await show_in_place(
            callback, render.topic_text(topic, locale), render.questions(faq.entries(key), locale)
        )
    elif callback_data.action is FaqAction.ANSWER and (entry := faq.entry(key)):
        await show_in_place(callback, render.answer_text(entry, locale), render.back_to(entry))
    elif callback_data.action is FaqAction.SUGGESTED and (entry := faq.entry(key)):
        await close_keyboard(callback)
        await callback.bot.send_message(
            callback.from_user.id,
            render.answer_text(entry, locale),
            reply_markup=render.helpful(entry.id),
        )
    else:
        alert(callback_answer, _("error-stale-button"))


@router.callback_query(FaqVoteCb.filter())
async def vote_chosen(
    callback: CallbackQuery,
    callback_data: FaqVoteCb,
    callback_answer: CallbackAnswer,
    services: Services,
    i18n: I18n,
) -> None:
    """ "Membantu?": Ya thanks; Tidak offers the runners-up and "Tanya petugas"."""
    ids = [callback_data.entry, *filter(None, callback_data.others.split(","))]
    entries = [entry for entry_id in ids if (entry := services.faq.entry(entry_id))]
    if len(entries) != len(ids):
        alert(callback_answer, _("error-stale-button"))
        return
    await close_keyboard(callback)
    # The entry id and the vote only: enough to see which answers need rewriting.
    logger.info("faq vote entry=%s helpful=%s", callback_data.entry, callback_data.helpful)
    if callback_data.helpful:
        callback_answer.text = _("faq-thanks")
        return
    await services.faq_gaps.unhelpful(callback.from_user.id, callback_data.entry)
    others = entries[1:]
    text = _("faq-did-you-mean") if others else _("faq-not-helpful")
    await callback.bot.send_message(
        callback.from_user.id, text, reply_markup=render.suggestions(others, i18n.current_locale)
    )


@router.message(StateFilter(None), F.text & ~F.text.startswith("/"))
async def question_typed(message: Message, services: Services, i18n: I18n) -> None:
    """Free text outside any conversation: small talk, a scam report, the FAQ's answer, its
    closest questions, or staff."""
    reading = read(services.faq, message.text or "")
    if reading.chat is not None:
        await _reply_to_chat(message, reading.chat, services)
        return
    ranking = reading.ranking
    found = [entry for match in ranking.matches if (entry := services.faq.entry(match.id))]
    locale = i18n.current_locale
    if ranking.strength is Strength.STRONG:
        best, *others = found
        await message.answer(
            render.answer_text(best, locale),
            reply_markup=render.helpful(best.id, [entry.id for entry in others]),
        )
    elif ranking.strength is Strength.WEAK:
        await message.answer(_("faq-did-you-mean"), reply_markup=render.suggestions(found, locale))
    else:
        await services.faq_gaps.unanswered(message.chat.id, message.text or "")
        menu = await keyboards.menu_for(message.from_user.id, services, ask_origin="faq")
        await message.answer(_("faq-no-match"), reply_markup=menu)


async def _reply_to_chat(message: Message, chat: Chat, services: Services) -> None:
    """A short polite reply (the menu after a greeting or an "ok"), never an FAQ entry;
    a scam report gets the warning and the way to report it."""
    if chat is Chat.SCAM:
        await message.answer(_("scam-warning"), reply_markup=render.report_scam())
    elif chat is Chat.THANKS:
        await message.answer(_("small-talk-thanks"))
    else:
        text = _("small-talk-greeting") if chat is Chat.GREETING else _("small-talk-ok")
        await message.answer(
            text, reply_markup=await keyboards.menu_for(message.from_user.id, services)
        )
