"""Who may act for the programme: admins (from settings) and coordinators (in the database).

Admins cover the whole country and grant or revoke the coordinator role. A coordinator's
scope is the country, one province (Kemendagri code, "32") or one BLK (directory id);
every coordinator tool narrows what it shows and does to that scope.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import ClassVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.audit import AuditAction, record
from bot.clock import Clock
from bot.errors import N_, DomainError, NotPermitted
from storage.coordinator_repository import CoordinatorRepository, PlaceRepository
from storage.database import Database
from storage.models import Coordinator


class ScopeKind(StrEnum):
    COUNTRY = "country"
    PROVINCE = "province"
    BLK = "blk"


@dataclass(frozen=True)
class Scope:
    kind: ScopeKind
    code: str | None = None

    @classmethod
    def country(cls) -> Scope:
        return cls(ScopeKind.COUNTRY)

    @classmethod
    def province(cls, code: str) -> Scope:
        return cls(ScopeKind.PROVINCE, code)

    @classmethod
    def blk(cls, blk_id: str) -> Scope:
        return cls(ScopeKind.BLK, blk_id)

    def as_dict(self) -> dict[str, str | None]:
        return {"kind": self.kind.value, "code": self.code}

    def covers(self, blk_id: str, province_code: str) -> bool:
        """Whether a BLK (in the province with `province_code`) lies inside this scope."""
        if self.kind is ScopeKind.PROVINCE:
            return province_code == self.code
        if self.kind is ScopeKind.BLK:
            return blk_id == self.code
        return True


COUNTRY = Scope.country()


@dataclass(frozen=True)
class CoordinatorView:
    telegram_id: int
    scope: Scope
    place_name: str | None
    granted_by: int
    granted_at: datetime


@dataclass(frozen=True)
class Grant:
    coordinator: CoordinatorView
    previous: Scope | None


class AlreadyAdmin(DomainError):
    """Admins cover the whole country already; a coordinator row would only confuse."""

    key = N_("coord-is-admin")


class UnknownPlace(DomainError):
    keys: ClassVar[dict[ScopeKind, str]] = {
        ScopeKind.PROVINCE: N_("coord-unknown-province"),
        ScopeKind.BLK: N_("coord-unknown-blk"),
    }

    def __init__(self, scope: Scope) -> None:
        super().__init__(self.keys[scope.kind], code=scope.code or "")
        self.scope = scope


class RoleCommandKind(StrEnum):
    LIST = "list"
    GRANT = "grant"
    REVOKE = "revoke"
    BLKS = "blks"  # BLKs with their ids, all or of one province
    USAGE = "usage"


@dataclass(frozen=True)
class PlaceQuery:
    """A place as typed: a code, an id or a name, with its kind when the admin said it."""

    kind: ScopeKind | None
    text: str


@dataclass(frozen=True)
class RoleCommand:
    kind: RoleCommandKind
    telegram_id: int | None = None
    scope: Scope | None = None  # the whole country: nothing to look up
    place: PlaceQuery | None = None  # a province or BLK still to be found


_COUNTRY_WORDS = {"negara", "nasional", "indonesia", "country"}
_PROVINCE_WORDS = {"provinsi", "prov", "province"}
_ADD_WORDS = {"tambah", "add", "beri"}
_REMOVE_WORDS = {"hapus", "cabut", "remove"}
_BLK_WORDS = {"blk"}
_TELEGRAM_ID = re.compile(r"[1-9][0-9]{0,15}")
MAX_PLACE_TEXT = 100


def _place(words: list[str]) -> Scope | PlaceQuery | None:
    """`negara`, or a province or BLK by code, id or name, optionally after `provinsi` or
    `blk` ("provinsi jabar", "blk bbpvp-bekasi", "Kota Bekasi"); None when nothing is given."""
    if len(words) == 1 and words[0].lower() in _COUNTRY_WORDS:
        return COUNTRY
    kind = None
    if len(words) > 1 and words[0].lower() in _PROVINCE_WORDS:
        kind, words = ScopeKind.PROVINCE, words[1:]
    elif len(words) > 1 and words[0].lower() in _BLK_WORDS:
        kind, words = ScopeKind.BLK, words[1:]
    text = " ".join(words)[:MAX_PLACE_TEXT]
    return PlaceQuery(kind, text) if text else None


def parse_role_command(args: str | None) -> RoleCommand:
    """The text after /koordinator: nothing (list), `blk [province]`, tambah or hapus;
    anything else: usage."""
    words = (args or "").split()
    if not words:
        return RoleCommand(RoleCommandKind.LIST)
    action, rest = words[0].lower(), words[1:]
    if action in _BLK_WORDS:
        province = " ".join(rest)[:MAX_PLACE_TEXT]
        return RoleCommand(RoleCommandKind.BLKS, place=PlaceQuery(ScopeKind.PROVINCE, province))
    if not rest or not _TELEGRAM_ID.fullmatch(rest[0]):
        return RoleCommand(RoleCommandKind.USAGE)
    telegram_id = int(rest[0])
    if action in _REMOVE_WORDS and len(rest) == 1:
        return RoleCommand(RoleCommandKind.REVOKE, telegram_id)
    place = _place(rest[1:])
    if action in _ADD_WORDS and isinstance(place, Scope):
        return RoleCommand(RoleCommandKind.GRANT, telegram_id, scope=place)
    if action in _ADD_WORDS and place is not None:
        return RoleCommand(RoleCommandKind.GRANT, telegram_id, place=place)
    return RoleCommand(RoleCommandKind.USAGE)


async def place_name(places: PlaceRepository, scope: Scope) -> str | None:
    """The province's or BLK's name; None for the country or a place that is gone."""
    if scope.kind is ScopeKind.PROVINCE and scope.code:
        return await places.province_name(scope.code)
    if scope.kind is ScopeKind.BLK and scope.code:
        found = await places.blk(scope.code)
        return found[0] if found else None
    return None


def _scope_of(row: Coordinator) -> Scope:
    return Scope(ScopeKind(row.scope_kind), row.scope_code)


class RoleService:
    def __init__(self, db: Database, admin_ids: frozenset[int], clock: Clock | None = None) -> None:
        self._db = db
        self._admin_ids = admin_ids
        self.clock = clock or Clock()

    @property
    def admin_ids(self) -> frozenset[int]:
        return self._admin_ids

    def is_admin(self, telegram_id: int) -> bool:
        return telegram_id in self._admin_ids

    async def scope_of(self, telegram_id: int) -> Scope | None:
        """The whole country for admins, the granted scope for coordinators, else None."""
        if self.is_admin(telegram_id):
            return COUNTRY
        async with self._db.transaction() as session:
            return await self.scope_in(session, telegram_id)

    async def scope_in(self, session: AsyncSession, telegram_id: int) -> Scope | None:
        """`scope_of` inside the caller's transaction, so an action sees the role it checks."""
        if self.is_admin(telegram_id):
            return COUNTRY
        row = await CoordinatorRepository(session).get(telegram_id)
        return _scope_of(row) if row else None

    async def coordinators(self) -> list[CoordinatorView]:
        async with self._db.transaction() as session:
            places = PlaceRepository(session)
            rows = await CoordinatorRepository(session).all()
            return [await self._view(places, row) for row in rows]

    async def grant(self, actor: int, telegram_id: int, scope: Scope) -> Grant:
        """Give (or change) the role; the place must exist. Audited."""
        self._require_admin(actor)
        if self.is_admin(telegram_id):
            raise AlreadyAdmin(telegram_id=telegram_id)
        async with self._db.transaction() as session:
            places = PlaceRepository(session)
            if scope.kind is not ScopeKind.COUNTRY and await place_name(places, scope) is None:
                raise UnknownPlace(scope)
            coordinators = CoordinatorRepository(session)
            row = await coordinators.get(telegram_id)
            previous = _scope_of(row) if row else None
            if row is None:
                row = Coordinator(telegram_id=telegram_id, granted_by=actor)
                coordinators.add(row)
            row.scope_kind, row.scope_code = scope.kind.value, scope.code
            row.granted_by, row.granted_at = actor, self.clock.now()
            await session.flush()
            record(
                session,
                actor,
                AuditAction.COORDINATOR_GRANTED,
                telegram_id=telegram_id,
                scope=scope.as_dict(),
                previous=previous.as_dict() if previous else None,
            )
            return Grant(await self._view(places, row), previous)

    async def revoke(self, actor: int, telegram_id: int) -> Scope | None:
        """Take the role away; returns the scope it had, None if there was none."""
        self._require_admin(actor)
        async with self._db.transaction() as session:
            coordinators = CoordinatorRepository(session)
            row = await coordinators.get(telegram_id)
            if row is None:
                return None
            scope = _scope_of(row)
            await coordinators.delete(telegram_id)
            record(
                session,
                actor,
                AuditAction.COORDINATOR_REVOKED,
                telegram_id=telegram_id,
                scope=scope.as_dict(),
            )
            return scope

    def _require_admin(self, actor: int) -> None:
        if not self.is_admin(actor):
            raise NotPermitted

    @staticmethod
    async def _view(places: PlaceRepository, row: Coordinator) -> CoordinatorView:
        scope = _scope_of(row)
        return CoordinatorView(
            row.telegram_id, scope, await place_name(places, scope), row.granted_by, row.granted_at
        )
