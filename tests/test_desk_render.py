"""Roster pages: every entry once, in order, and each page within Telegram's limits."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.telegram_text import MESSAGE_LIMIT, utf16_length
from handlers.coordinators.desk_render import ENTRIES_PER_PAGE, pages_of
from handlers.coordinators.desk_sheets import national_phone

# Entries as long as a roster's can be (a 100-character name of emoji, and the rest).
blocks = st.lists(st.text(alphabet="a😀", max_size=600), max_size=40)


@given(header=st.text(alphabet="b😀", max_size=400), blocks=blocks)
def test_pages_hold_every_block_in_order_within_the_limits(header: str, blocks: list[str]) -> None:
    pages = pages_of(header, blocks)
    assert [i for page in pages for i in page] == list(range(len(blocks)))
    assert all(len(page) <= ENTRIES_PER_PAGE for page in pages)
    assert all(len(page) for page in pages) or blocks == []
    for page in pages:
        text = "\n\n".join([header, *(blocks[i] for i in page)])
        assert utf16_length(text) <= MESSAGE_LIMIT


def test_national_phone_is_what_people_dial_and_no_formula() -> None:
    assert national_phone("+6281234567890") == "0812-3456-7890"
    assert national_phone("+628123456789") == "0812-3456-789"
