"""What matching a question gives: the entries scored, how sure the best one is, and when
entries are offered at all. The scores come from ``bot.faq.matching``; whether to answer
at once from ``bot.faq.decision``."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "NO_ANSWER_FROM",
    "OFFER_COVER",
    "Candidate",
    "Match",
    "Ranking",
    "Shortlist",
    "Strength",
    "decision_inputs",
]

# From this cover the closest three are offered as buttons next to "Tanya petugas";
# below, only "Tanya petugas" and the menu.
OFFER_COVER = 0.3
# Nor are they offered when the classifier is this sure the FAQ has no answer ("cara
# daftar kartu prakerja" shares words with registering here). In 5-fold cross-validation
# on the examples, 0.9 sent 0.713 of the unanswerable ones straight to "Tanya petugas"
# (0.463 without), and took the buttons from 0.6 % of the answerable ones.
NO_ANSWER_FROM = 0.9
# How much BM25 (word frequency, entry length) counts next to the cover in the ranking.
_RELEVANCE_SHARE = 0.3
# How much the function words an entry shares with the question count in the ranking
# (not in the cover, so "boleh ... bisa ... ga" never makes an entry look certain);
# 0.2 did best of 0.05–0.2 on the dev set.
_HINT_SHARE = 0.2
# How much the classifier's chance for an entry counts in the ranking; 0.3 did best of
# 0–1 in cross-validation on the examples.
_LIKELIHOOD_SHARE = 0.3


@dataclass(frozen=True)
class Match:
    id: str
    score: float


class Strength(StrEnum):
    STRONG = "strong"
    WEAK = "weak"
    NONE = "none"


@dataclass(frozen=True)
class Ranking:
    """The best entries first (at most three), and how sure the best one is."""

    matches: tuple[Match, ...]
    strength: Strength


@dataclass(frozen=True)
class Candidate:
    """One entry for one question: the share of the question's weight it covers (0–1), its
    BM25 score relative to the best entry's (0–1), the share of the question's function
    words ("boleh", "di mana") its own wording has (0–1), and the classifier's chance."""

    id: str
    cover: float
    relevance: float
    hint: float = 0.0
    likelihood: float = 0.0

    @property
    def confidence(self) -> float:
        return (
            (1 - _RELEVANCE_SHARE) * self.cover
            + _RELEVANCE_SHARE * self.relevance
            + _HINT_SHARE * self.hint
            + _LIKELIHOOD_SHARE * self.likelihood
        )


@dataclass(frozen=True)
class Shortlist:
    """Every entry for one question, the most likely first, and the classifier's chance
    that the FAQ does not answer it at all."""

    found: list[Candidate]
    unanswered: float = 0.0

    @property
    def offers(self) -> bool:
        """Whether the closest entries are offered at all (else only "Tanya petugas")."""
        return (
            bool(self.found)
            and self.found[0].cover >= OFFER_COVER
            and self.unanswered < NO_ANSWER_FROM
        )


def decision_inputs(shortlist: Shortlist) -> tuple[float, float, float, float]:
    """The best entry's cover, its confidence's lead over the runner-up, its chance, and
    the chance that the FAQ does not answer the question."""
    found = shortlist.found
    lead = found[0].confidence - (found[1].confidence if len(found) > 1 else 0.0)
    return found[0].cover, lead, found[0].likelihood, shortlist.unanswered
