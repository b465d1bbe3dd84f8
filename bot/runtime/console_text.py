"""Telegram HTML as a terminal shows it."""

from __future__ import annotations

import html
import re

_TAG = re.compile(r"<[^>]+>")


def plain(text: str) -> str:
    return html.unescape(_TAG.sub("", text))
