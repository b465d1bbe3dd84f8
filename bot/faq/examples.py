"""Questions as people typed them, each with the entry that answers it.

An entry's own wording is one or two sentences; people ask the same thing in dozens of
ways ("brp biayanya", "gratis kah", "harus bayar ga"). Labelled examples in
``bot/data/faq_examples.toml`` (or the FAQ_EXAMPLES_FILE setting) teach the matcher those
ways; questions the FAQ does not answer are labelled too, so that it learns what a
question for a coordinator looks like.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

__all__ = ["UNANSWERED", "Example", "load_examples"]

# The label of a question the FAQ does not answer.
UNANSWERED = ""
_DEFAULT_NAME = "bot/data/faq_examples.toml"


@dataclass(frozen=True)
class Example:
    question: str
    entry: str  # an entry id, or UNANSWERED


def load_examples(path: Path | None = None) -> tuple[Example, ...]:
    """The examples at ``path``, or the packaged ones when None; ValueError names the
    file and what is wrong with it."""
    resource: Traversable = files("bot") / "data" / "faq_examples.toml" if path is None else path
    source = _DEFAULT_NAME if path is None else str(path)
    try:
        data = tomllib.loads(resource.read_bytes().decode("utf-8"))
        return tuple(_example(item) for item in data.get("example", []))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, ValueError) as exc:
        raise ValueError(f"{source}: {' '.join(str(exc).split())}") from exc


def _example(item: dict[str, object]) -> Example:
    question, entry = item.get("question"), item.get("entry")
    if not isinstance(question, str) or not question.strip() or not isinstance(entry, str):
        raise ValueError(f'example {item!r}: needs a question and an entry ("" for none)')
    return Example(question.strip(), entry)
