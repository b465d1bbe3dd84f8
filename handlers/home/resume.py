"""Help in the middle of a flow, and the way back into it.

/faq and "Tanya petugas" work while a question is open: the FAQ leaves the flow where it
is, a question to staff puts it aside (`handlers.common.paused`) for as long as it is
typed. "Lanjutkan …" asks the open question again with every answer kept; "Mulai dari
awal" drops the answers and asks the first question.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import F
from aiogram.filters import BaseFilter, Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.services import Services
from bot.tickets.rules import Origin
from handlers.common import paused
from handlers.common.blueprint import Blueprint
from handlers.common.callbacks import AskCb, FaqCb, FaqVoteCb, ResumeAction, ResumeCb
from handlers.common.replies import alert, close_keyboard
from handlers.directory import nearest_blk
from handlers.faq import answers as faq_answers
from handlers.phk import flow as phk_flow
from handlers.phk import questions as phk_questions
from handlers.privacy import my_data
from handlers.registration import identity as registration
from handlers.registration import retry as registration_retry
from handlers.tickets.asker import ask_question
from handlers.training import eligibility

router = Blueprint(name=__name__)

FlowStep = Callable[[Message | CallbackQuery, FSMContext, Services], Awaitable[None]]


async def _restart_registration(
    event: Message | CallbackQuery, state: FSMContext, services: Services
) -> None:
    """Changes to a saved registration start over from the saved data; a new one from
    the consent."""
    if await services.registrations.is_registered(event.from_user.id):
        await my_data.cmd_ubah(event, state, services)
    else:
        await registration.cmd_daftar(event, state, services)


async def _ask_place(event: Message | CallbackQuery, state: FSMContext, services: Services) -> None:
    await nearest_blk.cmd_blk(event, state)


# Per resumable flow: ask the open question again, and begin with no answers.
REPEAT: dict[str, FlowStep] = {
    "Registration": registration_retry.repeat,
    "PhkFlow": phk_questions.repeat,
    "EligibilityCheck": eligibility.continue_check,
    "NearestBlk": _ask_place,
}
RESTART: dict[str, FlowStep] = {
    "Registration": _restart_registration,
    "PhkFlow": phk_flow.cmd_phk,
    "EligibilityCheck": eligibility.cmd_kelayakan,
    "NearestBlk": _ask_place,
}


class InResumableFlow(BaseFilter):
    """The person is answering the questions of a flow that can be put aside."""

    async def __call__(
        self, event: Message | CallbackQuery, state: FSMContext
    ) -> bool | dict[str, Any]:
        group = await paused.open_flow(state)
        return {"flow": group} if group else False


async def offer_resume(event: Message | CallbackQuery, flow: str, text: str) -> None:
    await event.bot.send_message(event.from_user.id, text, reply_markup=paused.resume_buttons(flow))


@router.message(Command("faq"), InResumableFlow())
async def faq_in_flow(message: Message, flow: str, services: Services, i18n: I18n) -> None:
    """The FAQ topics, then the way back: the flow has not moved."""
    await faq_answers.cmd_faq(message, services, i18n)
    await offer_resume(message, flow, _("resume-after-help"))


# Browsing the FAQ and rating an answer work as they do outside a flow.
router.callback_query.register(faq_answers.faq_button, FaqCb.filter(), InResumableFlow())
router.callback_query.register(faq_answers.vote_chosen, FaqVoteCb.filter(), InResumableFlow())


@router.message(Command("tanya"), InResumableFlow())
async def tanya_in_flow(message: Message, flow: str, state: FSMContext, services: Services) -> None:
    await _ask_aside(message, flow, Origin.COMMAND, state, services)


@router.callback_query(AskCb.filter(), InResumableFlow())
async def ask_chosen_in_flow(
    callback: CallbackQuery, callback_data: AskCb, flow: str, state: FSMContext, services: Services
) -> None:
    """ "Tanya petugas" under /bantuan or an FAQ answer given in the middle of a flow."""
    await _ask_aside(callback, flow, Origin.parse(callback_data.origin), state, services)


async def _ask_aside(
    event: Message | CallbackQuery, flow: str, origin: Origin, state: FSMContext, services: Services
) -> None:
    """The flow waits aside while the question is typed (its answer offers the way back);
    with nobody to receive a question, or too many waiting, it is back at once."""
    await paused.pause(state)
    try:
        await ask_question(event.bot, event.from_user.id, state, origin, services)
    finally:
        if await state.get_state() is None:
            await paused.resume(state)
    if await paused.open_flow(state) == flow:
        await offer_resume(event, flow, _("resume-after-help"))


@router.callback_query(ResumeCb.filter(F.action == ResumeAction.GO_ON))
async def resume_chosen(
    callback: CallbackQuery,
    callback_data: ResumeCb,
    callback_answer: CallbackAnswer,
    state: FSMContext,
    services: Services,
) -> None:
    """Asks the open question again: of the flow in progress, or of the one put aside."""
    flow = callback_data.flow
    current = paused.group_of(await state.get_state())
    if current is None and await paused.paused_flow(state) == flow:
        current = paused.group_of(await paused.resume(state))
    if current != flow or flow not in REPEAT:
        alert(
            callback_answer, _("error-stale-button") if current is None else _("error-menu-in-flow")
        )
        return
    await close_keyboard(callback)
    await REPEAT[flow](callback, state, services)


@router.callback_query(ResumeCb.filter(F.action == ResumeAction.RESTART))
async def restart_chosen(
    callback: CallbackQuery,
    callback_data: ResumeCb,
    callback_answer: CallbackAnswer,
    state: FSMContext,
    services: Services,
) -> None:
    """Drops the answers of the flow and asks its first question."""
    flow = callback_data.flow
    current = paused.group_of(await state.get_state())
    aside = current is None and await paused.paused_flow(state) == flow
    if flow not in RESTART or not (aside or current == flow):
        alert(
            callback_answer, _("error-stale-button") if current is None else _("error-menu-in-flow")
        )
        return
    await state.clear()
    await paused.discard(state)
    await close_keyboard(callback)
    await RESTART[flow](callback, state, services)
