"""Numbers for coordinators (/statistik), always narrowed to the asker's scope."""

from __future__ import annotations

from dataclasses import dataclass

from bot.coordinators.audiences import scope_conditions as registration_scope
from bot.coordinators.roles import Scope, ScopeKind, place_name
from bot.phk.pathway import PhkBusiness
from storage.coordinator_repository import PlaceRepository
from storage.database import Database
from storage.enrollment_repository import ACTIVE, WAITLISTED
from storage.statistics_repository import StatisticsRepository


@dataclass(frozen=True)
class Statistics:
    scope: Scope
    place: str | None
    registrations: int
    phk_registrations: int
    pathway_by_business: dict[PhkBusiness, int]
    pathway_counselling: int
    pathway_capital_info: int
    enrollments_active: int
    enrollments_waitlisted: int

    @property
    def pathway_completions(self) -> int:
        return sum(self.pathway_by_business.values())


class StatisticsService:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def collect(self, scope: Scope) -> Statistics:
        """Every count in one transaction, so they agree with each other."""
        conditions = registration_scope(scope)
        blk = scope.code if scope.kind is ScopeKind.BLK else None
        province = scope.code if scope.kind is ScopeKind.PROVINCE else None
        async with self._db.transaction() as session:
            stats = StatisticsRepository(session)
            registrations, phk = await stats.registrations(conditions)
            pathway = await stats.pathway(
                conditions if scope.kind is not ScopeKind.COUNTRY else None
            )
            enrollments = await stats.enrollments(blk_id=blk, province_code=province)
            place = await place_name(PlaceRepository(session), scope)
        return Statistics(
            scope=scope,
            place=place,
            registrations=registrations,
            phk_registrations=phk,
            pathway_by_business={b: pathway.by_business.get(b.value, 0) for b in PhkBusiness},
            pathway_counselling=pathway.counselling,
            pathway_capital_info=pathway.capital_info,
            enrollments_active=enrollments.get(ACTIVE, 0),
            enrollments_waitlisted=enrollments.get(WAITLISTED, 0),
        )
