"""Batches, places and BLKs as short texts in the user's language and the BLK's time zone."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiogram import html
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n.context import get_i18n
from babel.dates import format_time
from babel.numbers import format_decimal

from bot.telegram_text import MESSAGE_LIMIT, utf16_length
from bot.training.placements import BatchView, Placement
from bot.training.programmes import DEFAULT_PROGRAMME, packaged_programmes
from handlers.common.render import long_date

# Indonesia's three zones as people name them; no daylight saving anywhere.
ZONE_ABBREVIATIONS = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}
MAX_LISTED_BATCHES = 8


def _locale() -> str:
    return get_i18n().current_locale


def distance_label(km: float) -> str:
    """ "3,2 km" in Indonesian, "3.2 km" in English."""
    return f"{format_decimal(round(km, 1), format='#,##0.#', locale=_locale())} km"


def numbered_batches(title: str, batches: list[BatchView]) -> tuple[str, list[BatchView]]:
    """The title and as many numbered batches as fit in one message (8 at most).

    Titles and BLK names come from coordinators' files, up to 200 characters each.
    """
    text, shown = title, []
    for number, batch in enumerate(batches[:MAX_LISTED_BATCHES], start=1):
        longer = f"{text}\n\n<b>{number}.</b> {batch_text(batch)}"
        if utf16_length(longer) > MESSAGE_LIMIT:
            break
        text, shown = longer, [*shown, batch]
    return text, shown


def programme_name(code: str) -> str:
    """The programme's name in the user's language (bot/data/programmes.toml), not quoted."""
    return packaged_programmes().name_of(code, _locale())


def batch_text(batch: BatchView) -> str:
    """Title, BLK, dates, daily hours with the zone, seats left and the deadline; a batch
    of another programme than entrepreneurship training says which."""
    zone = ZoneInfo(batch.timezone)
    starts, ends = batch.starts_at.astimezone(zone), batch.ends_at.astimezone(zone)
    deadline = batch.registration_deadline.astimezone(zone)
    text = _("batch-card").format(
        title=html.quote(batch.title),
        blk=html.quote(batch.blk_name),
        first_day=long_date(starts.date()),
        last_day=long_date(ends.date()),
        start_time=format_time(starts, "HH.mm", locale=_locale()),
        end_time=format_time(ends, "HH.mm", locale=_locale()),
        zone=ZONE_ABBREVIATIONS.get(batch.timezone, batch.timezone),
        seats_left=batch.seats_left,
        capacity=batch.capacity,
        deadline=long_date(deadline.date()),
    )
    if batch.programme == DEFAULT_PROGRAMME:
        return text
    return "\n".join(
        [text, _("batch-programme").format(programme=html.quote(programme_name(batch.programme)))]
    )


def placement_text(placement: Placement) -> str:
    if placement.position is None:
        status = _("schedule-seat")
    else:
        status = _("schedule-waitlist").format(position=placement.position)
    return f"{status}\n\n{batch_text(placement.batch)}"
