"""A participant's card on the desk, and what a coordinator may do from it.

Moving and cancelling a seat, and (administrators only) releasing a NIK, each take a
confirmation press; the services check the scope, the seat and the role again at that
moment, so a forged or outdated button is answered like a stale one.
"""

from __future__ import annotations

from aiogram import F, html
from aiogram.types import CallbackQuery
from aiogram.utils.i18n import gettext as _

from bot.services import Services
from handlers.common.blueprint import Blueprint
from handlers.common.callbacks import PersonAction, PersonCb
from handlers.common.filters import HasRole
from handlers.common.replies import show_in_place
from handlers.coordinators import participant_render as render
from handlers.training.render import batch_text

router = Blueprint(name=__name__)


@router.callback_query(PersonCb.filter(F.action == PersonAction.CARD), HasRole())
async def person_chosen(
    callback: CallbackQuery, callback_data: PersonCb, services: Services
) -> None:
    person = await services.participants.card(callback.from_user.id, callback_data.person)
    await show_in_place(callback, *render.card(person))


@router.callback_query(PersonCb.filter(F.action == PersonAction.MOVE), HasRole())
async def move_chosen(callback: CallbackQuery, callback_data: PersonCb, services: Services) -> None:
    """The batches in scope the seat may move to."""
    holder, targets = await services.participant_actions.targets(
        callback.from_user.id, callback_data.person, callback_data.seat
    )
    await show_in_place(callback, *render.move_choices(holder, targets))


@router.callback_query(PersonCb.filter(F.action == PersonAction.MOVE_TO), HasRole())
async def target_chosen(
    callback: CallbackQuery, callback_data: PersonCb, services: Services
) -> None:
    actions, actor = services.participant_actions, callback.from_user.id
    holder = await actions.holder(actor, callback_data.person, callback_data.seat)
    title = await actions.target(actor, callback_data.batch)
    await show_in_place(callback, *render.move_confirmation(holder, callback_data.batch, title))


@router.callback_query(PersonCb.filter(F.action == PersonAction.MOVE_CONFIRMED), HasRole())
async def move_confirmed(
    callback: CallbackQuery, callback_data: PersonCb, services: Services
) -> None:
    moved = await services.participant_actions.move(
        callback.from_user.id, callback_data.person, callback_data.seat, callback_data.batch
    )
    text = _("person-moved").format(
        name=html.quote(moved.holder.full_name), placement=batch_text(moved.placement.batch)
    )
    markup = render.card_return(moved.holder.id)
    await show_in_place(callback, text + render.promoted_note(moved.promoted), markup)


@router.callback_query(PersonCb.filter(F.action == PersonAction.CANCEL), HasRole())
async def cancel_chosen(
    callback: CallbackQuery, callback_data: PersonCb, services: Services
) -> None:
    holder = await services.participant_actions.holder(
        callback.from_user.id, callback_data.person, callback_data.seat
    )
    await show_in_place(callback, *render.cancel_confirmation(holder))


@router.callback_query(PersonCb.filter(F.action == PersonAction.CANCEL_CONFIRMED), HasRole())
async def cancel_confirmed(
    callback: CallbackQuery, callback_data: PersonCb, services: Services
) -> None:
    cancelled = await services.participant_actions.cancel(
        callback.from_user.id, callback_data.person, callback_data.seat
    )
    text = _("person-cancelled").format(
        name=html.quote(cancelled.holder.full_name),
        title=html.quote(cancelled.holder.seat.batch_title),
    )
    # The person may now be outside a BLK scope: the way on is a new search.
    markup = render.search_markup()
    await show_in_place(callback, text + render.promoted_note(cancelled.promoted), markup)


@router.callback_query(PersonCb.filter(F.action == PersonAction.RELEASE), HasRole())
async def release_chosen(
    callback: CallbackQuery, callback_data: PersonCb, services: Services
) -> None:
    """Administrators only (checked by the service): what erasing the old account means."""
    name, code = await services.participant_actions.erasable(
        callback.from_user.id, callback_data.person
    )
    await show_in_place(callback, *render.release_confirmation(callback_data.person, name, code))


@router.callback_query(PersonCb.filter(F.action == PersonAction.RELEASE_CONFIRMED), HasRole())
async def release_confirmed(
    callback: CallbackQuery, callback_data: PersonCb, services: Services
) -> None:
    erased = await services.participant_actions.release_nik(
        callback.from_user.id, callback_data.person
    )
    text = _("person-released").format(code=html.quote(erased.code))
    await show_in_place(
        callback, text + render.promoted_note(erased.promoted), render.search_markup()
    )
