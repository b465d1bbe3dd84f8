"""Schedule rows that reach the people in a batch: a row cancelling it ends every seat and
waitlist place and tells each holder once, as cancelling in chat does; a row moving its
start moves the reminders of the seated. Both happen in the row's own transaction."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.coordinators.roles import Scope
from bot.coordinators.uploads import CsvKind, import_csv
from bot.directory.service import DirectoryService
from bot.places.regions import default_directory
from bot.registration.personal_data import PersonalDataCipher
from bot.registration.service import RegistrationService
from bot.runtime.i18n import create_i18n
from bot.training.batch_import import BatchImporter
from bot.training.eligibility import EligibilityRules
from bot.training.enrollment import EnrollmentService
from storage.database import Database
from storage.models import AuditEntry, Enrollment, OutboxMessage
from tests.clock import FixedClock
from tests.enrollment_setup import add_blk, register
from tests.test_batch_import_completed import HEADER, stored_batch

STAFF = 7001
SEATED, WAITING = (501, 502), 503
# NOW is 24 Nov 2026, 10:00 WIB: the batch trains from 7 to 11 December, two seats.
ROW = {
    "id": "kuliner",
    "blk_id": "blk-jkt",
    "title": "Kuliner",
    "start_date": "2026-12-07",
    "end_date": "2026-12-11",
    "daily_start": "08:00",
    "daily_end": "16:00",
    "capacity": "2",
    "registration_deadline": "2026-12-06",
    "status": "buka",
    "programme": "wirausaha",
}


def schedule(**changes: str) -> bytes:
    return "\n".join([HEADER, ",".join((ROW | changes).values())]).encode()


@pytest.fixture
async def importer(db: Database, cipher: PersonalDataCipher, clock: FixedClock) -> BatchImporter:
    """The batch imported, two people seated (reminded) and one waiting."""
    await add_blk(db, "blk-jkt")
    importer = BatchImporter(db, clock)
    assert (await importer.import_csv(schedule())).added == 1
    batch = await stored_batch(db, "kuliner")
    registrations = RegistrationService(db, cipher, clock=clock)
    enrollment = EnrollmentService(db, cipher, EligibilityRules(), clock=clock)
    for person in (*SEATED, WAITING):
        await register(registrations, person, serial=person)
        await enrollment.enroll(person, batch.id, waitlist=True)
    assert {chat for chat, _ in await pending(db, "reminder")} == set(SEATED)
    return importer


async def pending(db: Database, kind: str) -> list[tuple[int, datetime]]:
    """(recipient, due) of the outbox rows of `kind` still to send, in order."""
    async with db.transaction() as session:
        stmt = (
            select(OutboxMessage.chat_id, OutboxMessage.not_before)
            .where(OutboxMessage.kind == kind, OutboxMessage.status == "pending")
            .order_by(OutboxMessage.chat_id, OutboxMessage.not_before)
        )
        return [(chat, due) for chat, due in await session.execute(stmt)]


async def places(db: Database) -> list[str]:
    async with db.transaction() as session:
        stmt = select(Enrollment.status).order_by(Enrollment.id)
        return list((await session.execute(stmt)).scalars())


async def audited(db: Database, action: str) -> list[tuple[int, dict[str, object]]]:
    async with db.transaction() as session:
        stmt = select(AuditEntry.actor_id, AuditEntry.details).where(AuditEntry.action == action)
        return [(actor, json.loads(details)) for actor, details in await session.execute(stmt)]


@pytest.mark.parametrize("status", ["batal", "dibatalkan", "Cancelled"])
async def test_a_cancelling_row_ends_every_place_and_tells_each_holder_once(
    importer: BatchImporter, db: Database, status: str
) -> None:
    """Even with a capacity below the seats taken: every seat ends anyway."""
    cancelling = schedule(status=status, capacity="1")
    report = await importer.import_csv(cancelling, actor_id=STAFF, scope=Scope.blk("blk-jkt"))
    assert (report.added, report.updated, report.unchanged, report.rejected) == (0, 1, 0, [])
    assert (report.cancelled, report.told) == (1, 3)
    batch = await stored_batch(db, "kuliner")
    assert (batch.status, batch.seats_taken, batch.capacity) == ("cancelled", 0, 1)
    assert await places(db) == ["cancelled"] * 3
    assert [chat for chat, _ in await pending(db, "batch-cancelled")] == [*SEATED, WAITING]
    assert await pending(db, "reminder") == []
    assert await audited(db, "batch.cancelled") == [
        (
            STAFF,
            {
                "batch_id": batch.id,
                "enrolled": 2,
                "waitlisted": 1,
                "scope": {"kind": "blk", "code": "blk-jkt"},
            },
        )
    ]

    again = await importer.import_csv(cancelling, actor_id=STAFF, scope=Scope.blk("blk-jkt"))
    assert (again.unchanged, again.cancelled, again.told) == (1, 0, 0)
    assert len(await pending(db, "batch-cancelled")) == 3
    assert len(await audited(db, "batch.cancelled")) == 1


async def test_a_cancellation_rolled_back_with_its_rows_tells_nobody(
    importer: BatchImporter, db: Database
) -> None:
    """A chunk whose transaction fails takes its notices along; applied again, each
    holder is told once."""
    rows, rejected = importer.check(schedule(status="batal"))
    assert rejected == []
    with pytest.raises(RuntimeError):
        async with db.transaction() as session:
            assert (await importer.apply(session, rows, None)).told == 3
            raise RuntimeError("the chunk's job row could not be written")
    assert (await stored_batch(db, "kuliner")).status == "open"
    assert await places(db) == ["active", "active", "waitlisted"]
    assert await pending(db, "batch-cancelled") == []
    assert len(await pending(db, "reminder")) == 6

    async with db.transaction() as session:
        assert (await importer.apply(session, rows, None)).told == 3
    assert len(await pending(db, "batch-cancelled")) == 3
    assert await audited(db, "batch.cancelled") == []  # the server's CLI is not audited


async def test_the_report_says_how_many_people_were_told(
    importer: BatchImporter, db: Database
) -> None:
    """`blk-bot import batches` prints it; a file that cancels nothing does not say it."""
    i18n = create_i18n("id")

    async def imported(raw: bytes) -> str:
        outcome = await import_csv(
            CsvKind.BATCHES,
            raw,
            directory=DirectoryService(db, default_directory()),
            batches=importer,
            source_name="cli:jadwal.csv",
            translate=lambda key: i18n.gettext(key, locale="id"),
        )
        return outcome.text

    assert "Dibatalkan" not in await imported(schedule(title="Kuliner Nusantara"))
    text = await imported(schedule(title="Kuliner Nusantara", status="batal"))
    assert "Diperbarui: 1\n" in text
    assert text.endswith("\nDibatalkan: 1 (3 peserta diberi tahu)")


async def test_a_moved_start_moves_the_reminders_of_the_seated(
    importer: BatchImporter, db: Database
) -> None:
    """3 and 1 days before at 08.00 WIB and 2 hours before the start, as in chat; the
    person waiting has none, and nobody is told anything else."""
    report = await importer.import_csv(schedule(start_date="2026-12-14", end_date="2026-12-18"))
    assert (report.updated, report.cancelled, report.told) == (1, 0, 0)
    moved = [
        datetime(2026, 12, 11, 1, 0, tzinfo=UTC),
        datetime(2026, 12, 13, 1, 0, tzinfo=UTC),
        datetime(2026, 12, 13, 23, 0, tzinfo=UTC),
    ]
    assert await pending(db, "reminder") == [(p, due) for p in SEATED for due in moved]

    later = await importer.import_csv(
        schedule(start_date="2026-12-14", end_date="2026-12-18", daily_start="10:00")
    )
    assert later.updated == 1
    assert [due for chat, due in await pending(db, "reminder") if chat == SEATED[0]] == [
        *moved[:2],
        datetime(2026, 12, 14, 1, 0, tzinfo=UTC),
    ]
    assert await places(db) == ["active", "active", "waitlisted"]
    assert await pending(db, "batch-cancelled") == []
