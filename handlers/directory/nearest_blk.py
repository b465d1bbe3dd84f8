""" "Cari BLK terdekat": by shared location or a typed place; then a map pin or the batches."""

from __future__ import annotations

from aiogram import F
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import (
    CallbackQuery,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
)
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.directory.service import BlkDistance
from bot.places.types import PlaceHit
from bot.services import Services
from bot.telegram_text import fit
from handlers.common import keyboards
from handlers.common.blueprint import Blueprint
from handlers.common.callbacks import BlkAction, BlkCb, MenuAction, MenuCb, PlaceCb
from handlers.common.replies import alert, close_keyboard, pressed_blk
from handlers.directory.render import VENUE_TEXT_LENGTH, blk_address, nearest_results, venue_title

router = Blueprint(name=__name__)


class NearestBlk(StatesGroup):
    place = State()


def _ask_markup() -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text=_("btn-share-location"), request_location=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


async def _show(
    event: Message | CallbackQuery,
    found: list[BlkDistance],
    services: Services,
    place: str | None = None,
) -> None:
    """The list, with each BLK's open batches; `place` echoes what a typed name matched."""
    openings = {item.blk.id: await services.enrollment.open_batches(item.blk.id) for item in found}
    text, markup = nearest_results(found, openings, place)
    await event.bot.send_message(event.from_user.id, text, reply_markup=markup)


def _place_name(hit: PlaceHit) -> str:
    """ "Kecamatan Cibinong, Kabupaten Bogor" or "Kabupaten Bogor"."""
    if hit.district is None:
        return hit.regency.name
    return _("place-district").format(district=hit.district.name, regency=hit.regency.name)


@router.message(Command("blk"), StateFilter(None))
@router.callback_query(MenuCb.filter(F.action == MenuAction.NEAREST_BLK), StateFilter(None))
async def cmd_blk(event: Message | CallbackQuery, state: FSMContext) -> None:
    """Asks for a location (one tap) or a place name."""
    await state.set_state(NearestBlk.place)
    await event.bot.send_message(event.from_user.id, _("nearest-ask"), reply_markup=_ask_markup())


@router.message(StateFilter(None, NearestBlk.place), F.location)
async def location_shared(message: Message, state: FSMContext, services: Services) -> None:
    """The five nearest BLKs to the shared point, named by its kecamatan; works outside the
    flow too. A point outside Indonesia or at sea is told so, and another is asked for."""
    location = message.location
    try:
        nearest = await services.directory.nearest_blks(location.latitude, location.longitude)
    except ValueError:  # impossible coordinates: not from Telegram's apps, but possible
        await message.answer(_("nearest-expected"), reply_markup=_ask_markup())
        return
    district = services.regions.locate(location.latitude, location.longitude)
    regency = district and services.regions.regency(district.regency_code)
    if district is None or regency is None:
        await state.set_state(NearestBlk.place)
        await message.answer(_("nearest-outside-indonesia"), reply_markup=_ask_markup())
        return
    await state.clear()
    await message.answer(_("nearest-searching"), reply_markup=keyboards.REMOVE)
    await _show(message, nearest, services, _place_name(PlaceHit(regency, district)))


@router.message(NearestBlk.place, F.text & ~F.text.startswith("/"))
async def place_typed(message: Message, state: FSMContext, services: Services) -> None:
    """A typed regency, city or kecamatan; close candidates are offered as buttons."""
    search = services.regions.match_places(message.text)
    if (best := search.best) is not None:
        await state.clear()
        await message.answer(_("nearest-searching"), reply_markup=keyboards.REMOVE)
        # From the kecamatan's centre when one was named: closer to the person than the
        # regency's.
        found = await services.directory.nearest_blks(best.latitude, best.longitude)
        await _show(message, found, services, _place_name(best))
        return
    if not search.candidates:
        await message.answer(_("error-place-not-found"))
        await message.answer(_("nearest-ask"), reply_markup=_ask_markup())
        return
    builder = InlineKeyboardBuilder()
    for hit in search.candidates:
        label = hit.district.name if hit.district else hit.regency.short_name
        if hit.district:
            label = f"{label}, {hit.regency.short_name}"
        builder.button(text=label, callback_data=PlaceCb(regency=hit.regency.code))
    builder.adjust(1)
    await message.answer(_("reg-place-did-you-mean"), reply_markup=builder.as_markup())


@router.message(NearestBlk.place)
async def place_unexpected(message: Message) -> None:
    await message.answer(_("nearest-expected"), reply_markup=_ask_markup())


@router.callback_query(PlaceCb.filter())
async def place_chosen(
    callback: CallbackQuery,
    callback_data: PlaceCb,
    state: FSMContext,
    services: Services,
    callback_answer: CallbackAnswer,
) -> None:
    regency = services.regions.regency(callback_data.regency)
    if regency is None:
        alert(callback_answer, _("error-stale-button"))
        return
    await close_keyboard(callback)
    if await state.get_state() == NearestBlk.place.state:
        await state.clear()
    found = await services.directory.blks_near_place(regency.code)
    await _show(callback, found, services, regency.name)


@router.callback_query(BlkCb.filter(F.action == BlkAction.NEAR))
async def near_chosen(
    callback: CallbackQuery,
    callback_data: BlkCb,
    services: Services,
    callback_answer: CallbackAnswer,
) -> None:
    """Back from a BLK's page: the BLKs around its regency."""
    blk = await pressed_blk(callback_data, services, callback_answer)
    if blk is None:
        return
    found = await services.directory.blks_near_place(blk.regency_code)
    await _show(callback, found, services, blk.regency_name)


@router.callback_query(BlkCb.filter(F.action == BlkAction.MAP))
async def map_chosen(
    callback: CallbackQuery,
    callback_data: BlkCb,
    services: Services,
    callback_answer: CallbackAnswer,
) -> None:
    """A map pin Telegram opens in the phone's maps app."""
    blk = await pressed_blk(callback_data, services, callback_answer)
    if blk is None:
        return
    await callback.bot.send_venue(
        callback.from_user.id,
        latitude=blk.latitude,
        longitude=blk.longitude,
        title=venue_title(blk),
        address=fit(blk_address(blk), VENUE_TEXT_LENGTH),
    )
