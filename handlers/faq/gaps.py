"""Coordinators: /faqcelah lists what the FAQ did not answer in their place (typed
questions with no entry, entries rated not helpful), with counts, so they can add
entries to the FAQ file (reloaded with /faqmuat) or teach the bot which entry answers a
question ("🧠 Ajari", handlers/faq/teaching.py)."""

from __future__ import annotations

from html import escape

from aiogram.filters import Command, StateFilter
from aiogram.types import InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.faq.gaps import Gap, GapKind
from bot.services import Services
from handlers.common.blueprint import Blueprint
from handlers.common.callbacks import FaqTeachCb, TeachAction
from handlers.common.filters import HasRole

router = Blueprint(name=__name__)


@router.message(Command("faqcelah"), StateFilter(None), HasRole())
async def cmd_faq_gaps(message: Message, services: Services, i18n: I18n) -> None:
    gaps = await services.faq_gaps.in_scope(message.chat.id)
    if not gaps:
        await message.answer(_("faq-gaps-empty"))
        return
    lines = [_gap_line(n, gap, services, i18n.current_locale) for n, gap in enumerate(gaps, 1)]
    markup = _teach_buttons(gaps)
    footer = [_("faq-gaps-teach"), _("faq-gaps-footer")] if markup else [_("faq-gaps-footer")]
    await message.answer("\n".join([_("faq-gaps-title"), *lines, "", *footer]), reply_markup=markup)


def _gap_line(number: int, gap: Gap, services: Services, locale: str) -> str:
    if gap.kind is GapKind.UNANSWERED:
        return _("faq-gaps-unanswered").format(
            number=number, times=gap.times, question=escape(gap.question)
        )
    entry = services.faq.entry(gap.entry_id or "")
    question = entry.question[locale] if entry else gap.entry_id or ""
    return _("faq-gaps-unhelpful").format(number=number, times=gap.times, question=escape(question))


def _teach_buttons(gaps: list[Gap]) -> InlineKeyboardMarkup | None:
    """ "🧠 Ajari <number>" for each unanswered question; None when there is none."""
    numbered = [(n, gap) for n, gap in enumerate(gaps, 1) if gap.kind is GapKind.UNANSWERED]
    if not numbered:
        return None
    builder = InlineKeyboardBuilder()
    for number, gap in numbered:
        builder.button(
            text=_("faq-teach-btn").format(number=number),
            callback_data=FaqTeachCb(action=TeachAction.OPEN, gap=gap.id),
        )
    builder.adjust(4)
    return builder.as_markup()
