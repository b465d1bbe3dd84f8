"""The "Langkah berikutnya" content file (`bot/data/referrals.toml`): facts about capital,
licences, business support and markets, each with its source and last-checked date.

Checked with the PHK pathway's item rules (both languages, a source, a last-checked date,
HTML Telegram accepts) when first read; tests read the packaged file.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

from bot.errors import ConfigError
from bot.phk.content import ContentItem, PhkContentError, read_section
from bot.toml_files import load_toml


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
        return load_toml(path, "referrals.toml", cls._from_data, ReferralContentError)

    @classmethod
    def _from_data(cls, data: dict[str, object]) -> Referrals:
        """The topics' items, checked by the PHK pathway's item rules."""
        if unknown := set(data) - set(Topic):
            raise ReferralContentError(f"unknown sections {', '.join(sorted(unknown))}")
        try:
            return cls({topic: read_section(data, topic.value) for topic in Topic})
        except PhkContentError as exc:
            raise ReferralContentError(str(exc)) from None


@cache
def packaged_referrals() -> Referrals:
    """The packaged file, read once."""
    return Referrals.from_toml()
