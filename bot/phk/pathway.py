"""The "Terdampak PHK" pathway: answers, their checks, and the personal summary they lead to.

The summary only combines items of the content file (`bot.phk_content`), each with its
source, so what the bot promises stays what the programme has published.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, ClassVar

from bot.errors import N_, DomainError
from bot.phk.content import Condition, ContentItem, PhkContent
from bot.registration.participants import BusinessStatus, Sector

SKILLS_MIN_LENGTH = 2
SKILLS_MAX_LENGTH = 100
# PP 6/2025: JKP is claimed within 6 months of the PHK (bot/data/phk.toml, "claim").
JKP_CLAIM_MONTHS = 6


class PhkBusiness(StrEnum):
    IDEA = "idea"
    RUNNING = "running"
    NONE = "none"


class Wish(StrEnum):
    """The help asked for, as one question: both, one of the two, or neither."""

    BOTH = "both"
    COUNSELLING = "counsel"
    CAPITAL = "capital"
    NEITHER = "none"

    @property
    def counselling(self) -> bool:
        return self in (Wish.BOTH, Wish.COUNSELLING)

    @property
    def capital_info(self) -> bool:
        return self in (Wish.BOTH, Wish.CAPITAL)


class SkillsProblem(StrEnum):
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"


class SkillsError(DomainError, ValueError):
    keys: ClassVar[dict[SkillsProblem, str]] = {
        SkillsProblem.TOO_SHORT: N_("error-phk-skills-too-short"),
        SkillsProblem.TOO_LONG: N_("error-phk-skills-too-long"),
    }

    def __init__(self, problem: SkillsProblem) -> None:
        super().__init__(self.keys[problem], min=SKILLS_MIN_LENGTH, max=SKILLS_MAX_LENGTH)
        self.problem = problem


def clean_skills(text: str) -> str:
    """Typed skills with whitespace collapsed; short enough to read back in one line."""
    cleaned = " ".join(text.split())
    if len(cleaned) < SKILLS_MIN_LENGTH:
        raise SkillsError(SkillsProblem.TOO_SHORT)
    if len(cleaned) > SKILLS_MAX_LENGTH:
        raise SkillsError(SkillsProblem.TOO_LONG)
    return cleaned


@dataclass(frozen=True)
class PhkAnswers:
    phk_month: date
    previous_sector: Sector
    skills: str
    business: PhkBusiness
    wants_counselling: bool
    wants_capital_info: bool

    @classmethod
    def from_conversation(cls, data: dict[str, Any], wish: Wish) -> PhkAnswers:
        """The conversation's stored answers (JSON-friendly) plus the last one."""
        return cls(
            phk_month=date.fromisoformat(data["phk_month"]),
            previous_sector=Sector(data["previous_sector"]),
            skills=data["skills"],
            business=PhkBusiness(data["business"]),
            wants_counselling=wish.counselling,
            wants_capital_info=wish.capital_info,
        )

    def as_export(self) -> dict[str, Any]:
        return {
            "phk_month": self.phk_month.isoformat(),
            "previous_sector": self.previous_sector.value,
            "skills": self.skills,
            "business": self.business.value,
            "wants_counselling": self.wants_counselling,
            "wants_capital_info": self.wants_capital_info,
        }

    def registration_answers(self) -> dict[str, Any]:
        """Registration answers these already give, in the registration's FSM format.

        A business idea or no business is "no business yet"; a running one may be micro,
        small or medium, which only the registration asks.
        """
        answers: dict[str, Any] = {"phk_affected": True, "phk_month": self.phk_month.isoformat()}
        if self.business is not PhkBusiness.RUNNING:
            answers["business_status"] = BusinessStatus.NONE.value
        return answers


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class JkpWindow:
    """Until which month a JKP claim is still possible; only the PHK month is known."""

    last_month: date
    open: bool


def jkp_window(phk_month: date, today: date) -> JkpWindow:
    last = add_months(phk_month, JKP_CLAIM_MONTHS)
    return JkpWindow(last_month=last, open=today.replace(day=1) <= last)


@dataclass(frozen=True)
class Summary:
    answers: PhkAnswers
    offers: list[ContentItem]
    jkp: JkpWindow


def conditions_met(answers: PhkAnswers, phk_priority: bool) -> set[Condition]:
    met = {Condition.ALWAYS}
    if phk_priority:
        met.add(Condition.PHK_PRIORITY)
    if answers.wants_counselling:
        met.add(Condition.COUNSELLING)
    if answers.wants_capital_info:
        met.add(Condition.CAPITAL)
    if answers.business is not PhkBusiness.NONE:
        met.add(Condition.BUSINESS_PLAN)
    return met


def compose_summary(
    answers: PhkAnswers, content: PhkContent, *, phk_priority: bool, today: date
) -> Summary:
    """The offers that fit these answers, in the content file's order."""
    met = conditions_met(answers, phk_priority)
    offers = [item for item in content.offers if item.when in met]
    return Summary(answers, offers, jkp_window(answers.phk_month, today))
