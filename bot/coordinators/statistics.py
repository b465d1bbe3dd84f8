"""Numbers for coordinators (/statistik), always narrowed to the asker's scope.

`collect` gives a scope's totals; `report` one level of the drill-down (country →
province → BLK → batch) with its breakdown one level further, seats of capacity,
waitlists, eligibility outcomes, attendance answers and registrations per day. Nothing
outside the viewer's scope is ever counted or named: a level they may not see is refused
as if it did not exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.coordinators.audiences import scope_conditions as registration_scope
from bot.coordinators.roles import Scope, ScopeKind, place_name
from bot.errors import NotPermitted
from bot.phk.pathway import PhkBusiness
from bot.registration.participants import BusinessStatus
from bot.tickets.rules import Place, covers
from bot.training.eligibility import Applicant, EligibilityRules, Verdict, assess
from storage.coordinator_repository import Condition, PlaceRepository, enrolled_in_batch
from storage.database import Database
from storage.enrollment_repository import ACTIVE, COMPLETED, WAITLISTED
from storage.models import Batch
from storage.statistics_repository import BatchFilter, StatisticsRepository, UnitCounts
from storage.survey_repository import ImpactCounts, SurveyRepository

DAYS = 30  # the daily series: this many days up to today


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


class Level(StrEnum):
    """A level of the drill-down; the values travel in button data."""

    COUNTRY = "c"
    PROVINCE = "p"
    BLK = "b"
    BATCH = "g"


CHILD_LEVEL = {Level.COUNTRY: Level.PROVINCE, Level.PROVINCE: Level.BLK, Level.BLK: Level.BATCH}


@dataclass(frozen=True)
class Node:
    """One province, BLK or batch (by id), or the whole country."""

    level: Level
    code: str = ""

    @classmethod
    def of(cls, scope: Scope) -> Node:
        level = {
            ScopeKind.COUNTRY: Level.COUNTRY,
            ScopeKind.PROVINCE: Level.PROVINCE,
            ScopeKind.BLK: Level.BLK,
        }[scope.kind]
        return cls(level, scope.code or "")

    @classmethod
    def parse(cls, level: str, code: str) -> Node:
        """From button data, which comes from outside."""
        try:
            return cls(Level(level), code)
        except ValueError:
            raise OutOfReach from None

    def scope(self) -> Scope | None:
        """The same place as a scope; a batch is none."""
        match self.level:
            case Level.COUNTRY:
                return Scope.country()
            case Level.PROVINCE:
                return Scope.province(self.code)
            case Level.BLK:
                return Scope.blk(self.code)
        return None


class OutOfReach(NotPermitted):
    """Unknown, or outside the viewer's scope: the same answer for both (a stale button)."""


@dataclass(frozen=True)
class Report:
    node: Node
    name: str | None  # the province's or BLK's name, the batch's title; None: the country
    blk_name: str | None  # a batch's BLK
    parent: Node | None  # one level up, when the viewer may see it
    summary: Statistics | None  # totals with the PHK pathway; not for a batch
    registrations: int  # for a batch: the people holding a seat or waitlist place
    phk: int
    capacity: int
    seats_taken: int
    waitlisted: int
    eligibility: dict[Verdict, int]
    attendance: dict[str, int]  # "yes"/"no" answers to reminders, of seat holders
    children: list[UnitCounts] = field(default_factory=list)
    programmes: list[UnitCounts] = field(default_factory=list)  # not for a batch
    daily: list[tuple[date, int]] = field(default_factory=list)  # every day, zeros too
    # Follow-up survey answers (bot.training.surveys) of seats here, and per programme.
    impact: ImpactCounts = field(default_factory=ImpactCounts)
    impact_programmes: dict[str, ImpactCounts] = field(default_factory=dict)

    @property
    def child_level(self) -> Level | None:
        return CHILD_LEVEL.get(self.node.level)

    @property
    def unanswered(self) -> int:
        """Seat holders who have not said whether they will come."""
        return max(self.seats_taken - sum(self.attendance.values()), 0)


def years_before(day: date, years: int) -> date:
    """The same calendar day `years` earlier; 29 February becomes the 28th."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def verdict_counts(
    rules: EligibilityRules, groups: list[tuple[str, str, bool, int]], today: date
) -> dict[Verdict, int]:
    """Eligibility outcomes (not stored) from groups by age band, business status and PHK.

    Each group is assessed once with a birth date standing for its band, so the verdict
    is exactly what /kelayakan gives each member today under the current rules (the
    one-place-per-person rule aside: it is about joining one more batch).
    """
    young_after = years_before(today, rules.min_age)
    standing_for = {"ok": young_after, "young": young_after + timedelta(days=1)}
    if rules.max_age is not None:
        standing_for["old"] = years_before(today, rules.max_age + 1)
    counts = dict.fromkeys((Verdict.PRIORITY, Verdict.ELIGIBLE, Verdict.NOT_ELIGIBLE), 0)
    for band, business, phk, count in groups:
        applicant = Applicant(standing_for[band], BusinessStatus(business), phk)
        verdict = assess(rules, applicant, today).verdict
        counts[verdict] = counts.get(verdict, 0) + count
    return counts


class StatisticsService:
    def __init__(
        self,
        db: Database,
        rules: EligibilityRules | None = None,
        timezone: str = "Asia/Jakarta",
        clock: Clock | None = None,
    ) -> None:
        self._db = db
        self._rules = rules or EligibilityRules()
        self._zone = ZoneInfo(timezone)  # days of the series are the programme's days
        self.clock = clock or Clock(timezone)

    async def collect(self, scope: Scope) -> Statistics:
        """Every count in one transaction, so they agree with each other."""
        async with self._db.transaction() as session:
            return await self._summary(session, scope)

    async def report(self, viewer: Scope, node: Node) -> Report:
        """One level of the drill-down, read in one transaction. Raises OutOfReach."""
        async with self._db.transaction() as session:
            places = PlaceRepository(session)
            stats = StatisticsRepository(session)
            surveys = SurveyRepository(session)
            place, name, blk_name = await self._locate(places, node)
            if not covers(viewer, place):
                raise OutOfReach
            parent = _parent(node, place)
            if parent is not None and not covers(viewer, _place_of(parent, place)):
                parent = None
            summary: Statistics | None = None
            if (scope := node.scope()) is not None:
                summary = await self._summary(session, scope)
                conditions = registration_scope(scope)
                registrations, phk = summary.registrations, summary.phk_registrations
            else:
                conditions = [enrolled_in_batch(int(node.code))]
                registrations, phk = await stats.registrations(conditions)
            where = _batch_filter(node)
            capacity, taken, waitlisted = await stats.seats(where)
            today = self.clock.today_in(self._zone)
            young_after = years_before(today, self._rules.min_age)
            old_until = (
                years_before(today, self._rules.max_age + 1)
                if self._rules.max_age is not None
                else None
            )
            groups = await stats.eligibility_groups(conditions, young_after, old_until)
            return Report(
                node=node,
                name=name,
                blk_name=blk_name,
                parent=parent,
                summary=summary,
                registrations=registrations,
                phk=phk,
                capacity=capacity,
                seats_taken=taken,
                waitlisted=waitlisted,
                eligibility=verdict_counts(self._rules, groups, today),
                attendance=await stats.attendance(where),
                children=await self._children(stats, node),
                programmes=[] if node.level is Level.BATCH else await stats.by_programme(where),
                daily=await self._daily(stats, conditions, today),
                impact=(await surveys.impact(where.conditions())).get("", ImpactCounts()),
                impact_programmes=await surveys.impact(where.conditions(), Batch.programme),
            )

    async def _summary(self, session: AsyncSession, scope: Scope) -> Statistics:
        conditions = registration_scope(scope)
        blk = scope.code if scope.kind is ScopeKind.BLK else None
        province = scope.code if scope.kind is ScopeKind.PROVINCE else None
        stats = StatisticsRepository(session)
        registrations, phk = await stats.registrations(conditions)
        pathway = await stats.pathway(conditions if scope.kind is not ScopeKind.COUNTRY else None)
        enrollments = await stats.enrollments(blk_id=blk, province_code=province)
        return Statistics(
            scope=scope,
            place=await place_name(PlaceRepository(session), scope),
            registrations=registrations,
            phk_registrations=phk,
            pathway_by_business={b: pathway.by_business.get(b.value, 0) for b in PhkBusiness},
            pathway_counselling=pathway.counselling,
            pathway_capital_info=pathway.capital_info,
            # Seats of completed batches are seats taken too, as capacity counts their batch.
            enrollments_active=enrollments.get(ACTIVE, 0) + enrollments.get(COMPLETED, 0),
            enrollments_waitlisted=enrollments.get(WAITLISTED, 0),
        )

    @staticmethod
    async def _locate(places: PlaceRepository, node: Node) -> tuple[Place, str | None, str | None]:
        """Where the node is (its BLK and province), its name, and a batch's BLK name."""
        match node.level:
            case Level.COUNTRY:
                return Place(None, None), None, None
            case Level.PROVINCE:
                if (name := await places.province_name(node.code)) is not None:
                    return Place(None, node.code), name, None
            case Level.BLK:
                if (blk := await places.blk(node.code)) is not None:
                    return Place(node.code, blk[1]), blk[0], None
            case Level.BATCH:
                batch = await places.batch(int(node.code)) if node.code.isdigit() else None
                if batch is not None:
                    title, blk_id, blk_name, province = batch
                    return Place(blk_id, province), title, blk_name
        raise OutOfReach

    @staticmethod
    async def _children(stats: StatisticsRepository, node: Node) -> list[UnitCounts]:
        """Provinces and BLKs with the most people first; a BLK's batches newest first."""
        match node.level:
            case Level.COUNTRY:
                units = await stats.by_province()
            case Level.PROVINCE:
                units = await stats.by_blk(node.code)
            case Level.BLK:
                return await stats.by_batch(node.code)
            case _:
                return []
        return sorted(units, key=lambda unit: (-unit.registrations, unit.name))

    async def _daily(
        self, stats: StatisticsRepository, conditions: list[Condition], today: date
    ) -> list[tuple[date, int]]:
        first = today - timedelta(days=DAYS - 1)
        since = datetime.combine(first, time(), self._zone).astimezone(UTC)
        offset = self._zone.utcoffset(datetime.combine(today, time()))
        minutes = int(offset.total_seconds() // 60) if offset else 0
        counts = await stats.daily_registrations(conditions, since, minutes)
        return [
            (first + timedelta(days=i), counts.get(first + timedelta(days=i), 0))
            for i in range(DAYS)
        ]


def _parent(node: Node, place: Place) -> Node | None:
    match node.level:
        case Level.BATCH:
            return Node(Level.BLK, place.blk_id or "")
        case Level.BLK:
            return Node(Level.PROVINCE, place.province_code or "")
        case Level.PROVINCE:
            return Node(Level.COUNTRY)
    return None


def _place_of(node: Node, below: Place) -> Place:
    """Where a parent node is, from the place of the node below it."""
    match node.level:
        case Level.BLK:
            return below
        case Level.PROVINCE:
            return Place(None, below.province_code)
    return Place(None, None)


def _batch_filter(node: Node) -> BatchFilter:
    match node.level:
        case Level.PROVINCE:
            return BatchFilter(province_code=node.code)
        case Level.BLK:
            return BatchFilter(blk_id=node.code)
        case Level.BATCH:
            return BatchFilter(batch_id=int(node.code))
    return BatchFilter()
