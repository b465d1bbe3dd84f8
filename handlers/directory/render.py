"""BLKs as texts and buttons: the nearest list with open batches and seats, one address
format, and the map pin's title."""

from __future__ import annotations

from aiogram import html
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.directory.service import BlkDistance, BlkInfo
from bot.telegram_text import fit, utf16_length
from bot.training.placements import BatchView
from handlers.common.callbacks import BlkAction, BlkCb
from handlers.training.render import distance_label

# A BLK's name on a button: long enough to tell neighbours apart, short enough for a
# phone's width (names in the directory run up to 200 characters).
BUTTON_NAME_LENGTH = 64
# Telegram's limits for a venue's title and address.
VENUE_TEXT_LENGTH = 100
_REGENCY_KINDS = ("kota administrasi ", "kabupaten administrasi ", "kabupaten ", "kota ", "kab. ")


def blk_address(blk: BlkInfo) -> str:
    """Street, regency and province, the regency once even when the address names it."""
    regency = blk.regency_name
    core = regency.lower()
    for kind in _REGENCY_KINDS:
        core = core.removeprefix(kind)
    if core and core in blk.address.lower():
        regency = ""
    return ", ".join(part for part in (blk.address, regency, blk.province_name) if part)


def venue_title(blk: BlkInfo) -> str:
    """The pin's title says when the point is a regency or kecamatan centre, not the door."""
    if not blk.approximate:
        return fit(blk.name, VENUE_TEXT_LENGTH)
    template = _("map-title-approximate")
    room = VENUE_TEXT_LENGTH - utf16_length(template.format(name=""))
    return template.format(name=fit(blk.name, room))


def nearest_results(
    found: list[BlkDistance], openings: dict[str, list[BatchView]], place: str | None
) -> tuple[str, InlineKeyboardMarkup]:
    """Each BLK with its distance and whether it has open batches (and seats), and a
    button with its name that opens it."""
    title = _("nearest-title-for").format(place=html.quote(place)) if place else _("nearest-title")
    lines = [title]
    builder = InlineKeyboardBuilder()
    for number, item in enumerate(found, start=1):
        blk, batches = item.blk, openings.get(item.blk.id, [])
        entry = _("nearest-item").format(
            number=number,
            name=html.quote(blk.name),
            where=html.quote(blk_address(blk)),
            distance=distance_label(item.distance_km),
            approximate=_("nearest-approximate") if item.approximate else "",
        )
        if batches:
            seats = sum(batch.seats_left for batch in batches)
            status = _("nearest-open").format(batches=len(batches), seats=seats)
        else:
            status = _("nearest-none-open")
        lines.append(f"{entry}\n{status}")
        builder.button(
            text=f"{number}. {fit(blk.name, BUTTON_NAME_LENGTH)}",
            callback_data=BlkCb(action=BlkAction.BATCHES, blk=blk.id),
        )
    builder.adjust(1)
    return "\n\n".join(lines), builder.as_markup()
