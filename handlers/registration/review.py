"""Registration, last part: review every answer, edit any field, then save."""

from __future__ import annotations

from aiogram import F
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery
from aiogram.utils.i18n import gettext as _

from bot.registration.nik_checks import NikRefused
from bot.registration.participants import form_from_answers
from bot.registration.service import AlreadyRegistered, NotRegistered
from bot.services import Services
from handlers.common.blueprint import Blueprint
from handlers.common.callbacks import RegCb, RegStep
from handlers.common.errors import error_text
from handlers.common.replies import close_keyboard
from handlers.registration.questions import FIELD_GROUPS, ask
from handlers.registration.states import Registration
from handlers.training.next_step import next_step

router = Blueprint(name=__name__)


@router.callback_query(
    Registration.review, RegCb.filter((F.step == RegStep.EDIT) & F.value.in_(set(FIELD_GROUPS)))
)
async def field_to_edit_chosen(
    callback: CallbackQuery, callback_data: RegCb, state: FSMContext, services: Services
) -> None:
    """Asks the first question of the chosen field; the review follows its last one."""
    await close_keyboard(callback)
    await state.update_data(editing=True)
    await ask(FIELD_GROUPS[callback_data.value][0], callback, state, services)


@router.callback_query(Registration.review, RegCb.filter(F.step == RegStep.SUBMIT))
async def registration_submitted(
    callback: CallbackQuery, state: FSMContext, services: Services
) -> None:
    """Saves the answers in one transaction and ends the conversation."""
    answers = await state.get_data()
    form = form_from_answers(answers)
    user_id = callback.from_user.id
    try:
        if answers.get("mode") == "update":
            participant = await services.registrations.update(user_id, form)
            text = _("reg-updated").format(code=participant.code)
        else:
            participant = await services.registrations.register(user_id, form)
            text = _("reg-saved").format(code=participant.code)
    except NikRefused as exc:
        await close_keyboard(callback)
        await callback.bot.send_message(user_id, error_text(exc))
        await state.update_data(editing=True)
        await ask(Registration.nik, callback, state, services)
        return
    except (AlreadyRegistered, NotRegistered) as exc:
        # Registered (or erased) meanwhile from another device: the answers are moot.
        await close_keyboard(callback)
        await state.clear()
        await callback.bot.send_message(user_id, error_text(exc))
        return
    await close_keyboard(callback)
    await state.clear()
    step, buttons = next_step(participant, await services.enrollment.placement(user_id))
    await callback.bot.send_message(user_id, f"{text}\n\n{step}", reply_markup=buttons)
