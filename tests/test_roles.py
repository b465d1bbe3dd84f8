"""Roles and scopes: parsing /koordinator, granting and revoking, and the audit log."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from bot.audit import AuditAction, record
from bot.coordinators.roles import (
    COUNTRY,
    AlreadyAdmin,
    PlaceQuery,
    RoleCommand,
    RoleCommandKind,
    RoleService,
    Scope,
    ScopeKind,
    UnknownPlace,
    parse_role_command,
)
from bot.errors import NotPermitted
from storage.database import Database
from storage.models import AuditEntry
from tests.enrollment_setup import add_blk

ADMIN = 9000


@pytest.fixture
def roles(db: Database) -> RoleService:
    return RoleService(db, frozenset({ADMIN}))


async def audit_rows(db: Database) -> list[tuple[int, str, dict[str, object]]]:
    async with db.transaction() as session:
        rows = (await session.execute(select(AuditEntry).order_by(AuditEntry.id))).scalars()
        return [(r.actor_id, r.action, json.loads(r.details)) for r in rows]


def grant(telegram_id: int, kind: ScopeKind | None, text: str) -> RoleCommand:
    return RoleCommand(RoleCommandKind.GRANT, telegram_id, place=PlaceQuery(kind, text))


def blks(province: str) -> RoleCommand:
    return RoleCommand(RoleCommandKind.BLKS, place=PlaceQuery(ScopeKind.PROVINCE, province))


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (None, RoleCommand(RoleCommandKind.LIST)),
        ("  ", RoleCommand(RoleCommandKind.LIST)),
        ("tambah 123 negara", RoleCommand(RoleCommandKind.GRANT, 123, COUNTRY)),
        ("add 123 country", RoleCommand(RoleCommandKind.GRANT, 123, COUNTRY)),
        ("tambah 123 provinsi 32", grant(123, ScopeKind.PROVINCE, "32")),
        ("Tambah 123 Province 51", grant(123, ScopeKind.PROVINCE, "51")),
        ("tambah 123 provinsi jawa  barat", grant(123, ScopeKind.PROVINCE, "jawa barat")),
        ("tambah 123 blk ppkd-x", grant(123, ScopeKind.BLK, "ppkd-x")),
        ("tambah 123 BLK Kota Bekasi", grant(123, ScopeKind.BLK, "Kota Bekasi")),
        ("tambah 123 jabar", grant(123, None, "jabar")),
        ("tambah 123 blk", grant(123, None, "blk")),
        ("hapus 123", RoleCommand(RoleCommandKind.REVOKE, 123)),
        ("remove 123", RoleCommand(RoleCommandKind.REVOKE, 123)),
        ("blk", blks("")),
        ("blk jawa barat", blks("jawa barat")),
        ("tambah 123", RoleCommand(RoleCommandKind.USAGE)),
        ("tambah abc negara", RoleCommand(RoleCommandKind.USAGE)),
        ("tambah 0123 negara", RoleCommand(RoleCommandKind.USAGE)),
        ("hapus 123 negara", RoleCommand(RoleCommandKind.USAGE)),
    ],
)
def test_parse_role_command(args: str | None, expected: RoleCommand) -> None:
    assert parse_role_command(args) == expected


async def test_scope_of_admin_coordinator_and_anyone_else(db: Database, roles: RoleService) -> None:
    await add_blk(db, "blk-a", "32")
    await roles.grant(ADMIN, 501, Scope.province("32"))
    await roles.grant(ADMIN, 502, Scope.blk("blk-a"))
    assert await roles.scope_of(ADMIN) == COUNTRY
    assert await roles.scope_of(501) == Scope.province("32")
    assert await roles.scope_of(502) == Scope.blk("blk-a")
    assert await roles.scope_of(503) is None


async def test_grant_change_revoke_are_audited(db: Database, roles: RoleService) -> None:
    await add_blk(db, "blk-a", "32")
    first = await roles.grant(ADMIN, 501, Scope.blk("blk-a"))
    assert first.previous is None and first.coordinator.place_name == "BLK blk-a"
    changed = await roles.grant(ADMIN, 501, Scope.province("32"))
    assert changed.previous == Scope.blk("blk-a")
    assert changed.coordinator.place_name == "P32"
    assert [c.telegram_id for c in await roles.coordinators()] == [501]
    assert await roles.revoke(ADMIN, 501) == Scope.province("32")
    assert await roles.revoke(ADMIN, 501) is None
    assert await roles.scope_of(501) is None
    assert await audit_rows(db) == [
        (
            ADMIN,
            "coordinator.granted",
            {"telegram_id": 501, "scope": {"kind": "blk", "code": "blk-a"}, "previous": None},
        ),
        (
            ADMIN,
            "coordinator.granted",
            {
                "telegram_id": 501,
                "scope": {"kind": "province", "code": "32"},
                "previous": {"kind": "blk", "code": "blk-a"},
            },
        ),
        (
            ADMIN,
            "coordinator.revoked",
            {"telegram_id": 501, "scope": {"kind": "province", "code": "32"}},
        ),
    ]


async def test_refusals_change_nothing(db: Database, roles: RoleService) -> None:
    await add_blk(db, "blk-a", "32")
    with pytest.raises(UnknownPlace):
        await roles.grant(ADMIN, 501, Scope.province("99"))
    with pytest.raises(UnknownPlace):
        await roles.grant(ADMIN, 501, Scope.blk("blk-nowhere"))
    with pytest.raises(AlreadyAdmin):
        await roles.grant(ADMIN, ADMIN, COUNTRY)
    await roles.grant(ADMIN, 501, COUNTRY)
    # A coordinator, even a national one, cannot hand out or take away roles.
    with pytest.raises(NotPermitted):
        await roles.grant(501, 502, COUNTRY)
    with pytest.raises(NotPermitted):
        await roles.revoke(501, 501)
    assert [c.telegram_id for c in await roles.coordinators()] == [501]
    assert [action for _actor, action, _details in await audit_rows(db)] == ["coordinator.granted"]


async def test_audit_refuses_personal_data(db: Database) -> None:
    async with db.transaction() as session:
        with pytest.raises(ValueError, match="nik"):
            record(session, ADMIN, AuditAction.BROADCAST_CREATED, nik="3201011201900001")
        with pytest.raises(ValueError, match="phone"):
            record(session, ADMIN, AuditAction.BROADCAST_CREATED, row={"phone": "0812"})
        with pytest.raises(ValueError, match="text"):
            record(session, ADMIN, AuditAction.BROADCAST_CREATED, rows=[{"text": "hi"}])
    assert await audit_rows(db) == []
