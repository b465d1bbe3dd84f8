"""Coordinators: /faqcelah lists what the FAQ did not answer in their place (typed
questions with no entry, entries rated not helpful), with counts, so they can add
entries to the FAQ file (reloaded with /faqmuat)."""

from __future__ import annotations

from html import escape

from aiogram.filters import Command, StateFilter
from aiogram.types import Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.faq.gaps import Gap, GapKind
from bot.services import Services
from handlers.common.blueprint import Blueprint
from handlers.common.filters import HasRole

router = Blueprint(name=__name__)


@router.message(Command("faqcelah"), StateFilter(None), HasRole())
async def cmd_faq_gaps(message: Message, services: Services, i18n: I18n) -> None:
    gaps = await services.faq_gaps.in_scope(message.chat.id)
    if not gaps:
        await message.answer(_("faq-gaps-empty"))
        return
    lines = [_gap_line(gap, services, i18n.current_locale) for gap in gaps]
    await message.answer("\n".join([_("faq-gaps-title"), *lines, "", _("faq-gaps-footer")]))


def _gap_line(gap: Gap, services: Services, locale: str) -> str:
    if gap.kind is GapKind.UNANSWERED:
        return _("faq-gaps-unanswered").format(times=gap.times, question=escape(gap.question))
    entry = services.faq.entry(gap.entry_id or "")
    question = entry.question[locale] if entry else gap.entry_id or ""
    return _("faq-gaps-unhelpful").format(times=gap.times, question=escape(question))
