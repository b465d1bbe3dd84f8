"""The eligibility settings: ``bot/data/eligibility.toml`` (or an operator's file), checked
once at start-up; a programme may override some of them (``bot/data/programmes.toml``).

None of the thresholds is published by the programme, so every one is a setting.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from enum import StrEnum
from pathlib import Path
from typing import Any

from bot.registration.participants import BusinessStatus
from bot.toml_files import load_toml

ALL_BUSINESS: frozenset[BusinessStatus] = frozenset(BusinessStatus)


class RulesError(ValueError):
    """A rules file is unreadable or invalid; the one-line message names the file and key."""


class WaitlistRule(StrEnum):
    """Who gets a seat that comes free in a full batch (`waitlist` in the rules file)."""

    #: The priority groups first, then whoever joined the waitlist first.
    PRIORITY = "priority"
    #: Whoever joined the waitlist first; priority does not count.
    FIRST_COME = "first_come"


@dataclass(frozen=True)
class EligibilityRules:
    """The configurable rules; defaults equal ``bot/data/eligibility.toml`` (a test checks)."""

    min_age: int = 18
    max_age: int | None = None
    allowed_business: frozenset[BusinessStatus] = ALL_BUSINESS
    priority_business: frozenset[BusinessStatus] = frozenset(
        {BusinessStatus.MICRO, BusinessStatus.SMALL}
    )
    phk_priority: bool = True
    max_live_enrollments: int = 1
    waitlist: WaitlistRule = WaitlistRule.PRIORITY

    def __post_init__(self) -> None:
        """Reject combinations that would make verdicts meaningless, whatever their source."""
        if self.min_age < 0:
            raise RulesError("min_age: must not be negative")
        if self.max_age is not None and self.max_age < 0:
            raise RulesError("max_age: must not be negative")
        if self.max_age is not None and self.min_age > self.max_age:
            raise RulesError(f"min_age: {self.min_age} is above max_age {self.max_age}")
        if not self.allowed_business:
            raise RulesError("allowed_business: must list at least one status")
        if not self.priority_business <= self.allowed_business:
            extra = ", ".join(sorted(self.priority_business - self.allowed_business))
            raise RulesError(f"priority_business: {extra} not in allowed_business")
        if self.max_live_enrollments < 1:
            raise RulesError("max_live_enrollments: must be at least 1")

    @classmethod
    def from_toml(cls, path: Path | None = None) -> EligibilityRules:
        """Load rules from ``path``, or the packaged defaults when None.

        Keys left out keep their default (``max_age`` left out = no upper limit).
        """
        return load_toml(
            path, "eligibility.toml", lambda data: cls(**rule_settings(data)), RulesError
        )


def rule_settings(data: Mapping[str, object]) -> dict[str, Any]:
    """Check the TOML types and convert lists of strings to sets of BusinessStatus."""
    known = [f.name for f in fields(EligibilityRules)]
    for key in data:
        if key not in known:
            raise RulesError(f"{key}: unknown setting (known: {', '.join(known)})")
    settings: dict[str, Any] = {}
    for key, value in data.items():
        if key in ("min_age", "max_age", "max_live_enrollments"):
            if isinstance(value, bool) or not isinstance(value, int):
                raise RulesError(f"{key}: must be a whole number")
            settings[key] = value
        elif key == "phk_priority":
            if not isinstance(value, bool):
                raise RulesError(f"{key}: must be true or false")
            settings[key] = value
        elif key == "waitlist":
            if not isinstance(value, str) or value not in set(WaitlistRule):
                choices = ", ".join(f'"{rule}"' for rule in WaitlistRule)
                raise RulesError(f"{key}: must be one of {choices}")
            settings[key] = WaitlistRule(value)
        else:
            settings[key] = _business_set(key, value)
    return settings


def _business_set(key: str, value: object) -> frozenset[BusinessStatus]:
    choices = ", ".join(f'"{status}"' for status in BusinessStatus)
    if not isinstance(value, list):
        raise RulesError(f"{key}: must be a list of {choices}")
    statuses: set[BusinessStatus] = set()
    for item in value:
        if not isinstance(item, str) or item not in ALL_BUSINESS:
            raise RulesError(f"{key}: unknown business status {item!r} (use {choices})")
        statuses.add(BusinessStatus(item))
    return frozenset(statuses)
