"""When the FAQ matcher answers at once rather than offering three buttons.

A logistic model over the measures ``bot.faq.matching.decision_inputs``, fitted on
the labelled examples by ``bench/faq_calibrate.py`` and kept in
``bot/data/faq_decision.toml``, gives the chance that the best entry is right; the answer
is shown at once only when that chance is at least ``answer_from`` (a wrong answer shown
at once counts four times as bad as three buttons).
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

__all__ = ["MIN_LEAD", "Decision", "fitted_decision"]

# A near tie (the runner-up's confidence within this of the best's) is offered, never
# answered: the typed words do not tell the two apart ("jkp" alone fits three entries),
# and the examples have too few such questions to learn a chance from.
MIN_LEAD = 0.05


@dataclass(frozen=True)
class Decision:
    """P(right) = 1 / (1 + e^-(intercept + cover·c + lead·l + likelihood·p + unanswered·u)),
    answered when at least ``answer_from``."""

    intercept: float
    cover: float
    lead: float
    likelihood: float
    unanswered: float
    answer_from: float

    def chance(self, cover: float, lead: float, likelihood: float, unanswered: float) -> float:
        z = (
            self.intercept
            + self.cover * cover
            + self.lead * lead
            + self.likelihood * likelihood
            + self.unanswered * unanswered
        )
        return 1 / (1 + math.exp(-z))

    def answers(self, cover: float, lead: float, likelihood: float, unanswered: float) -> bool:
        chance = self.chance(cover, lead, likelihood, unanswered)
        return lead >= MIN_LEAD and chance >= self.answer_from


@cache
def fitted_decision() -> Decision:
    """The decision ``bench/faq_calibrate.py`` fitted on the examples."""
    text = (files("bot") / "data" / "faq_decision.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    return Decision(
        data["intercept"],
        data["cover"],
        data["lead"],
        data["likelihood"],
        data["unanswered"],
        data["answer_from"],
    )
