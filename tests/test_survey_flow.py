"""End to end: follow-up surveys. Budi and Citra's batch is completed; each gets the
survey through the outbox; Budi answers it with buttons (a repeated or forged press
changes nothing) and his answers are the impact figures of the coordinator's
/statistik; Citra stops surveys and gets none later; Budi's 3-month survey, left
unanswered, is reminded once; /hapusdata takes his survey rows and messages away.
"""

from __future__ import annotations

from datetime import timedelta

from aiogram import Bot
from sqlalchemy import func, select

from bot.coordinators.roles import Scope
from handlers.common.callbacks import SurveyCb
from storage.models import OutboxMessage, SurveyResponse
from tests.enrollment_setup import add_batch, register
from tests.fake_bot_api import FakeBotAPI
from tests.harness import ADMIN_ID, Chat, RunningBot
from tests.test_attendance_flow import deliver, rows_for
from tests.test_training_flow import JAKSEL

STAFF, BUDI, CITRA = 7301, 5301, 5302
STALE = "Tombol ini sudah tidak berlaku."


async def survey_rows(running_bot: RunningBot) -> int:
    async with running_bot.app.db.transaction() as session:
        return int(await session.scalar(select(func.count()).select_from(SurveyResponse)) or 0)


async def test_survey_after_completion_answered_counted_stopped_and_reminded(
    fake_api: FakeBotAPI, running_bot: RunningBot, sender_bot: Bot
) -> None:
    app, clock = running_bot.app, running_bot.clock
    surveys = app.services.surveys
    batch = await add_batch(
        app.db, JAKSEL, 5, starts_in=timedelta(days=2), deadline_in=timedelta(days=1)
    )
    for serial, person in enumerate((BUDI, CITRA), start=1):
        await register(app.services.registrations, person, serial)
        await app.services.enrollment.enroll(person, batch, waitlist=False)
    await app.services.roles.grant(ADMIN_ID, STAFF, Scope.blk(JAKSEL))
    assert await surveys.plan_due() == 0  # not completed yet
    completed = clock.now() + timedelta(days=7, hours=10)  # after the last day
    clock.set(completed)
    assert await app.services.completion.complete_due() == 1
    assert await surveys.plan_due() == 2
    assert await surveys.plan_due() == 0  # planned once

    budi, citra = Chat(fake_api, BUDI), Chat(fake_api, CITRA)
    [first] = await rows_for(running_bot, BUDI, "survey")
    await deliver(running_bot, sender_bot, first)
    opening = await budi.expect(
        "Survei singkat", "Kewirausahaan Kuliner", "Pertanyaan 1 dari 6", "bermanfaat"
    )
    await budi.press("⭐⭐⭐⭐", "Pertanyaan 2 dari 6", "memulai usaha baru")
    await budi.press("Memulai usaha baru", "Pertanyaan 3 dari 6", "NIB")
    await budi.press("Sudah punya NIB", "Pertanyaan 4 dari 6", "omzet")
    await budi.press("Rp5 juta – Rp15 juta", "Pertanyaan 5 dari 6", "KUR")
    await budi.press("Sudah mendapat pinjaman", "Pertanyaan 6 dari 6", "bekerja")
    await budi.press("1–2 orang", "Terima kasih, jawaban Anda sudah tersimpan")
    # The first question again, a question of someone else's survey, an answer that is
    # not an option: nothing changes.
    assert (await budi.answer_to(opening.button_data("⭐⭐"))).params["text"] == STALE

    [citras] = await rows_for(running_bot, CITRA, "survey")
    await deliver(running_bot, sender_bot, citras)
    await citra.expect("Pertanyaan 1 dari 6")
    assert first.enrollment_id is not None and citras.enrollment_id is not None
    forged = SurveyCb(seat=first.enrollment_id, wave=0, question="rating", value="1").pack()
    assert (await citra.answer_to(forged)).params["text"] == STALE
    odd = SurveyCb(seat=citras.enrollment_id, wave=0, question="rating", value="9").pack()
    assert (await citra.answer_to(odd)).params["text"] == STALE
    await citra.press("Berhenti menerima survei", "tidak akan menerima survei lagi")

    staff = Chat(fake_api, STAFF)
    fake_api.message(STAFF, "/statistik")
    await staff.expect("Jakarta Selatan")  # the chart
    await staff.expect(
        "Dampak (survei lanjutan)",
        "Disurvei 2 · sudah menjawab 1",
        "Nilai pelatihan rata-rata 4.0 dari 5",
        "Memulai usaha 1 (100%) · usaha berkembang 0 (0%)",
        "Punya NIB 1 (100%)",
        "Mengajukan modal (mis. KUR) 1 (100%) · mendapat 1 (100%)",
        "): 0 · 0 · 1 · 0",  # turnover Rp5-15 million
        "Pekerja (0 · 1–2 · 3–5 · 6+): 0 · 1 · 0 · 0",
    )

    clock.set(completed + timedelta(days=8))  # answered or stopped: no reminders
    assert await surveys.plan_due() == 0
    clock.set(completed + timedelta(days=90))  # three months on: Budi only
    assert await surveys.plan_due() == 1
    clock.set(completed + timedelta(days=97))  # unanswered for a week: one reminder
    assert await surveys.plan_due() == 1
    clock.set(completed + timedelta(days=120))
    assert await surveys.plan_due() == 0
    assert [row.id for row in await rows_for(running_bot, CITRA, "survey")] == [citras.id]
    *_, reminder = await rows_for(running_bot, BUDI, "survey")
    await deliver(running_bot, sender_bot, reminder)
    await budi.expect("Survei lanjutan", "sekitar 3 bulan", "Pengingat", "Pertanyaan 1 dari 6")

    await app.services.privacy.erase(BUDI)
    assert await survey_rows(running_bot) == 1  # Citra's
    async with app.db.transaction() as session:
        left = await session.scalars(
            select(OutboxMessage.chat_id).where(OutboxMessage.kind == "survey")
        )
        assert set(left) == {CITRA}
    clock.set(completed + timedelta(days=180))
    assert await surveys.plan_due() == 0
