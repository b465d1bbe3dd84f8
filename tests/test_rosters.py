"""Rosters and exports stay inside the coordinator's scope, checked by the service itself.

The world of tests/test_broadcasts.py: blk-a and blk-b in province 32, blk-c in 51.
Batch a1 holds 101, 106 and 109 (108 gave the seat up, 110 erased their data); a2 has
102 waiting; b1 holds 103, c1 holds 105; 104 and 107 are in no batch.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from bot.coordinators.audiences import NotInScope
from bot.coordinators.exports import ExportService
from bot.coordinators.roles import COUNTRY, RoleService, Scope
from bot.coordinators.rosters import RosterEntry, RosterService
from bot.coordinators.sheets import Column, SheetFormat
from bot.errors import NotPermitted
from bot.privacy import PrivacyService
from bot.registration.personal_data import PersonalDataCipher
from bot.registration.service import RegistrationService
from bot.training.reminders import AttendanceAnswer, save_attendance
from storage.database import Database
from storage.models import AuditEntry, Enrollment, Registration
from tests.clock import FixedClock
from tests.enrollment_setup import NOW
from tests.test_broadcasts import ADMIN, BLK_A, BLK_C, World, build_world

BLK_A_COORDINATOR, PROVINCE_COORDINATOR, BLK_C_COORDINATOR, NATIONAL = 7001, 7002, 7003, 7004
CODE_COLUMNS: list[Column[RosterEntry]] = [Column("Kode", lambda entry: entry.code)]


@pytest.fixture
def roles(db: Database) -> RoleService:
    return RoleService(db, frozenset({ADMIN}))


@pytest.fixture
async def world(db: Database, cipher: PersonalDataCipher, privacy: PrivacyService) -> World:
    return await build_world(db, RegistrationService(db, cipher, clock=FixedClock(NOW)), privacy)


@pytest.fixture
def rosters(db: Database, roles: RoleService, cipher: PersonalDataCipher) -> RosterService:
    return RosterService(db, roles, cipher, clock=FixedClock(NOW))


@pytest.fixture
def exports(db: Database, rosters: RosterService) -> ExportService:
    return ExportService(db, rosters)


@pytest.fixture
async def coordinators(roles: RoleService, world: World) -> None:
    await roles.grant(ADMIN, BLK_A_COORDINATOR, Scope.blk(BLK_A))
    await roles.grant(ADMIN, PROVINCE_COORDINATOR, Scope.province("32"))
    await roles.grant(ADMIN, BLK_C_COORDINATOR, Scope.blk(BLK_C))
    await roles.grant(ADMIN, NATIONAL, COUNTRY)


async def codes_of(db: Database, *telegram_ids: int) -> list[str]:
    async with db.transaction() as session:
        stmt = select(Registration.code).where(Registration.telegram_id.in_(telegram_ids))
        return sorted((await session.execute(stmt)).scalars())


async def test_batches_listed_in_scope_only(
    rosters: RosterService, world: World, coordinators: None
) -> None:
    page = await rosters.batches(BLK_A_COORDINATOR, 0)
    assert {batch.title for batch in page.batches} == {"A satu", "A dua"}
    a1 = next(batch for batch in page.batches if batch.title == "A satu")
    assert (a1.enrolled, a1.waitlisted, a1.capacity, a1.blk_name) == (3, 0, 10, "BLK blk-a")
    a2 = next(batch for batch in page.batches if batch.title == "A dua")
    assert (a2.enrolled, a2.waitlisted) == (0, 1)
    province = await rosters.batches(PROVINCE_COORDINATOR, 0)
    assert {batch.title for batch in province.batches} == {"A satu", "A dua", "B satu"}
    assert len((await rosters.batches(NATIONAL, 0)).batches) == 4
    with pytest.raises(NotPermitted):
        await rosters.batches(5555, 0)


async def test_roster_of_a_batch(
    db: Database, rosters: RosterService, world: World, coordinators: None
) -> None:
    async with db.transaction() as session:
        first = (
            await session.execute(
                select(Enrollment.id)
                .join(Registration)
                .where(Registration.telegram_id == 101, Enrollment.status == "active")
            )
        ).scalar_one()
        await save_attendance(session, first, AttendanceAnswer.YES, NOW)
    roster = await rosters.roster(BLK_A_COORDINATOR, world.batches["a1"])
    assert [entry.full_name for entry in roster.entries] == [
        "Peserta 101",
        "Peserta 106",
        "Peserta 109",
    ]
    entry = roster.entries[0]
    assert entry.phone == "+6281234567890"  # in full: coordinators call people
    assert entry.nik_masked.count("*") == 8
    assert (entry.status, entry.waitlist_position, entry.attendance) == (
        "active",
        None,
        AttendanceAnswer.YES,
    )
    assert entry.enrolled_at is not None and entry.enrolled_at.tzname() == "WIB"
    waiting = await rosters.roster(PROVINCE_COORDINATOR, world.batches["a2"])
    assert [(e.full_name, e.status, e.waitlist_position) for e in waiting.entries] == [
        ("Peserta 102", "waitlisted", 1)
    ]


async def test_batches_outside_the_scope_are_refused_like_unknown_ones(
    rosters: RosterService, exports: ExportService, world: World, coordinators: None
) -> None:
    refused = [
        (BLK_A_COORDINATOR, world.batches["b1"]),
        (BLK_A_COORDINATOR, world.batches["c1"]),
        (PROVINCE_COORDINATOR, world.batches["c1"]),
        (BLK_C_COORDINATOR, world.batches["a1"]),
        (NATIONAL, 999_999),
    ]
    for actor, batch_id in refused:
        with pytest.raises(NotInScope):
            await rosters.roster(actor, batch_id)
        with pytest.raises(NotInScope):
            async with exports.batch_sheet(actor, batch_id, SheetFormat.XLSX, CODE_COLUMNS):
                pytest.fail("a file was made")
    with pytest.raises(NotPermitted):
        await rosters.roster(5555, world.batches["a1"])


def read_codes(path: Path) -> list[str]:
    if path.suffix == ".xlsx":
        rows = openpyxl.load_workbook(path).active.iter_rows(min_row=2, values_only=True)
        return sorted(str(row[0]) for row in rows)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return sorted(row[0] for row in list(csv.reader(handle))[1:])


@pytest.mark.parametrize("fmt", list(SheetFormat))
async def test_registrants_export_follows_the_scope_rule(
    db: Database, exports: ExportService, world: World, coordinators: None, fmt: SheetFormat
) -> None:
    expected = {
        BLK_A_COORDINATOR: (101, 102, 106, 109),
        PROVINCE_COORDINATOR: (101, 102, 103, 104, 106, 108, 109),
        BLK_C_COORDINATOR: (105,),
        NATIONAL: tuple(range(101, 110)),
    }
    for actor, people in expected.items():
        async with exports.registrants_sheet(actor, fmt, CODE_COLUMNS) as sheet:
            assert sheet.rows == len(people)
            assert read_codes(sheet.path) == await codes_of(db, *people)
        assert not sheet.path.exists()
    with pytest.raises(NotPermitted):
        async with exports.registrants_sheet(5555, fmt, CODE_COLUMNS):
            pytest.fail("a file was made")


async def test_views_and_exports_are_audited_without_personal_data(
    db: Database, rosters: RosterService, exports: ExportService, world: World, coordinators: None
) -> None:
    a1 = world.batches["a1"]
    await rosters.roster(BLK_A_COORDINATOR, a1)
    async with exports.batch_sheet(BLK_A_COORDINATOR, a1, SheetFormat.CSV, CODE_COLUMNS):
        pass
    async with exports.registrants_sheet(PROVINCE_COORDINATOR, SheetFormat.XLSX, CODE_COLUMNS):
        pass
    async with db.transaction() as session:
        stmt = select(AuditEntry).where(AuditEntry.action.like("r%")).order_by(AuditEntry.id)
        entries = list((await session.execute(stmt)).scalars())
    blk = {"kind": "blk", "code": BLK_A}
    assert [(e.actor_id, e.action, json.loads(e.details)) for e in entries] == [
        (BLK_A_COORDINATOR, "roster.viewed", {"scope": blk, "batch_id": a1, "rows": 3}),
        (
            BLK_A_COORDINATOR,
            "roster.exported",
            {"scope": blk, "batch_id": a1, "format": "csv", "rows": 3},
        ),
        (
            PROVINCE_COORDINATOR,
            "registrants.exported",
            {"scope": {"kind": "province", "code": "32"}, "format": "xlsx", "rows": 7},
        ),
    ]
