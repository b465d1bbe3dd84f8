"""The FAQ: topics and answers read from ``bot/data/faq.toml`` (or the FAQ_FILE setting).

Content lives in a data file so coordinators can change it without touching code; it is
checked once at start-up, and a bad file stops the bot with a one-line reason rather
than failing in front of a user. Typed questions are matched by ``bot.faq.matching``,
which also learns from the labelled questions of ``bot.faq.examples`` and from those
coordinators taught in chat (``bot.faq.teaching``).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from html.parser import HTMLParser
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from bot.errors import ConfigError
from bot.faq.examples import UNANSWERED, Example, load_examples
from bot.faq.matching import Document, Matcher
from bot.faq.ranking import Ranking, Shortlist
from bot.languages import SUPPORTED_LOCALES

__all__ = ["Entry", "Faq", "FaqError", "Topic", "load_faq"]

# Ids travel in callback data (64 bytes, see handlers/callbacks.py), three at a time.
MAX_ID_LENGTH = 16
# Long answers are hard to read on the small phones many users have.
MAX_ANSWER_LENGTH = 700
_ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
_ALLOWED_TAGS = frozenset({"b", "i", "a"})
_DEFAULT_NAME = "bot/data/faq.toml"


class FaqError(ConfigError):
    """The FAQ file is unreadable or invalid; `blk-bot run` prints this one line and stops."""


@dataclass(frozen=True)
class Topic:
    id: str
    title: Mapping[str, str]


@dataclass(frozen=True)
class Entry:
    id: str
    topic: str
    question: Mapping[str, str]
    answer: Mapping[str, str]
    keywords: tuple[str, ...]
    source: str | None = None
    checked: date | None = None


class Faq:
    """Topics in file order, entries by id, and the matcher built over them; `reread`
    and `use` change them without a restart.

    `taught` are questions coordinators labelled in chat. One example among the file's
    hundreds barely moves the classifier, so a question taught to an entry also joins
    that entry's wording (its words then count for it, as the entry's own question's do);
    one taught as not for the FAQ is an example of an unanswered question.
    """

    def __init__(
        self,
        topics: list[Topic],
        entries: list[Entry],
        path: Path | None = None,
        examples: tuple[Example, ...] = (),
        examples_path: Path | None = None,
        taught: tuple[Example, ...] = (),
    ) -> None:
        self.path, self.examples_path = path, examples_path
        self.examples, self.taught = examples, taught
        self.topics = tuple(topics)
        self._topics = {topic.id: topic for topic in topics}
        self._entries = {entry.id: entry for entry in entries}
        asked: dict[str, list[str]] = {entry.id: [] for entry in entries}
        asked[UNANSWERED] = []
        for example in taught:
            if example.entry in asked:  # else an entry this FAQ no longer has
                asked[example.entry].append(example.question)
        documents = tuple(
            Document(e.id, (*e.question.values(), *asked[e.id]), e.keywords) for e in entries
        )
        unanswered = tuple(Example(question, UNANSWERED) for question in asked[UNANSWERED])
        self.documents = documents  # what the matcher reads of each entry
        self._matcher = _matcher(documents, examples + unanswered)

    def topic(self, topic_id: str) -> Topic | None:
        return self._topics.get(topic_id)

    def entry(self, entry_id: str) -> Entry | None:
        return self._entries.get(entry_id)

    def entries(self, topic_id: str | None = None) -> list[Entry]:
        return [e for e in self._entries.values() if topic_id in (None, e.topic)]

    def match(self, text: str) -> Ranking:
        return self._matcher.rank(text)

    def candidates(self, text: str) -> Shortlist:
        """Every entry scored for the text; for calibrating the decision."""
        return self._matcher.candidates(text)

    def reread(self, taught: tuple[Example, ...] | None = None) -> Faq:
        """The files read and checked again, with these taught questions (else the
        current ones); FaqError if a file is invalid. Takes a moment: callers on the
        event loop run it in a thread."""
        return load_faq(self.path, self.examples_path, self.taught if taught is None else taught)

    def taught_as(self, taught: tuple[Example, ...]) -> Faq:
        """The same content learning from these taught questions instead; takes a moment,
        as `reread` does."""
        return Faq(
            list(self.topics),
            list(self._entries.values()),
            self.path,
            self.examples,
            self.examples_path,
            taught,
        )

    def use(self, fresh: Faq) -> None:
        """Answer from `fresh` from now on. Nothing is awaited in between, so a question
        is answered from either the old content or the new, never a mix."""
        self.topics, self._topics, self._entries = fresh.topics, fresh._topics, fresh._entries
        self.examples, self.taught, self._matcher = fresh.examples, fresh.taught, fresh._matcher
        self.documents = fresh.documents


def load_faq(
    path: Path | None = None,
    examples_path: Path | None = None,
    taught: tuple[Example, ...] = (),
) -> Faq:
    """Read and check the FAQ at ``path`` and the examples at ``examples_path``, or the
    packaged ones when None; `taught` are the questions coordinators labelled in chat."""
    resource: Traversable = files("bot") / "data" / "faq.toml" if path is None else path
    source = _DEFAULT_NAME if path is None else str(path)
    try:
        data = tomllib.loads(resource.read_bytes().decode("utf-8"))
        topics = [_topic(item) for item in data.get("topic", [])]
        entries = [_entry(item) for item in data.get("entry", [])]
        _check_together(topics, entries)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, FaqError) as exc:
        raise FaqError(f"{source}: {' '.join(str(exc).split())}") from exc
    try:
        examples = load_examples(examples_path)
    except ValueError as exc:
        raise FaqError(str(exc)) from exc
    return Faq(topics, entries, path, examples, examples_path, taught)


@lru_cache(maxsize=4)
def _matcher(documents: tuple[Document, ...], examples: tuple[Example, ...]) -> Matcher:
    """One matcher per content: it is read-only, and training it on the examples takes a
    moment that a reload of unchanged files need not pay again."""
    return Matcher(documents, examples)


def _topic(item: Mapping[str, object]) -> Topic:
    topic_id = _id(item)
    return Topic(topic_id, _texts(item, "title", topic_id))


def _entry(item: Mapping[str, object]) -> Entry:
    entry_id = _id(item)
    answers = _texts(item, "answer", entry_id)
    for locale, answer in answers.items():
        if len(answer) > MAX_ANSWER_LENGTH:
            raise FaqError(f"{entry_id}: answer_{locale} is longer than {MAX_ANSWER_LENGTH}")
        if problem := _html_problem(answer):
            raise FaqError(f"{entry_id}: answer_{locale}: {problem}")
    keywords = item.get("keywords", [])
    if not isinstance(keywords, list) or not all(isinstance(k, str) for k in keywords):
        raise FaqError(f"{entry_id}: keywords must be a list of texts")
    source, checked = item.get("source"), item.get("checked")
    if (source is None) != (checked is None):
        raise FaqError(f"{entry_id}: source and checked (a date) go together")
    if source is not None and (not isinstance(source, str) or not isinstance(checked, date)):
        raise FaqError(f"{entry_id}: source must be a text and checked a date (2025-03-27)")
    return Entry(
        id=entry_id,
        topic=str(item.get("topic", "")),
        question=_texts(item, "question", entry_id),
        answer=answers,
        keywords=tuple(keywords),
        source=source,
        checked=checked,
    )


def _id(item: Mapping[str, object]) -> str:
    value = item.get("id")
    if not isinstance(value, str) or not _ID.fullmatch(value) or len(value) > MAX_ID_LENGTH:
        raise FaqError(f"id {value!r}: use lowercase letters, digits and '-', at most 16")
    return value


def _texts(item: Mapping[str, object], field: str, owner: str) -> dict[str, str]:
    """The field in every supported language, e.g. question_id and question_en."""
    texts: dict[str, str] = {}
    for locale in SUPPORTED_LOCALES:
        value = item.get(f"{field}_{locale}")
        if not isinstance(value, str) or not value.strip():
            raise FaqError(f"{owner}: {field}_{locale} is missing")
        texts[locale] = value.strip()
    return texts


def _check_together(topics: list[Topic], entries: list[Entry]) -> None:
    for kind, ids in (("topic", [t.id for t in topics]), ("entry", [e.id for e in entries])):
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            raise FaqError(f"{kind} id used twice: {', '.join(repeated)}")
    known = {topic.id for topic in topics}
    for entry in entries:
        if entry.topic not in known:
            raise FaqError(f"{entry.id}: unknown topic {entry.topic!r}")
    empty = sorted(known - {entry.topic for entry in entries})
    if empty:
        raise FaqError(f"topic without entries: {', '.join(empty)}")


class _TagChecker(HTMLParser):
    """Only <b>, <i> and <a href>, properly nested: what the answers need on Telegram."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.problem: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _ALLOWED_TAGS:
            self.problem = self.problem or f"tag <{tag}> is not allowed (use b, i, a)"
        elif tag == "a" and not dict(attrs).get("href"):
            self.problem = self.problem or "<a> needs href"
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open.pop() != tag:
            self.problem = self.problem or f"</{tag}> does not close the last open tag"


def _html_problem(text: str) -> str | None:
    if re.search(r"&(?!(lt|gt|amp|quot|#\d+);)", text):
        return "escape & as &amp;"
    checker = _TagChecker()
    checker.feed(text)
    checker.close()
    if checker.open and not checker.problem:
        return f"<{checker.open[-1]}> is not closed"
    return checker.problem
