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
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from bot.coordinators.roles import Scope, ScopeKind
from bot.errors import N_, DomainError
from storage.coordinator_repository import (
    AudienceRepository,
    Condition,
    PlaceRepository,
    enrolled_anywhere,
    enrolled_at_blk,
    enrolled_in_batch,
    in_province,
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


NEEDS_TARGET = frozenset({AudienceKind.PROVINCE, AudienceKind.BLK, AudienceKind.BATCH})

_CHOICES = {
    ScopeKind.COUNTRY: list(AudienceKind),
    # The province itself is "all"; another province is out of scope.
    ScopeKind.PROVINCE: [
        AudienceKind.ALL,
        AudienceKind.BLK,
        AudienceKind.BATCH,
        AudienceKind.PHK,
        AudienceKind.UNENROLLED,
    ],
    # Everyone in a BLK scope is enrolled there, so "not enrolled" would always be empty.
    ScopeKind.BLK: [AudienceKind.ALL, AudienceKind.BATCH, AudienceKind.PHK],
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
class BatchChoice:
    id: int
    title: str
    external_id: str | None


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
    return []


class AudienceService:
    def __init__(self, db: Database) -> None:
        self._db = db

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
        places = PlaceRepository(session)
        target = audience.target or ""
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

    async def find(self, scope: Scope, kind: AudienceKind, typed: str) -> ResolvedAudience:
        """An audience from a typed target: a BLK id, a batch id from the schedule CSV
        (or its number, "#12"), or a province code."""
        text = typed.strip()
        async with self._db.transaction() as session:
            target: str | None = text
            if kind is AudienceKind.BATCH:
                found = await PlaceRepository(session).batch_id_by_code(text)
                number = text.removeprefix("#")
                target = str(found) if found is not None else number if number.isdigit() else None
            if not target or kind not in NEEDS_TARGET:
                raise NotInScope
            return await self.resolve_in(session, scope, Audience(kind, target))

    async def blks_in(self, scope: Scope, limit: int) -> list[tuple[str, str]]:
        """(id, name) of BLKs a scope may address, by name, at most `limit`."""
        if scope.kind is ScopeKind.BLK:
            return []
        province = scope.code if scope.kind is ScopeKind.PROVINCE else None
        async with self._db.transaction() as session:
            return await PlaceRepository(session).blks(province, limit)

    async def batches_in(self, scope: Scope, limit: int) -> list[BatchChoice]:
        """Batches a scope may address, newest start first, at most `limit`."""
        blk = scope.code if scope.kind is ScopeKind.BLK else None
        province = scope.code if scope.kind is ScopeKind.PROVINCE else None
        async with self._db.transaction() as session:
            rows = await PlaceRepository(session).batches(
                blk_id=blk, province_code=province, limit=limit
            )
        return [BatchChoice(*row) for row in rows]

    @staticmethod
    def _conditions(scope: Scope, audience: Audience) -> list[Condition]:
        return scope_conditions(scope) + _audience_conditions(audience)
