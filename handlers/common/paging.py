"""Lists shown a page at a time, with ◀️ / ▶️ only where there is a page to go to."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from aiogram.types import InlineKeyboardButton
from aiogram.utils.i18n import gettext as _

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """`items` of page `number` (from 0) of `pages`; `first` is the index of the first."""

    items: Sequence[T]
    number: int
    pages: int
    first: int


def page_of(items: Sequence[T], number: int, per_page: int) -> Page[T]:
    """The page asked for, or the nearest there is (a list may have shrunk since)."""
    pages = max((len(items) + per_page - 1) // per_page, 1)
    number = min(max(number, 0), pages - 1)
    first = number * per_page
    return Page(items[first : first + per_page], number, pages, first)


def pager(
    number: int, pages: int, button: Callable[[str, int], InlineKeyboardButton]
) -> list[InlineKeyboardButton]:
    """◀️ / ▶️ from page `number`; `button(text, page)` makes the button that shows `page`."""
    steps = ((_("btn-desk-previous"), number - 1), (_("btn-desk-next"), number + 1))
    return [button(text, to) for text, to in steps if 0 <= to < pages]
