"""What the FAQ did not answer is stored without numbers that could identify someone."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.faq.gaps import MAX_QUESTION_LENGTH, without_numbers

LONG_NUMBER = re.compile(r"\d(?:[\s.\-/()]{0,2}\d){4,}")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("NIK saya 3201 0112 0190 0001 kok ditolak", "NIK saya kok ditolak"),
        ("hp +62 812-3456-7890, asrama ada?", "hp , asrama ada?"),
        ("umur 45 masih bisa? gelombang 2", "umur 45 masih bisa? gelombang 2"),
        ("  banyak    spasi  ", "banyak spasi"),
        ("a" * 199 + " b", "a" * 199),
        ("ada\x00 asrama\x1b?\x7f", "ada asrama ?"),
    ],
)
def test_long_numbers_are_removed_and_short_ones_kept(typed: str, stored: str) -> None:
    assert without_numbers(typed) == stored


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=400))
def test_no_long_number_survives_and_the_result_is_stable(text: str) -> None:
    stored = without_numbers(text)
    assert LONG_NUMBER.search(stored) is None
    assert len(stored) <= MAX_QUESTION_LENGTH
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in stored)
    assert without_numbers(stored) == stored
