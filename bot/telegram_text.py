"""Telegram's length limits, counted the way Telegram counts them: in UTF-16 code units.

Most emoji lie outside the Basic Multilingual Plane and count as two units (a flag as
four), so a text of 4,096 Python characters can be refused. Every text the bot
assembles from variable parts (names, titles, questions, answers typed by people) is
measured and cut here. Telegram counts the text it shows, after parsing the HTML; an
HTML source is never shorter than that, so a source that fits, fits.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

MESSAGE_LIMIT = 4096  # sendMessage / editMessageText text
CAPTION_LIMIT = 1024  # captions of photos and documents
CALLBACK_ANSWER_LIMIT = 200  # answerCallbackQuery text (pop-ups and toasts)
ELLIPSIS = "…"


def utf16_length(text: str) -> int:
    """Length in UTF-16 code units, Telegram's unit for lengths and entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def fit(text: str, limit: int) -> str:
    """Plain `text` cut to at most `limit` units, ending in "…" when cut. Cuts fall
    between code points, so a surrogate pair is never split."""
    if utf16_length(text) <= limit:
        return text
    room = limit - utf16_length(ELLIPSIS)
    if room < 0:
        return ""
    kept: list[str] = []
    for char in text:
        room -= utf16_length(char)
        if room < 0:
            break
        kept.append(char)
    return "".join(kept) + ELLIPSIS


def fill(render: Callable[[str], str], text: str, limit: int = MESSAGE_LIMIT) -> str:
    """`render(quoted)`: the plain `text` cut to the room the rest of the message leaves,
    then HTML-escaped, so the cut never falls inside an entity. Telegram counts what it
    shows, so the text counts as typed, and the frame as its HTML source."""
    room = max(limit - utf16_length(render("")), 0)
    return render(escape(fit(text, room), quote=False))


def blocks_that_fit(
    header: str, blocks: Sequence[str], limit: int = MESSAGE_LIMIT, separator: str = "\n\n"
) -> int:
    """How many of `blocks`, from the first, fit after `header`, each after `separator`."""
    used, gap = utf16_length(header), utf16_length(separator)
    for count, block in enumerate(blocks):
        used += gap + utf16_length(block)
        if used > limit:
            return count
    return len(blocks)
