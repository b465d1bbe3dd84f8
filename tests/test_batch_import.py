"""Batch schedule CSVs: local times to UTC, upsert by id, every rejection reason."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.csv_table import TableError, TableProblem
from bot.registration.personal_data import PersonalDataCipher
from bot.training.batch_csv import BatchReject
from bot.training.batch_import import BatchImporter
from bot.training.eligibility import EligibilityRules
from bot.training.enrollment import EnrollmentService
from storage.database import Database
from tests.clock import FixedClock
from tests.enrollment_setup import NOW, add_blk, register

HEADER = (
    "id,blk_id,title,start_date,end_date,daily_start,daily_end,capacity,"
    "registration_deadline,status"
)


def csv(*rows: str, header: str = HEADER) -> bytes:
    return "\n".join([header, *rows]).encode()


@pytest.fixture
async def importer(db: Database) -> BatchImporter:
    await add_blk(db, "blk-jkt", province="32")
    await add_blk(db, "blk-papua", province="91")
    return BatchImporter(db)


async def test_local_times_become_utc_and_reimport_is_idempotent(
    importer: BatchImporter, db: Database, cipher: PersonalDataCipher
) -> None:
    data = csv(
        "b1,blk-jkt,Kuliner,2027-01-11,2027-01-16,08:00,16:00,25,2027-01-04,open",
        "b2,blk-papua,Kerajinan,01/02/2027,06/02/2027,08.00,15.30,10,,",
    )
    report = await importer.import_csv(data)
    assert (report.added, report.updated, report.unchanged, report.rejected) == (2, 0, 0, [])
    again = await importer.import_csv(data)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)
    service = EnrollmentService(db, cipher, EligibilityRules(), clock=FixedClock(NOW))
    papua = (await service.open_batches("blk-papua"))[0]
    assert papua.starts_at == datetime(2027, 1, 31, 23, 0, tzinfo=UTC)  # 08:00 WIT
    assert papua.registration_deadline == datetime(2027, 1, 31, 14, 59, 59, tzinfo=UTC)
    jakarta = (await service.open_batches("blk-jkt"))[0]
    assert jakarta.starts_at == datetime(2027, 1, 11, 1, 0, tzinfo=UTC)  # 08:00 WIB
    assert jakarta.ends_at == datetime(2027, 1, 16, 9, 0, tzinfo=UTC)
    changed = await importer.import_csv(
        csv("b1,blk-jkt,Kuliner Lanjutan,2027-01-11,2027-01-16,08:00,16:00,30,2027-01-04,open")
    )
    assert (changed.added, changed.updated) == (0, 1)


@pytest.mark.parametrize(
    ("row", "reason", "field"),
    [
        ("x,blk-jkt,,2027-01-11,2027-01-16,08:00,16:00,5,,", BatchReject.MISSING_FIELD, "title"),
        ("x,blk-jkt,T,2027-02-30,2027-03-01,08:00,16:00,5,,", BatchReject.BAD_DATE, "start_date"),
        ("x,blk-jkt,T,2027-01-11,2027-01-16,8am,16:00,5,,", BatchReject.BAD_TIME, "daily_start"),
        ("x,blk-jkt,T,2027-01-11,2027-01-16,08:00,16:00,0,,", BatchReject.BAD_CAPACITY, "capacity"),
        (
            "x,blk-jkt,T,2027-01-11,2027-01-16,08:00,16:00,lima,,",
            BatchReject.BAD_CAPACITY,
            "capacity",
        ),
        (
            "x,blk-jkt,T,2027-01-16,2027-01-11,08:00,16:00,5,,",
            BatchReject.END_BEFORE_START,
            "end_date",
        ),
        (
            "x,blk-jkt,T,2027-01-11,2027-01-16,16:00,08:00,5,,",
            BatchReject.END_BEFORE_START,
            "daily_end",
        ),
        (
            "x,blk-jkt,T,2027-01-11,2027-01-16,08:00,16:00,5,2027-01-12,",
            BatchReject.DEADLINE_AFTER_START,
            "registration_deadline",
        ),
        ("x,blk-jkt,T,2027-01-11,2027-01-16,08:00,16:00,5,,soon", BatchReject.BAD_STATUS, "status"),
        (
            "x,blk-nowhere,T,2027-01-11,2027-01-16,08:00,16:00,5,,",
            BatchReject.UNKNOWN_BLK,
            "blk_id",
        ),
    ],
)
async def test_rejected_rows_say_why(
    importer: BatchImporter, row: str, reason: BatchReject, field: str
) -> None:
    report = await importer.import_csv(csv(row))
    assert report.added == 0
    assert [(r.line, r.id, r.reason, r.field) for r in report.rejected] == [(2, "x", reason, field)]


async def test_duplicates_and_capacity_below_seats_taken(
    importer: BatchImporter, db: Database, cipher: PersonalDataCipher
) -> None:
    from bot.registration.service import RegistrationService

    row = "b1,blk-jkt,T,2027-01-11,2027-01-16,08:00,16:00,{cap},,"
    await importer.import_csv(csv(row.format(cap=2)))
    registrations = RegistrationService(db, cipher, clock=FixedClock(NOW))
    service = EnrollmentService(db, cipher, EligibilityRules(), clock=FixedClock(NOW))
    batch_id = (await service.open_batches("blk-jkt"))[0].id
    for user in (1, 2):
        await register(registrations, user, serial=user)
        await service.enroll(user, batch_id, waitlist=False)
    report = await importer.import_csv(csv(row.format(cap=1)))
    assert [r.reason for r in report.rejected] == [BatchReject.CAPACITY_BELOW_TAKEN]
    dupes = await importer.import_csv(csv(row.format(cap=3), row.format(cap=4)))
    assert [r.reason for r in dupes.rejected] == [BatchReject.DUPLICATE_ID_IN_FILE] * 2


async def test_spreadsheet_quirks_and_whole_file_problems(importer: BatchImporter) -> None:
    semicolons = (
        "\ufeff"
        + HEADER.replace(",", ";")
        + "\n"
        + "b9;blk-jkt;T;2027-01-11;2027-01-16;08:00;16:00;5;;"
    )
    assert (await importer.import_csv(semicolons.encode())).added == 1
    with pytest.raises(TableError) as missing:
        await importer.import_csv(b"id,blk_id,title\nb1,blk-jkt,T")
    assert missing.value.problem is TableProblem.MISSING_COLUMNS
    assert "capacity" in missing.value.columns
    with pytest.raises(TableError) as latin:
        await importer.import_csv(HEADER.encode() + b"\nb1,blk-jkt,Caf\xe9,2027-01-11")
    assert latin.value.problem is TableProblem.NOT_UTF8 and latin.value.line == 2
    with pytest.raises(TableError) as empty:
        await importer.import_csv(b"  \n")
    assert empty.value.problem is TableProblem.EMPTY_FILE
