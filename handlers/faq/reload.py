"""Administrators: /faqmuat reads the FAQ file again without a restart (with the questions
coordinators taught, and those other processes of the bot took); an invalid file is
refused with its one-line reason and the FAQ in use stays."""

from __future__ import annotations

from html import escape

from aiogram.filters import Command, StateFilter
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from bot.faq.content import FaqError
from bot.services import Services
from handlers.common.blueprint import Blueprint
from handlers.common.filters import HasRole

router = Blueprint(name=__name__)


@router.message(Command("faqmuat"), StateFilter(None), HasRole(admin_only=True))
async def cmd_faq_reload(message: Message, services: Services) -> None:
    try:
        await services.faq_teaching.reload()
    except FaqError as exc:
        await message.answer(_("faq-reload-failed").format(reason=escape(str(exc))))
        return
    await message.answer(
        _("faq-reload-done").format(
            entries=len(services.faq.entries()), topics=len(services.faq.topics)
        )
    )
