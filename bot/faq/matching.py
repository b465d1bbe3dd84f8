"""Matching a typed question to FAQ entries: informal Indonesian in, ranked entry ids out.

Each entry's questions (every language) and keywords are reduced to stems
(``bot.faq.words``) and indexed once with BM25 (``bm25s``). A typed word the index does not
know is looked at twice more: two words typed without a space ("caradaftar"), then a typo
(rapidfuzz against every known word, "sertifkat"). Function words ("mau", "ada") are left
out, except those the FAQ lists as a keyword on their own ("kapan"); those in an entry's
own wording ("boleh", "di mana") still count a little in the ranking, as hints that tell
apart entries sharing their topic words.

BM25 ranks the entries, together with the chance a classifier trained on labelled
questions gives each (``bot.faq.likelihood``). How sure the bot may be is decided
(``bot.faq.decision``) from measures that do not depend on the question's length: how
much of the question's informative weight (IDF) the best entry covers — a word no entry
has, such as "prakerja", weighs a lot against every entry —, how far the best entry is
ahead of the runner-up, the classifier's chance for it, and its chance that the FAQ has
no answer.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import bm25s
from rapidfuzz import fuzz, process

from bot.faq.decision import Decision, fitted_decision
from bot.faq.examples import UNANSWERED, Example
from bot.faq.likelihood import Likelihood
from bot.faq.ranking import Candidate, Match, Ranking, Shortlist, Strength, decision_inputs
from bot.faq.words import is_function_word, normalise, stem, terms

__all__ = ["Document", "Matcher"]

# A word no entry knows weighs this many times the rarest known word ("bitcoin" says the
# question is about something else); an unknown number ("umur 45") says little, and an
# unknown function word ("mau", "dong") nothing.
_UNKNOWN_WEIGHT = 1.0
# Two spellings count as one word from this rapidfuzz ratio (one typo in a 7-letter word
# is about 86); short words need more, since one letter changes them more ("resep" is
# not "reset"), and words shorter than _MIN_FUZZY_LENGTH must be exact.
_SAME_WORD = 80.0
_MIN_FUZZY_LENGTH = 4
_SAME_WORD_BY_LENGTH = {4: 100.0, 5: 100.0, 6: 90.0}
_MIN_PART_LENGTH = 2
_MAX_WORDS = 40
# Two words run together ("caradaftar") stay well under this; a longer "word" (a pasted
# string, a held key) is unknown rather than tried at every cut, which costs seconds.
_MAX_WORD_LENGTH = 30
# Splitting and typo search cost milliseconds per word: a question gets this many, so a
# message of random words cannot hold the bot up (the rest count as unknown words).
_MAX_GUESSES = 6


@dataclass(frozen=True)
class Document:
    """What an entry is matched on: its questions (every language) and its keywords."""

    id: str
    questions: tuple[str, ...]
    keywords: tuple[str, ...]


class Matcher:
    """Ranks documents for a typed question; built once at load, then read-only."""

    def __init__(
        self,
        documents: Iterable[Document],
        examples: Iterable[Example] = (),
        decision: Decision | None = None,
    ) -> None:
        self._docs = list(documents)
        self._decision = decision or fitted_decision()
        # Function words ("mau", "ada", "yang") say nothing about the topic, except those
        # the FAQ file lists as a keyword on their own ("kapan", "lama"): inside a phrase
        # ("tidak ada kursi") they would make every "ada ... ga?" look like that entry.
        self._keywords = {w for doc in self._docs for k in doc.keywords for w in _single(terms(k))}
        # A number says little about the topic ("umur 60", "60 persen"): never indexed.
        stems = [
            [w for w in _document_terms(doc) if self._content(w) and not w.isdigit()]
            for doc in self._docs
        ]
        self._stems = [frozenset(doc_stems) for doc_stems in stems]
        total = len(self._docs)
        df: dict[str, int] = {}
        for doc_stems in self._stems:
            for word in doc_stems:
                df[word] = df.get(word, 0) + 1
        # BM25's own IDF (Lucene's variant), also used for the coverage measure.
        self._idf = {w: math.log(1 + (total - n + 0.5) / (n + 0.5)) for w, n in df.items()}
        self._unknown_idf = _UNKNOWN_WEIGHT * max(self._idf.values(), default=0.0)
        self._number_idf = min(self._idf.values(), default=0.0)
        # Typed words are compared with the entries' words as written and as stems.
        self._spellings = {w: stem(w) for doc in self._docs for w in _document_words(doc)}
        self._spellings.update((word, word) for word in df)
        self._spellings = {w: s for w, s in self._spellings.items() if s in self._idf}
        self._written = list(self._spellings)
        # Function words in an entry's own wording ("boleh ikut", "di mana") hint at it a
        # little: enough to tell apart entries that share their topic words.
        hints = [{w for w in _document_terms(doc) if self._hint(w)} for doc in self._docs]
        self._hints = [frozenset(doc_hints) for doc_hints in hints]
        hint_df: dict[str, int] = {}
        for doc_hints in self._hints:
            for word in doc_hints:
                hint_df[word] = hint_df.get(word, 0) + 1
        self._hint_idf = {
            w: math.log(1 + (total - n + 0.5) / (n + 0.5)) for w, n in hint_df.items()
        }
        self._index: bm25s.BM25 | None = None
        self._likelihood: Likelihood | None = None
        if total:
            self._index = bm25s.BM25()
            self._index.index(stems, show_progress=False)
            self._likelihood = Likelihood(_labelled(self._docs, examples))

    def rank(self, text: str, limit: int = 3) -> Ranking:
        shortlist = self.candidates(text)
        found = shortlist.found
        offered = tuple(Match(c.id, round(c.confidence, 4)) for c in found[:limit] if c.cover > 0)
        if not offered or not shortlist.offers:
            return Ranking((), Strength.NONE)
        if self._decision.answers(*decision_inputs(shortlist)):
            return Ranking(offered, Strength.STRONG)
        return Ranking(offered, Strength.WEAK)

    def candidates(self, text: str) -> Shortlist:
        """Every entry with its cover, BM25 score and chance, the most likely first."""
        # A question is a sentence or two; a pasted page would only cost time.
        words = normalise(text).split()[:_MAX_WORDS]
        shortened = " ".join(word[: _MAX_WORD_LENGTH + 1] for word in words)
        typed = terms(shortened)
        known, unknown_weight = self._resolve(typed)
        if not known or self._index is None or self._likelihood is None:
            return Shortlist([])
        chances = self._likelihood.chances(shortened)
        hints = {word for word in typed if word in self._hint_idf}
        scores = self._index.get_scores(known)
        top = float(scores.max()) or 1.0
        weight = sum(self._idf[word] for word in known) + unknown_weight
        hint_weight = sum(self._hint_idf[word] for word in hints) or 1.0
        found = []
        for doc, stems, doc_hints, score in zip(
            self._docs, self._stems, self._hints, scores, strict=True
        ):
            cover = sum(self._idf[word] for word in known if word in stems) / weight
            hint = sum(self._hint_idf[word] for word in hints & doc_hints) / hint_weight
            chance = chances.get(doc.id, 0.0)
            found.append(Candidate(doc.id, cover, float(score) / top, hint, chance))
        found.sort(key=lambda c: -c.confidence)
        return Shortlist(found, Likelihood.unanswered(chances))

    def _content(self, word: str) -> bool:
        return word in self._keywords or not is_function_word(word)

    def _hint(self, word: str) -> bool:
        return not self._content(word) and not word.isdigit()

    def _resolve(self, typed: Sequence[str]) -> tuple[list[str], float]:
        """The typed stems the index knows, and the weight of those it does not."""
        known: list[str] = []
        unknown_weight = 0.0
        guesses = _MAX_GUESSES
        for word in typed:
            if word.isdigit():
                unknown_weight += self._number_idf
                continue
            if not self._content(word):
                continue
            if word in self._idf:
                found = [word]
            elif guesses:
                guesses -= 1
                found = self._guess(word)
            else:
                found = []
            if found:
                known.extend(found)
            else:
                unknown_weight += self._unknown_idf
        return known, unknown_weight

    def _guess(self, word: str) -> list[str]:
        """The index's stems for a typed stem it does not know: two words run together, or
        a typo."""
        if len(word) > _MAX_WORD_LENGTH:
            return []
        for cut in range(_MIN_PART_LENGTH, len(word) - _MIN_PART_LENGTH + 1):
            pieces = (word[:cut], word[cut:])
            parts = [terms(piece) for piece in pieces]
            if not all(len(part) == 1 for part in parts):
                continue
            found = [p[0] for piece, p in zip(pieces, parts, strict=True) if self._is_word(piece)]
            if found and all(p[0] in found or not self._content(p[0]) for p in parts):
                return found
        if len(word) < _MIN_FUZZY_LENGTH:
            return []
        cutoff = _SAME_WORD_BY_LENGTH.get(len(word), _SAME_WORD)
        close = process.extractOne(word, self._written, scorer=fuzz.ratio, score_cutoff=cutoff)
        return [self._spellings[close[0]]] if close else []

    def _is_word(self, piece: str) -> bool:
        """A piece of a run-together word that the index knows as a word of its own."""
        found = terms(piece)
        return len(piece) >= _MIN_FUZZY_LENGTH and len(found) == 1 and found[0] in self._idf


def _labelled(docs: Sequence[Document], examples: Iterable[Example]) -> list[tuple[str, str]]:
    """What the classifier learns from: each entry's questions and keywords, and the
    examples that name an entry of this FAQ or none."""
    pairs = [(question, doc.id) for doc in docs for question in doc.questions]
    pairs += [(" ".join(doc.keywords), doc.id) for doc in docs if doc.keywords]
    ids = {doc.id for doc in docs} | {UNANSWERED}
    return pairs + [(e.question, e.entry) for e in examples if e.entry in ids]


def _document_words(doc: Document) -> list[str]:
    return [word for text in (*doc.questions, *doc.keywords) for word in normalise(text).split()]


def _document_terms(doc: Document) -> list[str]:
    return [stem(word) for word in _document_words(doc)]


def _single(words: tuple[str, ...]) -> tuple[str, ...]:
    return words if len(words) == 1 else ()
