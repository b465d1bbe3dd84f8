"""Programme tracks: every batch belongs to one, and a programme may have its own
eligibility rules.

The codes are fixed here (they are stored on batches and travel in buttons); names,
sources and rule overrides live in `bot/data/programmes.toml`, checked once at start-up.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from functools import cache
from pathlib import Path

from bot.toml_files import load_toml
from bot.training.eligibility_rules import EligibilityRules, RulesError, rule_settings

_KEYS = {"name", "name_en", "source", "last_checked", "eligibility"}


class Programme(StrEnum):
    """A batch's programme; the values are stored and written in CSV files."""

    WIRAUSAHA = "wirausaha"  # entrepreneurship training (Kemnaker × Kementerian UMKM)
    KOPDES = "kopdes"  # village cooperative managers (Koperasi Desa/Kelurahan Merah Putih)
    PHK = "phk"  # "Sejahtera dengan Kerja Wirausaha", for workers affected by PHK


DEFAULT_PROGRAMME = Programme.WIRAUSAHA


@dataclass(frozen=True)
class ProgrammeInfo:
    code: Programme
    names: dict[str, str]  # locale → name
    source: str
    last_checked: date
    eligibility: dict[str, object]  # keys of eligibility.toml that differ

    def name_in(self, locale: str) -> str:
        return self.names.get(locale, self.names["id"])


@dataclass(frozen=True)
class Programmes:
    info: dict[Programme, ProgrammeInfo]
    default: Programme = DEFAULT_PROGRAMME

    @classmethod
    def from_toml(cls, path: Path | None = None) -> Programmes:
        """Load and check `path`, or the packaged file; `RulesError` names what is wrong."""
        return load_toml(path, "programmes.toml", _programmes, RulesError)

    def parse(self, text: str) -> Programme | None:
        """A code as typed in a CSV cell or pressed on a button (any case), or None."""
        code = text.strip().lower()
        return Programme(code) if code in set(Programme) else None

    def name_of(self, code: str, locale: str) -> str:
        """The programme's name; an unknown stored code is shown as it is."""
        programme = self.parse(code)
        return self.info[programme].name_in(locale) if programme else code

    def rules_for(self, code: str, base: EligibilityRules) -> EligibilityRules:
        """`base` (eligibility.toml) with the programme's own keys, if it has any."""
        programme = self.parse(code) or self.default
        overrides = self.info[programme].eligibility
        return replace(base, **rule_settings(overrides)) if overrides else base


@cache
def packaged_programmes() -> Programmes:
    """`bot/data/programmes.toml`, read once: texts name programmes from it."""
    return Programmes.from_toml()


def _programmes(data: dict[str, object]) -> Programmes:
    tables = data.get("programmes")
    if not isinstance(tables, dict):
        raise RulesError("[programmes]: missing")
    if unknown := set(tables) - set(Programme):
        raise RulesError(f"[programmes]: unknown codes {', '.join(sorted(unknown))}")
    if missing := set(Programme) - set(tables):
        raise RulesError(f"[programmes]: missing {', '.join(sorted(missing))}")
    info = {Programme(code): _info(Programme(code), raw) for code, raw in tables.items()}
    default = data.get("default", DEFAULT_PROGRAMME.value)
    if default not in set(Programme):
        raise RulesError(f"default: must be one of {', '.join(Programme)}")
    return Programmes(info, Programme(default))


def _info(code: Programme, raw: object) -> ProgrammeInfo:
    where = f"[programmes.{code}]"
    if not isinstance(raw, dict):
        raise RulesError(f"{where}: not a table")
    if unknown := set(raw) - _KEYS:
        raise RulesError(f"{where}: unknown keys {', '.join(sorted(unknown))}")
    texts = {}
    for key in ("name", "name_en", "source"):
        value = raw.get(key)
        if not isinstance(value, str) or not value.strip():
            raise RulesError(f"{where}: '{key}' must be a non-empty text")
        texts[key] = value.strip()
    checked = raw.get("last_checked")
    if not isinstance(checked, date):
        raise RulesError(f"{where}: 'last_checked' must be a date like 2025-08-14")
    eligibility = raw.get("eligibility", {})
    if not isinstance(eligibility, dict):
        raise RulesError(f"[programmes.{code}.eligibility]: not a table")
    try:
        replace(EligibilityRules(), **rule_settings(eligibility))
    except RulesError as exc:
        raise RulesError(f"[programmes.{code}.eligibility]: {exc}") from None
    return ProgrammeInfo(
        code=code,
        names={"id": texts["name"], "en": texts["name_en"]},
        source=texts["source"],
        last_checked=checked,
        eligibility=dict(eligibility),
    )
