"""The UTF-16 length budget: counts as Telegram does, never exceeds, never splits a
surrogate pair or an HTML entity, and keeps whatever fits."""

from __future__ import annotations

from html import escape

from hypothesis import given
from hypothesis import strategies as st

from bot.telegram_text import ELLIPSIS, blocks_that_fit, fill, fit, utf16_length
from tests.fake_bot_api.html_check import parse_html

# Text as people type it, weighted towards what costs more than one unit per character.
texts = st.lists(
    st.one_of(
        st.characters(blacklist_categories=("Cs",)),
        st.sampled_from(["🇮🇩", "👨‍👩‍👧", "😀", "<", ">", "&", "é", "e\u0301", "\u200d"]),
    ),
    max_size=300,
).map("".join)
limits = st.integers(0, 400)


def test_counts_as_telegram_does() -> None:
    assert utf16_length("abc") == 3
    assert utf16_length("😀") == 2  # outside the Basic Multilingual Plane: two units
    assert utf16_length("🇮🇩") == 4  # a flag is two regional indicators
    assert utf16_length("é") == 1


@given(texts, limits)
def test_fit_never_exceeds_and_only_cuts_when_it_must(text: str, limit: int) -> None:
    cut = fit(text, limit)
    assert utf16_length(cut) <= limit
    if utf16_length(text) <= limit:
        assert cut == text
    elif limit >= 1:
        assert cut.endswith(ELLIPSIS) and text.startswith(cut.removesuffix(ELLIPSIS))
    cut.encode("utf-8")  # a lone surrogate (half a pair) could not be encoded


@given(texts, texts, st.integers(0, 400))
def test_fill_never_splits_an_entity_and_shows_at_most_the_limit(
    frame: str, text: str, extra: int
) -> None:
    header = escape(frame, quote=False)
    limit = utf16_length(header) + 7 + extra  # 7: "<b></b>" around the text
    filled = fill(lambda quoted: f"{header}<b>{quoted}</b>", text, limit)
    assert filled.startswith(f"{header}<b>") and filled.endswith("</b>")
    shown = parse_html(filled).text  # the fake's parser refuses a broken entity or tag
    assert utf16_length(shown) <= limit
    body = shown.removeprefix(frame)
    assert text.startswith(body.removesuffix(ELLIPSIS))
    if utf16_length(text) <= extra:
        assert body == text


@given(texts, st.lists(texts, max_size=20), st.integers(0, 2000))
def test_blocks_that_fit_is_the_longest_prefix_within_the_limit(
    header: str, blocks: list[str], limit: int
) -> None:
    count = blocks_that_fit(header, blocks, limit)
    assert utf16_length("\n\n".join([header, *blocks[:count]])) <= limit or count == 0
    if count < len(blocks):
        assert utf16_length("\n\n".join([header, *blocks[: count + 1]])) > limit
