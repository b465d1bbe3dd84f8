"""Who receives a broadcast: an audience intersected with the sender's scope.

Rules, for every audience and scope alike:

- a participant is a registration; people who erased their data have none and are never
  counted, and chats in `unreachable_chats` (they blocked the bot) are left out;
- "enrolled at a BLK / in a batch" means a live enrollment (seat or waitlist place);
- a participant belongs to a province when they live there (domicile on the registration)
  OR hold a place in a batch of a BLK there. The province audience and the province
  scope both use this one rule, so a province coordinator reaches the people who may
  join their BLKs as well as everyone training at them, and never anybody else;
- a BLK scope covers the people enrolled at that BLK.

The audience is checked against the scope (a target outside it is refused as if it did
not exist, so nothing leaks about other regions) and then intersected with it in SQL.

Targets may be typed by name: provinces and BLKs through `PlaceFinder` (BLKs of the
coordinator's province only; a name that fits BLKs elsewhere is reported as outside the
scope, since the BLK directory is public), batches by title or BLK name among those not
yet ended. Pickers offer only batches that have not ended.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.coordinators.place_finder import PlaceChoice, PlaceFinder, closest
from bot.coordinators.roles import Scope, ScopeKind
from bot.errors import N_, DomainError
from bot.registration.participants import Sector
from storage.coordinator_repository import (
    AudienceRepository,
    BatchRow,
    Condition,
    PlaceRepository,
    completed_training,
    enrolled_anywhere,
    enrolled_at_blk,
    enrolled_in_batch,
    in_province,
    in_sector,
    phk_affected,
)
from storage.database import Database


class AudienceKind(StrEnum):
    ALL = "all"
    PROVINCE = "prov"
    BLK = "blk"
    BATCH = "batch"
    PHK = "phk"
    UNENROLLED = "unenr"
    COMPLETED = "done"  # passed a completed batch: business matching, market events
    COMPLETED_SECTOR = "dsec"  # the same, in one business sector (the target)


NEEDS_TARGET = frozenset(
    {AudienceKind.PROVINCE, AudienceKind.BLK, AudienceKind.BATCH, AudienceKind.COMPLETED_SECTOR}
)

_CHOICES = {
    ScopeKind.COUNTRY: list(AudienceKind),
    # The province itself is "all"; another province is out of scope.
    ScopeKind.PROVINCE: [
        AudienceKind.ALL,
        AudienceKind.BLK,
        AudienceKind.BATCH,
        AudienceKind.PHK,
        AudienceKind.UNENROLLED,
        AudienceKind.COMPLETED,
        AudienceKind.COMPLETED_SECTOR,
    ],
    # Everyone in a BLK scope is enrolled there, so "not enrolled" would always be empty.
    ScopeKind.BLK: [
        AudienceKind.ALL,
        AudienceKind.BATCH,
        AudienceKind.PHK,
        AudienceKind.COMPLETED,
        AudienceKind.COMPLETED_SECTOR,
    ],
}


def choices(scope: Scope) -> list[AudienceKind]:
    """The audiences offered to a scope, in menu order."""
    return list(_CHOICES[scope.kind])


@dataclass(frozen=True)
class Audience:
    kind: AudienceKind
    target: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {"kind": self.kind.value, "target": self.target}

    @classmethod
    def from_dict(cls, data: dict[str, str | None]) -> Audience:
        return cls(AudienceKind(data["kind"]), data.get("target"))


@dataclass(frozen=True)
class ResolvedAudience:
    """An audience checked against a scope, with the names a preview shows."""

    audience: Audience
    place: str | None = None
    batch_title: str | None = None


@dataclass(frozen=True)
class Matches:
    """What a typed target found: one clear audience, or choices inside the scope, or
    nothing inside it (`outside`: the name fits places outside the scope)."""

    found: ResolvedAudience | None = None
    places: list[PlaceChoice] = field(default_factory=list)
    batches: list[BatchRow] = field(default_factory=list)
    outside: bool = False


class NotInScope(DomainError):
    """Unknown target, or one outside the sender's scope: the same answer for both."""

    key = N_("error-stale-button")


def scope_conditions(scope: Scope) -> list[Condition]:
    """Registrations a coordinator of `scope` may reach; broadcasts and statistics agree."""
    if scope.kind is ScopeKind.PROVINCE and scope.code:
        return [in_province(scope.code)]
    if scope.kind is ScopeKind.BLK and scope.code:
        return [enrolled_at_blk(scope.code)]
    return []


def _audience_conditions(audience: Audience) -> list[Condition]:
    target = audience.target or ""
    match audience.kind:
        case AudienceKind.PROVINCE:
            return [in_province(target)]
        case AudienceKind.BLK:
            return [enrolled_at_blk(target)]
        case AudienceKind.BATCH:
            return [enrolled_in_batch(int(target))]
        case AudienceKind.PHK:
            return [phk_affected()]
        case AudienceKind.UNENROLLED:
            return [~enrolled_anywhere()]
        case AudienceKind.COMPLETED:
            return [completed_training()]
        case AudienceKind.COMPLETED_SECTOR:
            return [completed_training(), in_sector(target)]
    return []


class AudienceService:
    def __init__(self, db: Database, places: PlaceFinder, clock: Clock) -> None:
        self._db = db
        self._places = places
        self._clock = clock

    async def resolve(self, scope: Scope, audience: Audience) -> ResolvedAudience:
        async with self._db.transaction() as session:
            return await self.resolve_in(session, scope, audience)

    async def count(self, scope: Scope, audience: Audience) -> int:
        """The exact number `recipients` would return now."""
        async with self._db.transaction() as session:
            await self.resolve_in(session, scope, audience)
            return await AudienceRepository(session).count(self._conditions(scope, audience))

    async def recipients(self, scope: Scope, audience: Audience) -> list[int]:
        async with self._db.transaction() as session:
            return await self.recipients_in(session, scope, audience)

    async def recipients_in(
        self, session: AsyncSession, scope: Scope, audience: Audience
    ) -> list[int]:
        """Telegram ids in ascending order, inside the caller's transaction."""
        await self.resolve_in(session, scope, audience)
        return await AudienceRepository(session).telegram_ids(self._conditions(scope, audience))

    async def resolve_in(
        self, session: AsyncSession, scope: Scope, audience: Audience
    ) -> ResolvedAudience:
        """Raises `NotInScope` unless the audience is offered to the scope and its target
        exists inside it."""
        if audience.kind not in choices(scope):
            raise NotInScope
        if audience.kind not in NEEDS_TARGET:
            if audience.target is not None:
                raise NotInScope
            return ResolvedAudience(audience)
        target = audience.target or ""
        if audience.kind is AudienceKind.COMPLETED_SECTOR:
            if target not in set(Sector):
                raise NotInScope
            return ResolvedAudience(audience, place=target)
        places = PlaceRepository(session)
        if audience.kind is AudienceKind.PROVINCE:
            name = await places.province_name(target)
            if name is None:
                raise NotInScope
            return ResolvedAudience(audience, place=name)
        if audience.kind is AudienceKind.BLK:
            blk = await places.blk(target)
            if blk is None or not scope.covers(target, blk[1]):
                raise NotInScope
            return ResolvedAudience(audience, place=blk[0])
        batch = await places.batch(int(target)) if target.isdigit() else None
        if batch is None or not scope.covers(batch[1], batch[3]):
            raise NotInScope
        return ResolvedAudience(audience, place=batch[2], batch_title=batch[0])

    async def find(self, scope: Scope, kind: AudienceKind, typed: str) -> Matches:
        """A target typed for `kind`: a province by code or name, a BLK by id or name, a
        batch by the id from the schedule CSV, its number ("#12"), or its title or BLK."""
        text = " ".join(typed.split())
        if kind not in NEEDS_TARGET or kind not in choices(scope) or not text:
            return Matches()
        if kind is AudienceKind.COMPLETED_SECTOR:  # chosen by button only
            return Matches()
        if kind is AudienceKind.BATCH:
            return await self._find_batch(scope, text)
        province = scope.code if scope.kind is ScopeKind.PROVINCE else None
        place_kind = ScopeKind.PROVINCE if kind is AudienceKind.PROVINCE else ScopeKind.BLK
        found = await self._places.find(place_kind, text, province=province)
        if len(found) == 1:
            audience = Audience(kind, found[0].scope.code)
            return Matches(found=await self.resolve(scope, audience))
        outside = (
            not found and province is not None and bool(await self._places.find(place_kind, text))
        )
        return Matches(places=found, outside=outside)

    async def _find_batch(self, scope: Scope, text: str) -> Matches:
        async with self._db.transaction() as session:
            by_code = await PlaceRepository(session).batch_id_by_code(text)
            number = text.removeprefix("#")
            target = str(by_code) if by_code is not None else number if number.isdigit() else None
            if target is not None:
                try:
                    audience = Audience(AudienceKind.BATCH, target)
                    return Matches(found=await self.resolve_in(session, scope, audience))
                except NotInScope:
                    return Matches()
        batches = {str(b.id): b for b in await self.batches_in(scope, limit=None)}
        fitting = closest(text, {key: f"{b.title} {b.blk_name}" for key, b in batches.items()})
        if len(fitting) == 1:
            audience = Audience(AudienceKind.BATCH, fitting[0])
            return Matches(found=await self.resolve(scope, audience))
        return Matches(batches=[batches[key] for key in fitting])

    async def blks_in(self, scope: Scope, limit: int) -> list[tuple[str, str]]:
        """(id, name) of BLKs a scope may address, by name, at most `limit`."""
        if scope.kind is ScopeKind.BLK:
            return []
        province = scope.code if scope.kind is ScopeKind.PROVINCE else None
        async with self._db.transaction() as session:
            return await PlaceRepository(session).blks(province, limit)

    async def batches_in(self, scope: Scope, limit: int | None) -> list[BatchRow]:
        """Batches a scope may address that have not ended, soonest start first."""
        blk = scope.code if scope.kind is ScopeKind.BLK else None
        province = scope.code if scope.kind is ScopeKind.PROVINCE else None
        async with self._db.transaction() as session:
            return await PlaceRepository(session).batches(
                blk_id=blk, province_code=province, ending_after=self._clock.now(), limit=limit
            )

    @staticmethod
    def _conditions(scope: Scope, audience: Audience) -> list[Condition]:
        return scope_conditions(scope) + _audience_conditions(audience)
