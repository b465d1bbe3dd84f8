"""What a message typed outside any conversation is: small talk, a scam report, or a
question for the FAQ, with the entries that may answer it."""

from __future__ import annotations

from dataclasses import dataclass

from bot.faq.content import Faq
from bot.faq.ranking import Ranking, Strength
from bot.faq.small_talk import Chat, classify

__all__ = ["Reading", "read"]

_NOTHING = Ranking((), Strength.NONE)


@dataclass(frozen=True)
class Reading:
    chat: Chat | None  # None: a question, ranked below
    ranking: Ranking


def read(faq: Faq, text: str) -> Reading:
    """Small talk and scam reports first, so they never get an unrelated FAQ entry."""
    chat = classify(text)
    return Reading(chat, _NOTHING if chat else faq.match(text))
