"""The bot's TOML files (rules, programmes, content with sources): the packaged one under
`bot/data/`, or an operator's own. Each is checked once when read, and any problem stops
the bot with one line that names the file and what is wrong in it.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


def load_toml(
    path: Path | None,
    packaged: str,
    parse: Callable[[dict[str, Any]], T],
    error: type[Exception],
) -> T:
    """`parse` of the TOML in `path`, or of `bot/data/<packaged>` when None.

    An unreadable file, invalid TOML, or `error` raised by `parse` becomes `error` with
    the file's name in front.
    """
    resource: Traversable = path or files("bot") / "data" / packaged
    name = str(path) if path else f"bot/data/{packaged}"
    try:
        text = resource.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"{name}: cannot read: {_one_line(exc)}") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{name}: not valid TOML: {_one_line(exc)}") from exc
    try:
        return parse(data)
    except error as exc:
        raise error(f"{name}: {exc}") from None


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())
