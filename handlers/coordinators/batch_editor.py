"""A batch managed from the desk: /peserta → batch → "✏️ Ubah gelombang".

The card shows everything set, with a button per field (one field at a time: the same
question as when creating, with the value now), the programme, close or reopen
registration, and
cancel (after a confirmation; everyone holding a seat or waiting is told through the
outbox). Every press is checked again by the service, so a forged batch id outside the
presser's scope gets the same "button no longer valid" as a stale one.
"""

from __future__ import annotations

from aiogram import Bot, F
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from bot.services import Services
from bot.training.batch_rules import BatchField, BatchRefused, read_answer
from bot.training.managed_batch import ManagedBatch
from bot.training.programmes import Programme
from handlers.common.blueprint import Blueprint
from handlers.common.callbacks import BatchAdminAction, BatchAdminCb, BatchFormCb
from handlers.common.filters import HasRole
from handlers.common.replies import alert, show_in_place
from handlers.coordinators.batch_forms import (
    batch_card,
    cancel_confirmation,
    current_value,
    editor_markup,
    programme_markup,
    question,
    quick_pick_taken,
    refusal_text,
)

router = Blueprint(name=__name__)
# Included after the other coordinator routers: what the edit step did not take.
retry_router = Blueprint(name=f"{__name__}.retry")


class BatchEdit(StatesGroup):
    value = State()


@router.callback_query(BatchAdminCb.filter(F.action == BatchAdminAction.VIEW), HasRole())
async def batch_chosen(
    callback: CallbackQuery, callback_data: BatchAdminCb, services: Services
) -> None:
    """The batch's card with its actions, in place of the roster."""
    batch = await services.batch_admin.batch(callback.from_user.id, callback_data.batch)
    await show_in_place(callback, batch_card(batch), editor_markup(batch))


async def _ask(
    bot: Bot, chat_id: int, batch: ManagedBatch, field: BatchField, services: Services
) -> None:
    """The creation's question for `field`, with its value now."""
    text, markup = question(
        field,
        zone=batch.blk.timezone,
        today=services.batch_admin.today_in(batch.blk.timezone),
        first_day=batch.plan.first_day,
        seats_taken=batch.seats_taken,
        current=current_value(field, batch),
    )
    await bot.send_message(chat_id, text, reply_markup=markup)


@router.callback_query(BatchAdminCb.filter(F.action == BatchAdminAction.EDIT), HasRole())
async def field_chosen(
    callback: CallbackQuery,
    callback_data: BatchAdminCb,
    state: FSMContext,
    services: Services,
    callback_answer: CallbackAnswer,
) -> None:
    """Asks for the new value of one field; the batch is checked to be in scope first."""
    if callback_data.field not in set(BatchField):
        alert(callback_answer, _("error-stale-button"))
        return
    field = BatchField(callback_data.field)
    batch = await services.batch_admin.batch(callback.from_user.id, callback_data.batch)
    await state.set_state(BatchEdit.value)
    await state.set_data({"batch": batch.id, "field": field.value})
    await _ask(callback.bot, callback.from_user.id, batch, field, services)


async def _edited(bot: Bot, actor: int, text: str, state: FSMContext, services: Services) -> None:
    """Reads and saves the new value; a refused one is explained and asked for again."""
    data = await state.get_data()
    field = BatchField(data["field"])
    admin = services.batch_admin
    batch = await admin.batch(actor, data["batch"])
    try:
        answer = read_answer(
            field,
            text,
            today=admin.today_in(batch.blk.timezone),
            first_day=batch.plan.first_day,
            seats_taken=batch.seats_taken,
        )
        batch = await admin.edit(actor, batch.id, field, answer)
    except BatchRefused as refused:
        await bot.send_message(actor, refusal_text(refused))
        await _ask(bot, actor, batch, field, services)
        return
    await state.clear()
    saved = "\n\n".join([_("batch-admin-saved"), batch_card(batch)])
    await bot.send_message(actor, saved, reply_markup=editor_markup(batch))


@router.message(BatchEdit.value, F.text & ~F.text.startswith("/"), HasRole())
async def value_typed(message: Message, state: FSMContext, services: Services) -> None:
    """The new value typed; saved, and the card shown again."""
    await _edited(message.bot, message.from_user.id, message.text, state, services)


@router.callback_query(BatchEdit.value, BatchFormCb.filter(), HasRole())
async def value_pressed(
    callback: CallbackQuery,
    callback_data: BatchFormCb,
    state: FSMContext,
    services: Services,
    callback_answer: CallbackAnswer,
) -> None:
    """A quick pick of the field being edited; one of another question is stale."""
    asked = (await state.get_data()).get("field")
    if await quick_pick_taken(callback, callback_data, asked, callback_answer):
        await _edited(callback.bot, callback.from_user.id, callback_data.value, state, services)


@router.callback_query(
    BatchAdminCb.filter(F.action.in_({BatchAdminAction.CLOSE, BatchAdminAction.REOPEN})),
    HasRole(),
)
async def registration_switched(
    callback: CallbackQuery, callback_data: BatchAdminCb, services: Services
) -> None:
    """Close registration (seats and waitlist stay) or open it again."""
    batch = await services.batch_admin.set_registration(
        callback.from_user.id,
        callback_data.batch,
        open_=callback_data.action is BatchAdminAction.REOPEN,
    )
    await show_in_place(callback, batch_card(batch), editor_markup(batch))


@router.callback_query(BatchAdminCb.filter(F.action == BatchAdminAction.PROGRAMME), HasRole())
async def programme_asked(
    callback: CallbackQuery, callback_data: BatchAdminCb, services: Services
) -> None:
    """The programmes to move the batch to, in place of its card."""
    batch = await services.batch_admin.batch(callback.from_user.id, callback_data.batch)
    text = "\n\n".join([batch_card(batch), _("batch-admin-ask-programme")])
    await show_in_place(callback, text, programme_markup(batch))


@router.callback_query(BatchAdminCb.filter(F.action == BatchAdminAction.SET_PROGRAMME), HasRole())
async def programme_set(
    callback: CallbackQuery,
    callback_data: BatchAdminCb,
    services: Services,
    callback_answer: CallbackAnswer,
) -> None:
    """Saved (seats and waitlist stay); the card again."""
    if callback_data.field not in set(Programme):
        alert(callback_answer, _("error-stale-button"))
        return
    batch = await services.batch_admin.set_programme(
        callback.from_user.id, callback_data.batch, Programme(callback_data.field)
    )
    await show_in_place(callback, batch_card(batch), editor_markup(batch))


@router.callback_query(BatchAdminCb.filter(F.action == BatchAdminAction.CANCEL), HasRole())
async def cancel_chosen(
    callback: CallbackQuery, callback_data: BatchAdminCb, services: Services
) -> None:
    """Says who will be told, and asks to confirm."""
    batch = await services.batch_admin.batch(callback.from_user.id, callback_data.batch)
    await show_in_place(callback, *cancel_confirmation(batch))


@router.callback_query(
    BatchAdminCb.filter(F.action == BatchAdminAction.CANCEL_CONFIRMED), HasRole()
)
async def cancel_confirmed(
    callback: CallbackQuery, callback_data: BatchAdminCb, services: Services
) -> None:
    """Cancelled; the notices wait in the outbox, and the card says how many."""
    outcome = await services.batch_admin.cancel(callback.from_user.id, callback_data.batch)
    done = _("batch-admin-cancelled").format(
        enrolled=outcome.enrolled, waitlisted=outcome.waitlisted
    )
    batch = outcome.batch
    await show_in_place(callback, f"{done}\n\n{batch_card(batch)}", editor_markup(batch))


@retry_router.message(BatchEdit.value)
async def value_unsupported(message: Message) -> None:
    """Anything but text mid-edit: the question stands."""
    await message.answer(_("batch-admin-type-or-press"))
