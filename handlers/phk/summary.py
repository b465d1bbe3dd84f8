"""The PHK summary and the JKP facts, each fact with its source; the summary's buttons."""

from __future__ import annotations

from aiogram import F, html
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n.context import get_i18n
from babel.dates import format_date

from bot.phk.content import ContentItem
from bot.phk.pathway import Summary
from bot.services import Services
from handlers.common.blueprint import Blueprint
from handlers.common.callbacks import PhkAction, PhkActionCb
from handlers.common.render import SECTOR_LABELS, month_label, phk_label
from handlers.common.replies import alert, close_keyboard
from handlers.phk import keyboards as phk_keyboards
from handlers.phk.questions import PhkFlow, repeat
from handlers.registration.identity import start_registration

router = Blueprint(name=__name__)


def _item(item: ContentItem) -> str:
    locale = get_i18n().current_locale
    checked = format_date(item.last_checked, "d MMM y", locale=locale)
    source = _("phk-source").format(source=item.source, date=checked)
    return _("phk-item").format(text=item.text_in(locale), source=source)


def summary_text(summary: Summary) -> str:
    answers = summary.answers
    jkp = summary.jkp
    if jkp.open:
        deadline = _("phk-jkp-open").format(month=month_label(jkp.last_month))
    else:
        deadline = _("phk-jkp-closed")
    return _("phk-summary").format(
        month=month_label(answers.phk_month),
        sector=SECTOR_LABELS[answers.previous_sector],
        skills=html.quote(answers.skills),
        business=phk_keyboards.PHK_BUSINESS_LABELS[answers.business],
        offers="\n\n".join(_item(item) for item in summary.offers),
        jkp=deadline,
    )


def jkp_text(items: list[ContentItem]) -> str:
    return _("phk-jkp-facts").format(facts="\n\n".join(_item(item) for item in items))


async def send_summary(callback: CallbackQuery, summary: Summary, services: Services) -> None:
    """The summary; a registered person whose registration says otherwise about the PHK is
    then asked whether to update it: one record, changed only with their yes."""
    user_id = callback.from_user.id
    participant = await services.registrations.get(user_id)
    markup = phk_keyboards.summary(registered=participant is not None)
    await callback.bot.send_message(user_id, summary_text(summary), reply_markup=markup)
    month = summary.answers.phk_month
    if participant is None or (participant.phk_affected and participant.phk_month == month):
        return
    text = _("phk-update-ask").format(
        code=participant.code,
        current=phk_label(participant.phk_affected, participant.phk_month),
        new=phk_label(True, month),
    )
    await callback.bot.send_message(user_id, text, reply_markup=phk_keyboards.update_registration())


@router.callback_query(PhkActionCb.filter(F.action == PhkAction.JKP))
async def jkp_chosen(callback: CallbackQuery, state: FSMContext, services: Services) -> None:
    """The JKP facts; pressed mid-pathway, the open question is asked again below them."""
    await callback.bot.send_message(callback.from_user.id, jkp_text(services.phk.content.jkp))
    if await state.get_state() in PhkFlow:
        await repeat(callback, state, services)


@router.callback_query(PhkActionCb.filter(F.action == PhkAction.UPDATE), StateFilter(None))
async def update_chosen(
    callback: CallbackQuery, callback_answer: CallbackAnswer, services: Services
) -> None:
    """Writes the PHK month saved last into the registration (an account erased meanwhile
    is told by the errors router)."""
    user_id = callback.from_user.id
    answers = await services.phk.get(user_id)
    if answers is None:  # erased since, or a forged button
        alert(callback_answer, _("error-stale-button"))
        return
    await close_keyboard(callback)
    participant = await services.registrations.update_phk(user_id, answers.phk_month)
    text = _("phk-update-done").format(
        code=participant.code, phk=phk_label(participant.phk_affected, participant.phk_month)
    )
    await callback.bot.send_message(user_id, text)


@router.callback_query(PhkActionCb.filter(F.action == PhkAction.KEEP))
async def keep_chosen(callback: CallbackQuery) -> None:
    await close_keyboard(callback)
    await callback.bot.send_message(callback.from_user.id, _("phk-update-kept"))


@router.callback_query(PhkActionCb.filter(F.action == PhkAction.REGISTER), StateFilter(None))
async def register_chosen(
    callback: CallbackQuery,
    callback_answer: CallbackAnswer,
    state: FSMContext,
    services: Services,
) -> None:
    """Starts the registration with the PHK answers filled in, so they are not asked again."""
    answers = await services.phk.get(callback.from_user.id)
    if answers is None:  # erased since, or a forged button
        alert(callback_answer, _("error-stale-button"))
        return
    await start_registration(callback, state, services, answers.registration_answers())
