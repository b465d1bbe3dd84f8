"""End to end: completing a batch from its roster, results by the attendance rule (80% of
the training days by default), a coordinator's override (audited), each participant
told through the outbox, and the bot completing a batch whose last day is over.

The batch trains from Thursday 26 November to Tuesday 1 December 2026 (six days),
10.00-18.00 WIB. Budi is present on five days (83%), Citra on two (33%).
"""

from __future__ import annotations

from datetime import timedelta

from aiogram import Bot
from sqlalchemy import select

from bot.coordinators.roles import Scope
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
    _, changed = await rows_for(running_bot, CITRA, "training-result")
    await deliver(running_bot, sender_bot, changed)  # built when sent: the result now
    await Chat(fake_api, CITRA).expect("Selamat", "hadir 2 dari 6 hari")


async def test_the_bot_completes_a_batch_after_its_last_day(running_bot: RunningBot) -> None:
    app, clock = running_bot.app, running_bot.clock
    batch = await add_batch(
        app.db, JAKSEL, 5, starts_in=timedelta(days=2), deadline_in=timedelta(days=1)
    )
    await register(app.services.registrations, BUDI, 1)
    await app.services.enrollment.enroll(BUDI, batch, waitlist=False)
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
