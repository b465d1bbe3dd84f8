"""The participant's own data: /status, /ubah, /datasaya and /hapusdata (UU PDP rights)."""

from __future__ import annotations

import json

from aiogram import F
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.delivery.deferred_replies import send_now
from bot.registration.participants import answers_from_participant
from bot.services import Services
from handlers.common import keyboards
from handlers.common.blueprint import Blueprint
from handlers.common.callbacks import EraseCb, MenuAction, MenuCb
from handlers.common.render import participant_card
from handlers.common.replies import close_keyboard
from handlers.privacy.summary import code_legend, summary_messages
from handlers.registration.questions import ask
from handlers.registration.states import Registration
from handlers.training.next_step import next_step

router = Blueprint(name=__name__)


@router.message(Command("status"), StateFilter(None))
@router.callback_query(MenuCb.filter(F.action == MenuAction.STATUS), StateFilter(None))
async def cmd_status(event: Message | CallbackQuery, services: Services) -> None:
    """Shows the registration with NIK and phone masked, and what to do next."""
    user_id = event.from_user.id
    participant = await services.registrations.get(user_id)
    if participant is None:
        await event.bot.send_message(user_id, _("status-not-registered"))
        return
    step, buttons = next_step(participant, await services.enrollment.placement(user_id))
    card = participant_card(participant, services.regions)
    await event.bot.send_message(user_id, f"{card}\n\n{step}", reply_markup=buttons)


@router.message(Command("ubah"), StateFilter(None))
async def cmd_ubah(event: Message | CallbackQuery, state: FSMContext, services: Services) -> None:
    """Opens the review of a saved registration, whose edit buttons change single fields;
    also how changes put aside start over."""
    participant = await services.registrations.get(event.from_user.id)
    if participant is None:
        await event.bot.send_message(event.from_user.id, _("status-not-registered"))
        return
    await state.set_data({**answers_from_participant(participant), "mode": "update"})
    await ask(Registration.review, event, state, services)


@router.message(Command("datasaya"), StateFilter(None))
async def cmd_datasaya(message: Message, services: Services) -> None:
    """Everything stored about the user (right of access): in words, NIK and phone masked,
    then the whole of it, unmasked, as a JSON file whose codes are explained inside."""
    user_id = message.from_user.id
    export = await services.privacy.export(user_id)
    if export is None:
        await message.answer(_("mydata-none"))
        return
    texts = summary_messages(
        export,
        await services.registrations.get(user_id),
        await services.enrollment.placement(user_id),
        await services.phk.get(user_id),
        services.regions,
        services.privacy.clock.zone.key,
    )
    payload = json.dumps({**export, "codes": code_legend()}, ensure_ascii=False, indent=2)
    # At once and in order: the upload would overtake deferred texts, and a read changes
    # nothing that their exactly-once delivery would protect.
    with send_now():
        for text in texts:
            await message.answer(text)
        await message.answer_document(
            BufferedInputFile(payload.encode(), filename="data-saya.json"),
            caption=_("mydata-caption"),
        )


@router.message(Command("hapusdata"), StateFilter(None))
async def cmd_hapusdata(message: Message, services: Services) -> None:
    """Asks first; a person holding a certificate is told it goes too."""
    text = _("erase-confirm")
    if await services.certificates.count_of(message.from_user.id):
        note = _("erase-certificates-note")
        text = f"{text}\n\n{note}"
    await message.answer(text, reply_markup=keyboards.erase_confirm())


@router.callback_query(EraseCb.filter())
async def erase_chosen(callback: CallbackQuery, callback_data: EraseCb, services: Services) -> None:
    """Deletes everything stored about the person (see bot.privacy), or keeps it."""
    await close_keyboard(callback)
    user_id = callback.from_user.id
    if not callback_data.confirm:
        await callback.bot.send_message(user_id, _("erase-kept"))
        return
    erasure = await services.privacy.erase(user_id)
    await callback.bot.send_message(
        user_id, _("erase-done") if erasure.erased else _("erase-nothing")
    )
