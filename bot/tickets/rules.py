"""The rules of "Tanya petugas" that need no database: states, scopes, limits, numbers.

A ticket belongs to the asker's BLK (live enrollment) and province (the BLK's, else the
domicile's). It goes to the coordinators of that BLK, else of that province, else the
country-wide ones, else the admins: the narrowest level that has somebody. Any
coordinator whose scope covers the ticket may see and answer it, notified or not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bot.coordinators.roles import Scope, ScopeKind

MAX_TEXT = 1000
# Every message about a ticket opens with "🎫 #12" (both catalogs), so a Telegram reply to
# one names its ticket. Only the very start counts: text people wrote comes later, and
# other bot messages with numbers ("Siaran #3") do not start with the ticket mark.
MARK = "🎫"
_NUMBER = re.compile(MARK + r" ?#([1-9][0-9]{0,9})(?![0-9])")


class TicketStatus(StrEnum):
    OPEN = "open"
    ANSWERED = "answered"
    CLOSED = "closed"


class Author(StrEnum):
    USER = "user"
    STAFF = "staff"


class Origin(StrEnum):
    """Where the question was asked from, for the coordinator's context."""

    MENU = "menu"
    COMMAND = "cmd"
    FAQ = "faq"
    PHK = "phk"

    @classmethod
    def parse(cls, value: str) -> Origin:
        """Callback values come from outside: anything unknown counts as the menu."""
        try:
            return cls(value)
        except ValueError:
            return cls.MENU


class Event(StrEnum):
    """What an outbox row about a ticket tells its recipient."""

    NEW = "new"  # to coordinators: a new question
    FOLLOW_UP = "follow"  # to coordinators: the asker wrote again
    ANSWER = "answer"  # to the asker: a coordinator answered
    ESCALATION = "escalate"  # to admins: nobody answered in time


@dataclass(frozen=True)
class Place:
    blk_id: str | None
    province_code: str | None


def covers(scope: Scope, place: Place) -> bool:
    """May a coordinator with `scope` see and answer a ticket of `place`?"""
    if scope.kind is ScopeKind.COUNTRY:
        return True
    if scope.kind is ScopeKind.PROVINCE:
        return scope.code is not None and scope.code == place.province_code
    return scope.code is not None and scope.code == place.blk_id


def routing(place: Place) -> list[Scope]:
    """Scopes to try for notifications, narrowest first (then the admins)."""
    levels = []
    if place.blk_id:
        levels.append(Scope.blk(place.blk_id))
    if place.province_code:
        levels.append(Scope.province(place.province_code))
    levels.append(Scope.country())
    return levels


def ticket_number_in(text: str | None) -> int | None:
    """The ticket number a bot message about a ticket opens with, if any."""
    found = _NUMBER.match(text or "")
    return int(found.group(1)) if found else None
