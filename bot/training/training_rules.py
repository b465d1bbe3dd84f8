"""The check-in and completion settings of `bot/data/training_rules.toml`.

None of them is a published rule of the programme (the file says so); they are read
once at start-up and refused with a one-line reason when a value is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path

from bot.toml_files import load_toml
from bot.training.eligibility_rules import RulesError

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # date.weekday() order


@dataclass(frozen=True)
class TrainingRules:
    """Defaults equal the packaged file (a test checks)."""

    training_weekdays: frozenset[int] = frozenset(range(7))  # date.weekday() numbers
    check_in_tolerance_minutes: int = 60
    check_in_misses_per_hour: int = 10
    completion_min_attendance_percent: int = 80

    def __post_init__(self) -> None:
        if not self.training_weekdays:
            raise RulesError("training_weekdays: must list at least one day")
        if not 0 <= self.check_in_tolerance_minutes <= 24 * 60:
            raise RulesError("check_in_tolerance_minutes: must be 0 to 1440")
        if not 1 <= self.check_in_misses_per_hour <= 1000:
            raise RulesError("check_in_misses_per_hour: must be 1 to 1000")
        if not 0 <= self.completion_min_attendance_percent <= 100:
            raise RulesError("completion_min_attendance_percent: must be 0 to 100")

    @classmethod
    def from_toml(cls, path: Path | None = None) -> TrainingRules:
        """Rules from `path`, or the packaged file when None; keys left out keep defaults."""
        return load_toml(
            path, "training_rules.toml", lambda data: cls(**_settings(data)), RulesError
        )


def _settings(data: dict[str, object]) -> dict[str, object]:
    known = [f.name for f in fields(TrainingRules)]
    settings: dict[str, object] = {}
    for key, value in data.items():
        if key not in known:
            raise RulesError(f"{key}: unknown setting (known: {', '.join(known)})")
        if key == "training_weekdays":
            if not isinstance(value, list) or not all(day in WEEKDAYS for day in value):
                raise RulesError(f"{key}: must be a list of {', '.join(WEEKDAYS)}")
            settings[key] = frozenset(WEEKDAYS.index(day) for day in value)
        elif isinstance(value, bool) or not isinstance(value, int):
            raise RulesError(f"{key}: must be a whole number")
        else:
            settings[key] = value
    return settings
