""" "Cari BLK terdekat": by shared location or a typed place; then a map pin or the batches."""

from __future__ import annotations

from aiogram import F, html
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import (
    CallbackQuery,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
)
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.directory.service import BlkDistance
from bot.services import Services
from handlers.common import keyboards
from handlers.common.blueprint import Blueprint
from handlers.common.callbacks import BlkAction, BlkCb, MenuAction, MenuCb, PlaceCb
from handlers.common.replies import alert, close_keyboard, pressed_blk
from handlers.training.render import distance_label

router = Blueprint(name=__name__)


class NearestBlk(StatesGroup):
    place = State()


def _ask_markup() -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text=_("btn-share-location"), request_location=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


def _results(found: list[BlkDistance]) -> tuple[str, InlineKeyboardMarkup]:
    lines = [_("nearest-title")]
    builder = InlineKeyboardBuilder()
    for number, item in enumerate(found, start=1):
        blk = item.blk
        where = ", ".join(p for p in (blk.address, blk.regency_name, blk.province_name) if p)
        approx = _("nearest-approximate") if item.approximate else ""
        lines.append(
            _("nearest-item").format(
                number=number,
                name=html.quote(blk.name),
                where=html.quote(where),
                distance=distance_label(item.distance_km),
                approximate=approx,
            )
        )
        builder.button(
            text=_("btn-blk-map").format(number=number),
            callback_data=BlkCb(action=BlkAction.MAP, blk=blk.id),
        )
        builder.button(
            text=_("btn-blk-batches").format(number=number),
            callback_data=BlkCb(action=BlkAction.BATCHES, blk=blk.id),
        )
    builder.adjust(2)
    return "\n\n".join(lines), builder.as_markup()


async def _show(message_or_callback: Message | CallbackQuery, found: list[BlkDistance]) -> None:
    text, markup = _results(found)
    await message_or_callback.bot.send_message(
        message_or_callback.from_user.id, text, reply_markup=markup
    )


@router.message(Command("blk"), StateFilter(None))
@router.callback_query(MenuCb.filter(F.action == MenuAction.NEAREST_BLK), StateFilter(None))
async def cmd_blk(event: Message | CallbackQuery, state: FSMContext) -> None:
    """Asks for a location (one tap) or a place name."""
    await state.set_state(NearestBlk.place)
    await event.bot.send_message(event.from_user.id, _("nearest-ask"), reply_markup=_ask_markup())


@router.message(StateFilter(None, NearestBlk.place), F.location)
async def location_shared(message: Message, state: FSMContext, services: Services) -> None:
    """The five nearest BLKs to the shared point; works outside the flow too."""
    location = message.location
    try:
        nearest = await services.directory.nearest_blks(location.latitude, location.longitude)
    except ValueError:  # impossible coordinates: not from Telegram's apps, but possible
        await message.answer(_("nearest-expected"), reply_markup=_ask_markup())
        return
    await state.clear()
    await message.answer(_("nearest-searching"), reply_markup=keyboards.REMOVE)
    await _show(message, nearest)


@router.message(NearestBlk.place, F.text & ~F.text.startswith("/"))
async def place_typed(message: Message, state: FSMContext, services: Services) -> None:
    """A typed regency, city or kecamatan; close candidates are offered as buttons."""
    search = services.regions.match_places(message.text)
    if search.best is not None:
        await state.clear()
        await message.answer(_("nearest-searching"), reply_markup=keyboards.REMOVE)
        await _show(message, await services.directory.blks_near_place(search.best.regency.code))
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
    if services.regions.regency(callback_data.regency) is None:
        alert(callback_answer, _("error-stale-button"))
        return
    await close_keyboard(callback)
    if await state.get_state() == NearestBlk.place.state:
        await state.clear()
    await _show(callback, await services.directory.blks_near_place(callback_data.regency))


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
        title=blk.name[:100],
        address=(", ".join(p for p in (blk.address, blk.regency_name) if p) or blk.province_name)[
            :100
        ],
    )
