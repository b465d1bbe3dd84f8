"""The "Langkah berikutnya" content file (`bot/data/referrals.toml`): facts about capital,
licences, business support and markets, each with its source and last-checked date.

Checked with the PHK pathway's item rules (both languages, a source, a last-checked date,
HTML Telegram accepts) when first read; tests read the packaged file.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from bot.errors import ConfigError
from bot.phk.content import ContentItem, PhkContentError, read_section

_DEFAULT_NAME = "bot/data/referrals.toml"


class Topic(StrEnum):
    """A section of the file; the values travel in buttons."""

    CAPITAL = "capital"
    LICENCE = "licence"
    SUPPORT = "support"
    MARKET = "market"


class ReferralContentError(ConfigError):
    """The content file is unreadable or invalid; the message names the file and item."""


@dataclass(frozen=True)
class Referrals:
    topics: dict[Topic, list[ContentItem]]

    @classmethod
    def from_toml(cls, path: Path | None = None) -> Referrals:
        """Load and check `path`, or the packaged file when None."""
        resource: Traversable = path or files("bot") / "data" / "referrals.toml"
        name = str(path) if path else _DEFAULT_NAME
        try:
            data = tomllib.loads(resource.read_bytes().decode("utf-8"))
            if unknown := set(data) - set(Topic):
                raise PhkContentError(f"unknown sections {', '.join(sorted(unknown))}")
            return cls({topic: read_section(data, topic.value) for topic in Topic})
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, PhkContentError) as exc:
            raise ReferralContentError(f"{name}: {' '.join(str(exc).split())}") from None


@cache
def packaged_referrals() -> Referrals:
    """The packaged file, read once."""
    return Referrals.from_toml()
