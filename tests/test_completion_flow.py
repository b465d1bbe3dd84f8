"""End to end: completing a batch from its roster, results by the attendance rule (80% of
the training days by default), a coordinator's override (audited), each participant
told through the outbox, and the bot completing a batch whose last day is over. After
completion a seat is history: /jadwal shows the result and the certificate, marks are
refused, the person may take a seat elsewhere, and the waitlist is told the batch is over.

The batch trains from Thursday 26 November to Tuesday 1 December 2026 (six days),
10.00-18.00 WIB. Budi is present on five days (83%), Citra on two (33%).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from aiogram import Bot
from sqlalchemy import select

from bot.coordinators.roles import Scope
from bot.coordinators.statistics import Level, Node
from bot.training.check_in_admission import CheckInProblem, CheckInRefused
from bot.training.managed_batch import BatchCompleted
from bot.training.programmes import Programme
from storage.models import AuditEntry, BatchCompletion
from tests.enrollment_setup import add_batch, register
from tests.fake_bot_api import FakeBotAPI
from tests.harness import ADMIN_ID, Chat, RunningBot
from tests.test_attendance_flow import deliver, rows_for
from tests.test_training_flow import JAKSEL

STAFF, BUDI, CITRA = 7201, 5201, 5202


async def audited(running_bot: RunningBot, action: str) -> list[tuple[int, str]]:
    async with running_bot.app.db.transaction() as session:
        stmt = select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        return [(entry.actor_id, entry.details) for entry in (await session.scalars(stmt))]


async def test_complete_override_and_tell(
    fake_api: FakeBotAPI, running_bot: RunningBot, sender_bot: Bot
) -> None:
    app, clock = running_bot.app, running_bot.clock
    batch = await add_batch(
        app.db, JAKSEL, 5, starts_in=timedelta(days=2), deadline_in=timedelta(days=1)
    )
    for serial, person in enumerate((BUDI, CITRA), start=1):
        await register(app.services.registrations, person, serial)
        await app.services.enrollment.enroll(person, batch, waitlist=False)
    await app.services.roles.grant(ADMIN_ID, STAFF, Scope.blk(JAKSEL))
    check_ins = app.services.check_ins
    first_day = clock.now() + timedelta(days=2, hours=1)  # Thursday 26 Nov, 11.00 WIB
    for day in range(6):
        clock.set(first_day + timedelta(days=day))
        budi, citra = (await check_ins.day_sheet(STAFF, batch)).entries
        if day < 5:
            await check_ins.mark(STAFF, batch, budi.enrollment_id, present=True)
        if day < 2:
            await check_ins.mark(STAFF, batch, citra.enrollment_id, present=True)
        if day == 4:  # Monday: too early to complete
            staff = Chat(fake_api, STAFF)
            await staff.send("/peserta", "Kewirausahaan Kuliner")
            await staff.press("Kewirausahaan Kuliner", "Kewirausahaan Kuliner")
            await staff.press("Kelulusan", "Selesaikan Kewirausahaan Kuliner?", "80% dari 6 hari")
            await staff.press("Selesaikan sekarang", "mulai hari pelatihan terakhirnya")

    # Tuesday 1 December, the last day.
    await staff.send("/peserta", "Kewirausahaan Kuliner")
    await staff.press("Kewirausahaan Kuliner", "Kewirausahaan Kuliner")
    await staff.press("Kelulusan", "Selesaikan")
    await staff.press(
        "Selesaikan sekarang",
        "Hasil Kewirausahaan Kuliner",
        "oleh koordinator",
        "Lulus 1 dari 2",
        "1. Peserta 1 — hadir 5/6 hari — ✅ lulus",
        "2. Peserta 2 — hadir 2/6 hari — ❌ tidak lulus",
    )
    await staff.press(
        "Ubah jadi lulus: 2. Peserta 2", "Lulus 2 dari 2", "✅ lulus (diubah koordinator)"
    )
    [(actor, _)] = await audited(running_bot, "batch.completed")
    [(changer, details)] = await audited(running_bot, "result.overridden")
    assert actor == changer == STAFF and '"by_rule": false' in details

    [budi_notice] = await rows_for(running_bot, BUDI, "training-result")
    await deliver(running_bot, sender_bot, budi_notice)
    await Chat(fake_api, BUDI).expect("Selamat", "<b>lulus</b>", "hadir 5 dari 6 hari")
    # Changed before her notice went out: that one notice, built when sent, says it.
    [citra_notice] = await rows_for(running_bot, CITRA, "training-result")
    await deliver(running_bot, sender_bot, citra_notice)
    await Chat(fake_api, CITRA).expect("Selamat", "hadir 2 dari 6 hari")

    # The results are computed: the days are shown, marks refused with the reason.
    with pytest.raises(CheckInRefused) as refused:
        await check_ins.mark(STAFF, batch, budi.enrollment_id, present=False)
    assert refused.value.problem is CheckInProblem.COMPLETED
    assert (await check_ins.day_sheet(STAFF, batch)).completed
    with pytest.raises(BatchCompleted):  # its seats hold results and certificates
        await app.services.batch_admin.cancel(STAFF, batch)
    with pytest.raises(BatchCompleted):  # certificates state its programme and dates
        await app.services.batch_admin.set_programme(STAFF, batch, Programme.KOPDES)
    with pytest.raises(BatchCompleted):
        await app.services.batch_admin.set_registration(STAFF, batch, open_=True)

    # Budi's seat is history: his result and certificate under /jadwal, nothing to cancel.
    budi_chat = Chat(fake_api, BUDI)
    await budi_chat.send(
        "/jadwal", "Pelatihan Anda sudah selesai", "✅ lulus", "hadir 5 dari 6 hari"
    )
    budi_chat.press_on(budi_chat.last, "📄 Sertifikat")
    document = await fake_api.wait_call("sendDocument", chat_id=BUDI)
    assert document.params["document"].filename.startswith("sertifikat-SRT-")
    await budi_chat.send("/batal_jadwal", "sudah selesai", "tidak dapat dibatalkan")
    # A question still goes to the coordinators of the BLK that trained him.
    await budi_chat.send("/tanya", "Tanya petugas")
    await budi_chat.send("Kapan sertifikat dicetak?", "terkirim dengan nomor")
    assert await rows_for(running_bot, STAFF, "ticket")
    # The roster keeps the finished seats, counted as seats taken.
    await staff.send("/peserta", "Kewirausahaan Kuliner")
    await staff.press("Kewirausahaan Kuliner", "2/5 kursi terisi", "Selesai")
    scope = Scope.blk(JAKSEL)
    report = await app.services.statistics.report(scope, Node(Level.BATCH, str(batch)))
    assert (report.registrations, report.seats_taken, report.waitlisted) == (2, 2, 0)
    # ... and he may take a seat in another batch (one live place per person).
    later = await add_batch(
        app.db, JAKSEL, 5, starts_in=timedelta(days=20), deadline_in=timedelta(days=15)
    )
    assert (await app.services.enrollment.enroll(BUDI, later, waitlist=False)).position is None
    schedule = await budi_chat.send("/jadwal", "kursi sudah pasti")
    assert schedule.button_data("📄 Sertifikat")  # still offered beside the new seat


async def test_the_bot_completes_a_batch_after_its_last_day(
    fake_api: FakeBotAPI, running_bot: RunningBot, sender_bot: Bot
) -> None:
    """Citra waits for a seat in a full batch: when it is completed her place is closed and
    she is told the batch is over."""
    app, clock = running_bot.app, running_bot.clock
    batch = await add_batch(
        app.db, JAKSEL, 1, starts_in=timedelta(days=2), deadline_in=timedelta(days=1)
    )
    for serial, person in enumerate((BUDI, CITRA), start=1):
        await register(app.services.registrations, person, serial)
        await app.services.enrollment.enroll(person, batch, waitlist=True)
    last_hour = clock.now() + timedelta(days=7, hours=8)  # Tuesday 1 Dec, 18.00 WIB
    clock.set(last_hour + timedelta(minutes=59))  # within the check-in tolerance
    assert await app.services.completion.complete_due() == 0
    clock.set(last_hour + timedelta(minutes=61))
    assert await app.services.completion.complete_due() == 1
    assert await app.services.completion.complete_due() == 0
    async with app.db.transaction() as session:
        completion = await session.get(BatchCompletion, batch)
    assert completion is not None and completion.completed_by is None
    [notice] = await rows_for(running_bot, BUDI, "training-result")
    assert notice.enrollment_id is not None
    assert await rows_for(running_bot, CITRA, "training-result") == []
    [over] = await rows_for(running_bot, CITRA, "batch-over")
    await deliver(running_bot, sender_bot, over)
    await Chat(fake_api, CITRA).expect("Gelombang sudah selesai", "daftar tunggu", "ditutup")
    assert await app.services.enrollment.placement(CITRA) is None
