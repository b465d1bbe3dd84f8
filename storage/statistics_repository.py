"""Counts behind /statistik; callers own the transaction and pass the scope as conditions.

Registrations are narrowed by the audience conditions of `storage.coordinator_repository`
(the same scope rule as broadcasts); PHK pathway answers count when their owner's
registration is in scope (without a registration, only in the whole-country view);
enrollments, seats and attendance count at the BLK that holds the batch.

Every figure is one aggregate query (GROUP BY), never a loop over rows, so a view stays
quick with 100,000 registrations (`bench/statistics.py`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import (
    ColumnElement,
    Date,
    Select,
    case,
    cast,
    distinct,
    func,
    literal_column,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from storage.coordinator_repository import Condition
from storage.enrollment_repository import CANCELLED, PLACED, SEATED
from storage.models import (
    Attendance,
    Batch,
    Blk,
    Enrollment,
    PhkProfile,
    Province,
    Regency,
    Registration,
)


@dataclass(frozen=True)
class PathwayCounts:
    """PHK pathway completions per business status, and how many asked for each help."""

    by_business: dict[str, int]
    counselling: int
    capital_info: int


@dataclass(frozen=True)
class UnitCounts:
    """One row of a breakdown: a province, BLK or batch and what it holds."""

    code: str
    name: str
    registrations: int = 0
    phk: int = 0
    capacity: int = 0
    seats_taken: int = 0
    waitlisted: int = 0


@dataclass(frozen=True)
class BatchFilter:
    """Narrows batch-based counts (seats, waitlists, attendance) to a province, BLK or batch."""

    province_code: str | None = None
    blk_id: str | None = None
    batch_id: int | None = None

    def conditions(self) -> list[Condition]:
        conditions = []
        if self.province_code is not None:
            conditions.append(Regency.province_code == self.province_code)
        if self.blk_id is not None:
            conditions.append(Batch.blk_id == self.blk_id)
        if self.batch_id is not None:
            conditions.append(Batch.id == self.batch_id)
        return conditions


def _count_true(column: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((column, 1), else_=0)), 0)


def _local_day(dialect: str, column: ColumnElement[datetime], offset_minutes: int) -> ColumnElement:
    """The calendar day of a UTC timestamp at a fixed offset (Indonesia keeps no DST).

    Literals, not parameters: PostgreSQL groups by an expression only when it is the
    very same one, and two bound parameters never are.
    """
    if dialect == "postgresql":
        shifted = func.timezone("UTC", column) + literal_column(
            f"interval '{int(offset_minutes)} minutes'"
        )
        return cast(shifted, Date)
    return func.date(column, literal_column(f"'{int(offset_minutes):+d} minutes'"))


def _people_placed(key: ColumnElement[str]) -> Select:
    """`key`, people and PHK-affected among them, over places (seats, seats of completed
    batches and waitlist places; someone who finished one batch and holds a place in another
    is one person): each joined to the person and the batch's BLK and regency; the caller
    groups by `key`."""
    person = Enrollment.registration_id
    return (
        select(
            key,
            func.count(distinct(person)),
            func.count(distinct(case((Registration.phk_affected.is_(True), person)))),
        )
        .select_from(Enrollment)
        .join(Registration, Enrollment.registration_id == Registration.id)
        .join(Batch, Enrollment.batch_id == Batch.id)
        .join(Blk, Batch.blk_id == Blk.id)
        .join(Regency, Blk.regency_code == Regency.code)
        .where(Enrollment.status.in_(PLACED))
    )


def _as_date(value: date | str) -> date:
    """SQLite's date() gives text."""
    return value if isinstance(value, date) else date.fromisoformat(value)


class StatisticsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def registrations(self, conditions: Sequence[Condition]) -> tuple[int, int]:
        """All registrations and the PHK-affected ones."""
        stmt = select(func.count(), _count_true(Registration.phk_affected)).where(*conditions)
        row = (await self.session.execute(stmt.select_from(Registration))).one()
        return int(row[0]), int(row[1])

    async def pathway(self, conditions: Sequence[Condition] | None) -> PathwayCounts:
        """`conditions` None: every completion, with or without a registration."""
        stmt = select(
            PhkProfile.business_status,
            func.count(),
            _count_true(PhkProfile.wants_counselling),
            _count_true(PhkProfile.wants_capital_info),
        ).group_by(PhkProfile.business_status)
        if conditions is not None:
            stmt = stmt.join(
                Registration, Registration.telegram_id == PhkProfile.telegram_id
            ).where(*conditions)
        rows = (await self.session.execute(stmt)).all()
        return PathwayCounts(
            by_business={row[0]: int(row[1]) for row in rows},
            counselling=sum(int(row[2]) for row in rows),
            capital_info=sum(int(row[3]) for row in rows),
        )

    async def enrollments(
        self, *, blk_id: str | None = None, province_code: str | None = None
    ) -> dict[str, int]:
        """Enrollments not given up (seats, seats of completed batches, waitlist places) by
        status."""
        stmt = (
            select(Enrollment.status, func.count())
            .join(Batch, Enrollment.batch_id == Batch.id)
            .where(Enrollment.status.in_(PLACED))
            .group_by(Enrollment.status)
        )
        if blk_id is not None:
            stmt = stmt.where(Batch.blk_id == blk_id)
        if province_code is not None:
            stmt = (
                stmt.join(Blk, Batch.blk_id == Blk.id)
                .join(Regency, Blk.regency_code == Regency.code)
                .where(Regency.province_code == province_code)
            )
        return {row[0]: int(row[1]) for row in await self.session.execute(stmt)}

    # -- breakdowns and details ---------------------------------------------------------

    async def seats(self, where: BatchFilter) -> tuple[int, int, int]:
        """Capacity and seats taken of batches that were not cancelled, and waitlist places."""
        return (await self._seats_by(None, *where.conditions())).get("", (0, 0, 0))

    async def attendance(self, where: BatchFilter) -> dict[str, int]:
        """Answers to reminders ("yes"/"no") of people holding a seat."""
        stmt = (
            select(Attendance.answer, func.count())
            .join(Enrollment, Attendance.enrollment_id == Enrollment.id)
            .join(Batch, Enrollment.batch_id == Batch.id)
            .join(Blk, Batch.blk_id == Blk.id)
            .join(Regency, Blk.regency_code == Regency.code)
            .where(Enrollment.status.in_(SEATED), *where.conditions())
            .group_by(Attendance.answer)
        )
        return {row[0]: int(row[1]) for row in await self.session.execute(stmt)}

    async def eligibility_groups(
        self, conditions: Sequence[Condition], young_after: date, old_until: date | None
    ) -> list[tuple[str, str, bool, int]]:
        """(age band, business status, PHK, count): "young" born after `young_after`, "old"
        born on or before `old_until`, else "ok" — few groups, whatever the number of rows.

        Only the month of birth is stored readable: someone born in the month of a
        threshold counts as born on its first day (a few days early, at most a month)."""
        whens = [(Registration.birth_month > young_after, "young")]
        if old_until is not None:
            whens.append((Registration.birth_month <= old_until, "old"))
        band = case(*whens, else_="ok").label("band")
        stmt = (
            select(band, Registration.business_status, Registration.phk_affected, func.count())
            .where(*conditions)
            .group_by(band, Registration.business_status, Registration.phk_affected)
        )
        return [(r[0], r[1], bool(r[2]), int(r[3])) for r in await self.session.execute(stmt)]

    async def daily_registrations(
        self, conditions: Sequence[Condition], since: datetime, offset_minutes: int
    ) -> dict[date, int]:
        """Registrations per local calendar day from `since` on."""
        dialect = self.session.bind.dialect.name
        day = _local_day(dialect, Registration.created_at, offset_minutes).label("day")
        stmt = (
            select(day, func.count())
            .where(Registration.created_at >= since, *conditions)
            .group_by(day)
        )
        return {_as_date(row[0]): int(row[1]) for row in await self.session.execute(stmt)}

    async def by_province(self) -> list[UnitCounts]:
        """Every province with its registrations under the province scope rule (living there
        or holding a place at a BLK there), seats and waitlists.

        Two GROUP BYs added up — people by domicile, and people training in another province
        than they live in — rather than a UNION of both: each person holds at most one live
        place, so nobody is counted twice in one province, and it is three times quicker.
        """
        living = select(
            Registration.province_code, func.count(), _count_true(Registration.phk_affected)
        ).group_by(Registration.province_code)
        elsewhere = (
            _people_placed(Regency.province_code)
            .where(Regency.province_code != Registration.province_code)
            .group_by(Regency.province_code)
        )
        registrations: dict[str, tuple[int, int]] = {}
        for stmt in (living, elsewhere):
            for code, people, phk in await self.session.execute(stmt):
                before = registrations.get(code, (0, 0))
                registrations[code] = (before[0] + int(people), before[1] + int(phk))
        seats = await self._seats_by(Regency.province_code)
        names = select(Province.code, Province.name).order_by(Province.code)
        return [
            _unit(code, name, registrations.get(code), seats.get(code))
            for code, name in await self.session.execute(names)
        ]

    async def by_blk(self, province_code: str) -> list[UnitCounts]:
        """The province's BLKs with the people holding a place there, seats and waitlists."""
        where = Regency.province_code == province_code
        counted = _people_placed(Batch.blk_id).where(where).group_by(Batch.blk_id)
        registrations = {r[0]: (int(r[1]), int(r[2])) for r in await self.session.execute(counted)}
        seats = await self._seats_by(Batch.blk_id, where)
        names = (
            select(Blk.id, Blk.name)
            .join(Regency, Blk.regency_code == Regency.code)
            .where(where)
            .order_by(Blk.name, Blk.id)
        )
        return [
            _unit(code, name, registrations.get(code), seats.get(code))
            for code, name in await self.session.execute(names)
        ]

    async def by_batch(self, blk_id: str) -> list[UnitCounts]:
        """The BLK's batches (not cancelled), newest start first: people enrolled, seats and
        waitlist."""
        live = Enrollment.status.in_(PLACED)
        stmt = (
            select(
                Batch.id,
                Batch.title,
                Batch.capacity,
                func.count(Enrollment.id),
                _count_true(Registration.phk_affected),
                _count_true(Enrollment.status.in_(SEATED)),
            )
            .outerjoin(Enrollment, (Enrollment.batch_id == Batch.id) & live)
            .outerjoin(Registration, Enrollment.registration_id == Registration.id)
            .where(Batch.blk_id == blk_id, Batch.status != CANCELLED)
            .group_by(Batch.id, Batch.title, Batch.capacity, Batch.starts_at)
            .order_by(Batch.starts_at.desc(), Batch.id.desc())
        )
        return [
            UnitCounts(
                code=str(row[0]),
                name=row[1],
                registrations=int(row[3]),
                phk=int(row[4]),
                capacity=int(row[2]),
                seats_taken=int(row[5]),
                waitlisted=int(row[3]) - int(row[5]),
            )
            for row in await self.session.execute(stmt)
        ]

    async def by_programme(self, where: BatchFilter) -> list[UnitCounts]:
        """Per programme (its code as name): people holding a place, seats and waitlists,
        at the batches `where` narrows to."""
        conditions = where.conditions()
        counted = _people_placed(Batch.programme).where(*conditions).group_by(Batch.programme)
        people = {r[0]: (int(r[1]), int(r[2])) for r in await self.session.execute(counted)}
        seats = await self._seats_by(Batch.programme, *conditions)
        return [
            _unit(code, code, people.get(code), seats.get(code))
            for code in sorted(people.keys() | seats.keys())
        ]

    async def _seats_by(
        self, group: ColumnElement[str] | None, *conditions: Condition
    ) -> dict[str, tuple[int, int, int]]:
        """(capacity of batches not cancelled, seats taken, waitlist places) per `group` (a
        province code, BLK id or programme), or of everything matching under the key "" when None.
        Seats are counted from the enrollments themselves, like every other figure."""
        keys = [group] if group is not None else []
        capacity = (
            select(*keys, func.sum(Batch.capacity))
            .join(Blk, Batch.blk_id == Blk.id)
            .join(Regency, Blk.regency_code == Regency.code)
            .where(Batch.status != CANCELLED, *conditions)
            .group_by(*keys)
        )
        places = (
            select(*keys, _count_true(Enrollment.status.in_(SEATED)), func.count())
            .select_from(Enrollment)
            .join(Batch, Enrollment.batch_id == Batch.id)
            .join(Blk, Batch.blk_id == Blk.id)
            .join(Regency, Blk.regency_code == Regency.code)
            .where(Enrollment.status.in_(PLACED), *conditions)
            .group_by(*keys)
        )

        def key(row: Sequence[object]) -> str:
            return str(row[0]) if keys else ""

        held = {
            key(r): (int(r[-2]), int(r[-1]) - int(r[-2]))
            for r in await self.session.execute(places)
        }
        sizes = {key(r): int(r[-1] or 0) for r in await self.session.execute(capacity)}
        return {
            code: (sizes.get(code, 0), *held.get(code, (0, 0)))
            for code in sizes.keys() | held.keys()
        }


def _unit(
    code: str, name: str, people: tuple[int, int] | None, seats: tuple[int, int, int] | None
) -> UnitCounts:
    registrations, phk = people or (0, 0)
    capacity, taken, waitlisted = seats or (0, 0, 0)
    return UnitCounts(code, name, registrations, phk, capacity, taken, waitlisted)
