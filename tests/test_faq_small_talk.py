"""Small talk and scam reports told apart from questions (bot/faq/small_talk.py)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.faq.small_talk import Chat, classify


@pytest.mark.parametrize(
    ("typed", "kind"),
    [
        ("halo", Chat.GREETING),
        ("Selamat pagi, min!", Chat.GREETING),
        ("assalamualaikum wr wb", Chat.GREETING),
        ("makasih kak", Chat.THANKS),
        ("halo, terima kasih 🙏", Chat.THANKS),
        ("🙏🙏", Chat.THANKS),
        ("ok siap", Chat.OK),
        ("👍", Chat.OK),
        ("ada yang minta bayar biar lolos", Chat.SCAM),
        ("sy dimintain duit sm calo", Chat.SCAM),
        ("ada oknum minta tf 300rb", Chat.SCAM),
    ],
)
def test_small_talk_and_scam_reports(typed: str, kind: Chat) -> None:
    assert classify(typed) is kind


@pytest.mark.parametrize(
    "question",
    ["makasih, trs cara daftar gmn?", "halo min mau tanya jadwal", "brp biayanya", "", "?!"],
)
def test_questions_are_left_to_the_faq(question: str) -> None:
    assert classify(question) is None


@pytest.mark.parametrize(
    ("typed", "kind"),
    [
        ("minta uang transport", None),
        ("Min, boleh minta uang saku?", None),
        ("ada yang minta bayar biar lolos", Chat.SCAM),
        ("disuruh transfer uang pendaftaran", Chat.SCAM),
        ("saya dimintai uang transport", Chat.SCAM),
        ("ada yang minta uang transport", Chat.SCAM),
        ("minta uang transport biar lolos", Chat.SCAM),
    ],
)
def test_asking_for_an_allowance_is_not_a_scam_report(typed: str, kind: Chat | None) -> None:
    """ "minta uang transport" asks for transport money; the same words are a report once
    someone else asks them of the writer, or for a place."""
    assert classify(typed) is kind


@given(st.text(max_size=300))
def test_classify_never_crashes(text: str) -> None:
    assert classify(text) in (None, *Chat)
