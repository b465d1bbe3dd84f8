"""Every text the code asks for exists, in Indonesian and English, with the same placeholders."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.runtime.i18n import create_i18n
from locales import LOCALES_DIR
from tests.fake_bot_api.html_check import html_error

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "__": None, "N_": None}


def _code_keys() -> set[str]:
    keys: set[str] = set()
    for package in ("bot", "handlers"):
        for _file, _line, message, _comments, _ctx in extract_from_dir(
            ROOT / package, [("**.py", "python")], keywords=KEYWORDS
        ):
            keys.add(message)
    return keys


def _catalog(locale: str) -> dict[str, str]:
    with (LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return {m.id: m.string for m in read_po(handle, locale=locale) if m.id}


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


CODE_KEYS = _code_keys()


def test_code_uses_keys_not_sentences() -> None:
    assert CODE_KEYS, "nothing extracted"
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", key) for key in CODE_KEYS)


@pytest.mark.parametrize("locale", ["id", "en"])
def test_catalog_is_complete_and_has_no_leftovers(locale: str) -> None:
    catalog = _catalog(locale)
    assert sorted(CODE_KEYS - set(catalog)) == []
    assert sorted(set(catalog) - CODE_KEYS) == []
    assert [key for key, text in catalog.items() if not text.strip()] == []


def test_translations_use_the_same_placeholders() -> None:
    indonesian, english = _catalog("id"), _catalog("en")
    mismatched = [
        key
        for key in indonesian
        if _placeholders(indonesian[key]) != _placeholders(english.get(key, ""))
    ]
    assert mismatched == []


@pytest.mark.parametrize("locale", ["id", "en"])
def test_every_text_is_valid_telegram_html(locale: str) -> None:
    problems = {key: html_error(text) for key, text in _catalog(locale).items()}
    assert {key: p for key, p in problems.items() if p} == {}


def test_catalogs_load_without_a_compile_step() -> None:
    i18n = create_i18n("id")
    assert set(i18n.available_locales) == {"id", "en"}
    assert i18n.gettext("sex-female", locale="id") == "Perempuan"
    assert i18n.gettext("sex-female", locale="en") == "Female"
