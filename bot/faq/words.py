"""The words of a typed question: informal Indonesian in, standard stems out.

People type "brp biayanya", "daftarin", "carane daftar piye": abbreviations, Jakarta and
regional affixes, Javanese and Sundanese words. ``normalise`` lowercases, keeps ASCII
letters and digits, and rewrites informal words through ``bot/data/faq_slang.csv``
(fillers such as "kak" or "sih" disappear); ``terms`` then reduces each word to its stem
with Sastrawi, the Indonesian stemmer ("pendaftaran", "mendaftarkan" → "daftar"), after
turning colloquial affixes into standard ones ("daftarin" → "daftarkan", "ngelamar" →
"melamar") when the stemmer alone finds no root.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Mapping
from functools import cache, lru_cache
from importlib.resources import files

from Sastrawi.Dictionary.ArrayDictionary import ArrayDictionary
from Sastrawi.Stemmer.Stemmer import Stemmer
from Sastrawi.Stemmer.StemmerFactory import StemmerFactory
from Sastrawi.StopWordRemover.StopWordRemoverFactory import StopWordRemoverFactory

__all__ = ["is_function_word", "is_root", "normalise", "stem", "terms"]

# Endings dropped to find a slang word ("udahkah", "gimananya"); other words keep them for
# the stemmer.
_SUFFIXES = ("nya", "kah")
_NON_WORD = re.compile(r"[^a-z0-9]+")
# Colloquial affixes and their standard forms, tried in order when the stemmer finds no
# root: Jakarta "-in" for "-kan" ("dimintain"), Sundanese "-na" and Javanese "-ne"/"-e"
# for "-nya" ("daftarna", "biayane", "syarate"), "nge-"/"ng-"/"ny-" for "me-"
# ("ngelamar", "ngobrol", "nyari"), "ke-" for the accidental passive "ter-" ("kedaftar").
_COLLOQUIAL = (
    (re.compile(r"^(.+)in$"), r"\1kan"),
    (re.compile(r"^(.+)na$"), r"\1nya"),
    (re.compile(r"^(.+[aiueo])ne$"), r"\1nya"),
    (re.compile(r"^(.+[^aiueo])e$"), r"\1nya"),
    (re.compile(r"^nge(.+)$"), r"me\1"),
    (re.compile(r"^ng(.+)$"), r"meng\1"),
    (re.compile(r"^ny(.+)$"), r"meny\1"),
    (re.compile(r"^ke(.+)$"), r"ter\1"),
)


@cache
def _slang() -> Mapping[str, str]:
    text = (files("bot") / "data" / "faq_slang.csv").read_text(encoding="utf-8-sig")
    return {row["informal"]: row["standard"] for row in csv.DictReader(io.StringIO(text))}


@cache
def _stemmer() -> tuple[Stemmer, ArrayDictionary]:
    """Sastrawi's stemmer without its own cache, which would grow with every word typed."""
    dictionary = ArrayDictionary(StemmerFactory().get_words())
    return Stemmer(dictionary), dictionary


def _standard_word(word: str, slang: Mapping[str, str]) -> str:
    """One word in its standard spelling; may become several words, or none (fillers)."""
    if word in slang:
        return slang[word]
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and word[: -len(suffix)] in slang:
            return slang[word[: -len(suffix)]]
    return word


def normalise(text: str) -> str:
    """Lowercase ASCII words in standard spelling, single-spaced; idempotent."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    ascii_text = decomposed.encode("ascii", "ignore").decode("ascii")
    slang = _slang()
    words = (_standard_word(word, slang) for word in _NON_WORD.split(ascii_text) if word)
    return " ".join(" ".join(words).split())


@cache
def _function_words() -> frozenset[str]:
    return frozenset(StopWordRemoverFactory().get_stop_words())


def is_function_word(word: str) -> bool:
    """Whether the word is on Sastrawi's list of Indonesian stop words ("mau", "ini")."""
    return word in _function_words()


def is_root(word: str) -> bool:
    """Whether the word is in Sastrawi's dictionary of Indonesian root words."""
    return _stemmer()[1].contains(word)


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """The root of one normalised word, or the word itself when none is found."""
    stemmer, dictionary = _stemmer()
    if word.isdigit() or len(word) < 3:
        return word
    root = stemmer.stem(word)
    if not dictionary.contains(root):
        for pattern, standard in _COLLOQUIAL:
            rewritten = pattern.sub(standard, word)
            candidate = stemmer.stem(rewritten)
            if rewritten != word and (dictionary.contains(candidate) or candidate in _slang()):
                root = candidate
                break
    # The root may itself be informal ("diingetin" → "inget" → "ingat"); a standard root
    # stays ("pemilu" → "milu", a word of its own, not Sundanese "milu" for "ikut").
    standard = [] if dictionary.contains(root) else _slang().get(root, "").split()
    return standard[0] if len(standard) == 1 else root


def terms(text: str) -> tuple[str, ...]:
    """The stems of a text's words, in order."""
    return tuple(stem(word) for word in normalise(text).split())
