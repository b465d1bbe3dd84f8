"""End to end: a coordinator's schedule upload that cancels a batch does what cancelling it
in chat does (every seat and waitlist place ends, each holder is told once, reminders go),
even when the chunk holding the row is applied again after a failure; one that moves a
batch's start moves the reminders of its seats.

Today is 24 November 2026, 10:00 WIB: "kuliner" (two seats) trains from 7 December,
"pindah" from 8 December.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from aiogram import Bot
from sqlalchemy import select

from bot.coordinators.roles import Scope
from bot.runtime.app import App
from storage.import_job_repository import ImportJobRepository
from storage.models import AuditEntry, Batch, OutboxMessage
from tests.fake_bot_api import FakeBotAPI
from tests.harness import ADMIN_ID, Chat, RunningBot
from tests.import_jobs_setup import SCHEDULE_HEADER, run_imports, send_outbox
from tests.test_broadcasts import register_person
from tests.test_import_jobs_flow import JAKSEL, STAFF, admin_upload

SEATED, WAITING, ELSEWHERE = (6101, 6102), 6103, 6104
KULINER = f"kuliner,{JAKSEL},Kuliner,2026-12-07,2026-12-11,08:00,16:00,2,2026-12-06"
PINDAH = f"pindah,{JAKSEL},Menjahit,2026-12-08,2026-12-12,08:00,16:00,5,2026-12-06"
CANCELLED_NOTICE = "Gelombang dibatalkan"


def schedule(*rows: str) -> bytes:
    return "\n".join([f"{SCHEDULE_HEADER},registration_deadline,status", *rows]).encode()


async def upload(
    fake: FakeBotAPI, running_bot: RunningBot, sender_bot: Bot, content: bytes, *report: str
) -> None:
    """The BLK's coordinator sends the file; the report says `report`."""
    await admin_upload(
        fake, running_bot, sender_bot, content, "Hasil impor", *report, user_id=STAFF
    )


async def batch_id(app: App, external_id: str) -> int:
    async with app.db.transaction() as session:
        query = select(Batch.id).where(Batch.external_id == external_id)
        return (await session.execute(query)).scalar_one()


@pytest.fixture
async def app(fake_api: FakeBotAPI, running_bot: RunningBot, sender_bot: Bot) -> App:
    """Both batches uploaded; two people seated in "kuliner", one waiting, one seated in
    "pindah"; everyone seated has reminders planned."""
    app = running_bot.app
    assert app is not None
    await app.services.roles.grant(ADMIN_ID, STAFF, Scope.blk(JAKSEL))
    opened = schedule(f"{KULINER},buka", f"{PINDAH},buka")
    await upload(fake_api, running_bot, sender_bot, opened, "Ditambah: 2", "Ditolak: 0")
    kuliner, pindah = await batch_id(app, "kuliner"), await batch_id(app, "pindah")
    for person, batch in ((6101, kuliner), (6102, kuliner), (6103, kuliner), (6104, pindah)):
        await register_person(app.services.registrations, person, province="31")
        await app.services.enrollment.enroll(person, batch, waitlist=True)
    assert set(await reminders(app)) == {*SEATED, ELSEWHERE}
    return app


async def reminders(app: App) -> dict[int, list[datetime]]:
    """When each person's reminders are due, of those still to send."""
    async with app.db.transaction() as session:
        stmt = (
            select(OutboxMessage.chat_id, OutboxMessage.not_before)
            .where(OutboxMessage.kind == "reminder", OutboxMessage.status == "pending")
            .order_by(OutboxMessage.not_before)
        )
        due: dict[int, list[datetime]] = {}
        for chat, at in await session.execute(stmt):
            due.setdefault(chat, []).append(at)
        return due


async def cancellations_audited(app: App) -> list[tuple[int, dict[str, object]]]:
    async with app.db.transaction() as session:
        stmt = select(AuditEntry.actor_id, AuditEntry.details).where(
            AuditEntry.action == "batch.cancelled"
        )
        return [(actor, json.loads(details)) for actor, details in await session.execute(stmt)]


def notices(fake: FakeBotAPI, person: int) -> int:
    return sum(CANCELLED_NOTICE in text for text in fake.sent_texts(person))


async def test_an_upload_cancelling_a_batch_tells_everyone_in_it_once(
    fake_api: FakeBotAPI, running_bot: RunningBot, sender_bot: Bot, app: App
) -> None:
    await Chat(fake_api, SEATED[0]).send("/jadwal", "kursi sudah pasti", "Kuliner")
    cancelling = schedule(f"{KULINER},batal", f"{PINDAH},buka")
    await upload(
        fake_api,
        running_bot,
        sender_bot,
        cancelling,
        "Diperbarui: 1",
        "Tidak berubah: 1",
        "Dibatalkan: 1 (3 peserta diberi tahu)",
    )

    for person in SEATED:
        await Chat(fake_api, person).expect(CANCELLED_NOTICE, "<b>Kuliner</b>", "Kursi Anda")
    await Chat(fake_api, WAITING).expect(CANCELLED_NOTICE, "Tempat Anda di daftar tunggu")
    await Chat(fake_api, SEATED[0]).send("/jadwal", "Anda belum punya jadwal pelatihan")
    await Chat(fake_api, WAITING).send("/jadwal", "Anda belum punya jadwal pelatihan")
    assert set(await reminders(app)) == {ELSEWHERE}
    async with app.db.transaction() as session:
        batch = await session.get(Batch, await batch_id(app, "kuliner"))
        assert batch is not None and (batch.status, batch.seats_taken) == ("cancelled", 0)
    expected_audit = {
        "batch_id": batch.id,
        "enrolled": 2,
        "waitlisted": 1,
        "scope": {"kind": "blk", "code": JAKSEL},
    }
    assert await cancellations_audited(app) == [(STAFF, expected_audit)]

    # The same file again changes nothing and tells nobody anything more.
    await upload(fake_api, running_bot, sender_bot, cancelling, "Tidak berubah: 2")
    assert [notices(fake_api, person) for person in (*SEATED, WAITING)] == [1, 1, 1]
    assert notices(fake_api, ELSEWHERE) == 0
    assert len(await cancellations_audited(app)) == 1


async def test_a_chunk_applied_again_after_a_failure_tells_each_holder_once(
    fake_api: FakeBotAPI,
    running_bot: RunningBot,
    sender_bot: Bot,
    app: App,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The chunk's progress cannot be written the first time: its rows, seats and notices
    are rolled back together, and the next run applies the chunk once."""
    record_chunk = ImportJobRepository.record_chunk
    failures = [RuntimeError("the job row could not be written")]

    def failing_once(*args: object, **kwargs: object) -> None:
        if failures:
            raise failures.pop()
        record_chunk(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ImportJobRepository, "record_chunk", staticmethod(failing_once))
    staff = Chat(fake_api, STAFF)
    sent = fake_api.document(STAFF, schedule(f"{KULINER},dibatalkan"), "jadwal.csv")
    await staff.expect("File diterima")
    await fake_api.wait_confirmed(sent)
    assert await run_imports(running_bot) == 0  # the job stays pending
    assert failures == []
    assert set(await reminders(app)) == {*SEATED, ELSEWHERE}
    assert await cancellations_audited(app) == []

    assert await run_imports(running_bot) == 1
    await send_outbox(running_bot, sender_bot)
    await staff.expect("Hasil impor", "Diperbarui: 1", "Dibatalkan: 1 (3 peserta diberi tahu)")
    assert [notices(fake_api, person) for person in (*SEATED, WAITING)] == [1, 1, 1]
    assert set(await reminders(app)) == {ELSEWHERE}
    assert len(await cancellations_audited(app)) == 1


async def test_an_upload_moving_a_batch_moves_the_reminders_of_its_seats(
    fake_api: FakeBotAPI, running_bot: RunningBot, sender_bot: Bot, app: App
) -> None:
    """Nothing comes at the old reminder times; the new ones bring the new first day."""
    moved = f"pindah,{JAKSEL},Menjahit,2026-12-14,2026-12-18,08:00,16:00,5,2026-12-10,buka"
    await upload(fake_api, running_bot, sender_bot, schedule(moved), "Diperbarui: 1")
    assert (await reminders(app))[ELSEWHERE] == [
        datetime(2026, 12, 11, 1, 0, tzinfo=UTC),  # 3 and 1 days before, 08.00 WIB
        datetime(2026, 12, 13, 1, 0, tzinfo=UTC),
        datetime(2026, 12, 13, 23, 0, tzinfo=UTC),  # 2 hours before the start
    ]

    person = Chat(fake_api, ELSEWHERE)
    before = len(fake_api.sent_texts(ELSEWHERE))
    running_bot.clock.set(datetime(2026, 12, 5, 1, 0, tzinfo=UTC))  # 3 days before 8 Dec
    await send_outbox(running_bot, sender_bot)
    assert len(fake_api.sent_texts(ELSEWHERE)) == before
    running_bot.clock.set(datetime(2026, 12, 11, 1, 0, tzinfo=UTC))
    await send_outbox(running_bot, sender_bot)
    await person.expect("dimulai 3 hari lagi", "<b>Menjahit</b>", "14 Desember 2026")
    assert notices(fake_api, ELSEWHERE) == 0
