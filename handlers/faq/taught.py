"""Administrators: /faqajaran lists the questions coordinators taught from /faqcelah,
newest first, and deletes a mistaken label ("🗑 Hapus", then a confirmation); the bot stops
using it at once.

Admin-only, the list included: a label belongs to no place, so it shows every BLK's
questions, while a coordinator sees only their own place's in /faqcelah. Every press names
the label by id; the service checks the presser and the label again, so a forged or old
button is refused in a pop-up.
"""

from __future__ import annotations

from html import escape

from aiogram import F
from aiogram.filters import Command, StateFilter
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.faq.content import Faq
from bot.faq.examples import UNANSWERED
from bot.faq.teaching import Label
from bot.services import Services
from bot.telegram_text import fit
from handlers.common.blueprint import Blueprint
from handlers.common.callbacks import FaqTaughtCb, TaughtAction
from handlers.common.filters import HasRole
from handlers.common.paging import page_of, pager
from handlers.common.render import short_date
from handlers.common.replies import show_in_place

router = Blueprint(name=__name__)

# A question may be 200 emoji (400 UTF-16 units, as Telegram counts): on the list it is
# cut to 150, so eight lines with the title, the footer and a deletion notice stay well
# within a message's 4,096.
PER_PAGE = 8
QUESTION_ON_LIST = 150


@router.message(Command("faqajaran"), StateFilter(None), HasRole(admin_only=True))
async def cmd_faq_taught(message: Message, services: Services, i18n: I18n) -> None:
    labels = await services.faq_teaching.labels(message.from_user.id)
    text, markup = _listing(labels, 0, services.faq, i18n.current_locale)
    await message.answer(text, reply_markup=markup)


@router.callback_query(FaqTaughtCb.filter(F.action == TaughtAction.PAGE), HasRole(admin_only=True))
async def page_chosen(
    callback: CallbackQuery, callback_data: FaqTaughtCb, services: Services, i18n: I18n
) -> None:
    labels = await services.faq_teaching.labels(callback.from_user.id)
    await show_in_place(
        callback, *_listing(labels, callback_data.page, services.faq, i18n.current_locale)
    )


@router.callback_query(
    FaqTaughtCb.filter(F.action == TaughtAction.DELETE), HasRole(admin_only=True)
)
async def delete_chosen(
    callback: CallbackQuery, callback_data: FaqTaughtCb, services: Services, i18n: I18n
) -> None:
    """The label and what deleting it does; asks for a confirmation."""
    label = await services.faq_teaching.label(callback.from_user.id, callback_data.label)
    text = _("faq-untaught-confirm").format(
        label=_label_text(label, services.faq, i18n.current_locale, cut=False)
    )
    page = callback_data.page
    rows = [
        [_button(_("faq-untaught-btn-confirm"), TaughtAction.DELETE_CONFIRMED, label.id, page)],
        [_button(_("faq-btn-back"), TaughtAction.PAGE, 0, page)],
    ]
    await show_in_place(callback, text, InlineKeyboardMarkup(inline_keyboard=rows))


@router.callback_query(
    FaqTaughtCb.filter(F.action == TaughtAction.DELETE_CONFIRMED), HasRole(admin_only=True)
)
async def delete_confirmed(
    callback: CallbackQuery, callback_data: FaqTaughtCb, services: Services, i18n: I18n
) -> None:
    """Deletes the label, then shows the list again from the same page."""
    teaching, faq, locale = services.faq_teaching, services.faq, i18n.current_locale
    label = await teaching.untaught(callback.from_user.id, callback_data.label)
    notice = _("faq-untaught-done").format(label=_label_text(label, faq, locale))
    labels = await teaching.labels(callback.from_user.id)
    text, markup = _listing(labels, callback_data.page, faq, locale)
    await show_in_place(callback, f"{notice}\n\n{text}", markup)


def _listing(
    labels: list[Label], page: int, faq: Faq, locale: str
) -> tuple[str, InlineKeyboardMarkup | None]:
    """One page of labels, numbered across pages, a "🗑 Hapus <n>" for each and ◀️ / ▶️."""
    if not labels:
        return _("faq-taught-empty"), None
    shown = page_of(labels, page, PER_PAGE)
    numbered = list(enumerate(shown.items, shown.first + 1))
    title = _("faq-taught-title").format(count=len(labels))
    if shown.pages > 1:
        title += "\n" + _("faq-taught-page").format(page=shown.number + 1, pages=shown.pages)
    lines = [
        _("faq-taught-line").format(
            number=n, label=_label_text(label, faq, locale), date=short_date(label.taught_on)
        )
        for n, label in numbered
    ]
    deletes = [
        _button(_("faq-untaught-btn").format(number=n), TaughtAction.DELETE, label.id, shown.number)
        for n, label in numbered
    ]
    rows = [deletes[i : i + 4] for i in range(0, len(deletes), 4)]
    rows.append(
        pager(shown.number, shown.pages, lambda t, to: _button(t, TaughtAction.PAGE, 0, to))
    )
    text = "\n".join([title, "", *lines, "", _("faq-taught-footer")])
    return text, InlineKeyboardMarkup(inline_keyboard=[row for row in rows if row])


def _label_text(label: Label, faq: Faq, locale: str, *, cut: bool = True) -> str:
    """ "“question” → “entry's question”", or "→ Untuk petugas"; an entry the FAQ file no
    longer has is shown by its id (the matcher leaves such a label out)."""
    question = escape(fit(label.question, QUESTION_ON_LIST) if cut else label.question)
    if label.entry_id == UNANSWERED:
        return _("faq-taught-staff").format(question=question)
    entry = faq.entry(label.entry_id)
    answer = entry.question[locale] if entry else label.entry_id
    return _("faq-taught-entry").format(question=question, entry=escape(answer))


def _button(text: str, action: TaughtAction, label: int, page: int) -> InlineKeyboardButton:
    data = FaqTaughtCb(action=action, label=label, page=page).pack()
    return InlineKeyboardButton(text=text, callback_data=data)
