"""The PHK pathway's content file: what the programme offers and the JKP facts, with sources.

Coordinators update `bot/data/phk.toml` (or their own file, `PHK_CONTENT_FILE`) without
touching code. It is checked once at start-up, so a bad edit stops the bot with a one-line
reason instead of sending broken messages: both languages, a source and a last-checked
date on every item, and texts Telegram accepts as HTML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from html.parser import HTMLParser
from pathlib import Path

from bot.errors import ConfigError
from bot.languages import SUPPORTED_LOCALES
from bot.toml_files import load_toml

_SECTIONS = ("offer", "jkp")
_TEXT_KEYS = (*SUPPORTED_LOCALES, "source")
_ITEM_KEYS = {"key", "when", "last_checked", *_TEXT_KEYS}
# Telegram's HTML tags (core.telegram.org/bots/api#html-style) that content may use.
_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "code", "a", "blockquote"}
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#[0-9]{1,8}|#[xX][0-9a-fA-F]{1,8});")


class Condition(StrEnum):
    """When an offer belongs in a person's summary (`when` in the content file)."""

    ALWAYS = "always"
    PHK_PRIORITY = "phk_priority"
    COUNSELLING = "counselling"
    CAPITAL = "capital"
    BUSINESS_PLAN = "business_plan"


class PhkContentError(ConfigError):
    """The content file is unreadable or invalid; the message names the file and item."""


@dataclass(frozen=True)
class ContentItem:
    key: str
    text: dict[str, str]
    source: str
    last_checked: date
    when: Condition = Condition.ALWAYS

    def text_in(self, locale: str) -> str:
        return self.text.get(locale) or self.text[SUPPORTED_LOCALES[0]]


@dataclass(frozen=True)
class PhkContent:
    offers: list[ContentItem]
    jkp: list[ContentItem]

    @classmethod
    def from_toml(cls, path: Path | None = None) -> PhkContent:
        """Load and check `path`, or the packaged file when None."""
        return load_toml(
            path,
            "phk.toml",
            lambda data: cls(*(read_section(data, section) for section in _SECTIONS)),
            PhkContentError,
        )


def read_section(data: dict[str, object], section: str) -> list[ContentItem]:
    """The checked items of `[[section]]` (also used by other content files)."""
    items = data.get(section)
    if not isinstance(items, list) or not items:
        raise PhkContentError(f"[[{section}]]: at least one item is needed")
    parsed = [_item(section, number, item) for number, item in enumerate(items, 1)]
    keys = [item.key for item in parsed]
    if len(set(keys)) != len(keys):
        raise PhkContentError(f"[[{section}]]: every key must be different")
    return parsed


def _item(section: str, number: int, raw: object) -> ContentItem:
    where = f"[[{section}]] #{number}"
    if not isinstance(raw, dict):
        raise PhkContentError(f"{where}: not a table")
    if unknown := set(raw) - _ITEM_KEYS:
        raise PhkContentError(f"{where}: unknown keys {', '.join(sorted(unknown))}")
    texts: dict[str, str] = {}
    for key in ("key", *_TEXT_KEYS):
        value = raw.get(key)
        if not isinstance(value, str) or not value.strip():
            raise PhkContentError(f"{where}: '{key}' must be a non-empty text")
        if problem := html_problem(value):
            raise PhkContentError(f"{where}: '{key}' is not valid Telegram HTML: {problem}")
        texts[key] = value.strip()
    checked = raw.get("last_checked")
    if not isinstance(checked, date):
        raise PhkContentError(f"{where}: 'last_checked' must be a date like 2025-02-28")
    when = raw.get("when", Condition.ALWAYS.value)
    if when not in set(Condition):
        choices = ", ".join(Condition)
        raise PhkContentError(f"{where}: 'when' must be one of {choices}")
    return ContentItem(
        key=texts["key"],
        text={locale: texts[locale] for locale in SUPPORTED_LOCALES},
        source=texts["source"],
        last_checked=checked,
        when=Condition(when),
    )


class _TagChecker(HTMLParser):
    """Telegram's rules, as far as content needs them: known tags, strictly nested."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.open: list[str] = []
        self.problem: str | None = None

    def _fail(self, problem: str) -> None:
        self.problem = self.problem or problem

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _TAGS:
            self._fail(f"unsupported tag <{tag}>")
        elif tag == "a" and not dict(attrs).get("href"):
            self._fail("<a> needs an href")
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open.pop() != tag:
            self._fail(f"unexpected </{tag}>")


def html_problem(text: str) -> str | None:
    """Why Telegram would refuse `text` with parse_mode=HTML, or None if it is fine."""
    for ampersand in re.finditer("&", text):
        if not _ENTITY.match(text, ampersand.start()):
            return "a bare & (write &amp;)"
    if re.search(r"<(?![a-zA-Z/])", text):
        return "a bare < (write &lt;)"
    checker = _TagChecker()
    checker.feed(text)
    checker.close()
    if checker.problem is None and checker.open:
        return f"<{checker.open[-1]}> is not closed"
    return checker.problem
