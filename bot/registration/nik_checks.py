"""The NIK step's rate limit: a registered NIK must not be found by trying candidates.

A person's birth date, sex and province narrow their NIK down to a few dozen candidates,
and the NIK step refuses one that another account registered: without a limit, trying
the candidates finds the registered one. Two budgets, counted in the database so that
restarts and several bot processes share them: NIKs looked up per account in 24 hours,
and NIKs refused as taken per hour across all accounts (many accounts probing together).
Past either, every NIK is refused for the time being with the same neutral answer as a
taken one, so an answer never says which it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.errors import N_, DomainError
from storage.nik_check_repository import NikCheckRepository

LOOKUP = "lookup"
TAKEN = "taken"
DAY = timedelta(days=1)
HOUR = timedelta(hours=1)


class NikRefused(DomainError):
    """This NIK cannot be used now; deliberately silent on whether it is registered."""

    key = N_("error-nik-refused")


class NikChecksExhausted(NikRefused):
    """This account's NIK lookups for the day, or everyone's taken refusals for the hour,
    are used up."""


@dataclass(frozen=True)
class NikCheckLimits:
    """How many NIK lookups one account gets per day, and taken refusals all get per hour."""

    per_account_per_day: int = 5
    taken_per_hour: int = 20

    async def admit(self, checks: NikCheckRepository, account: str, now: datetime) -> bool:
        """Record one lookup for `account` if both budgets allow it, else record nothing."""
        await checks.prune(before=now - DAY)
        if await checks.count_after(LOOKUP, now - DAY, account) >= self.per_account_per_day:
            return False
        if await checks.count_after(TAKEN, now - HOUR) >= self.taken_per_hour:
            return False
        checks.record(LOOKUP, account, now)
        return True
