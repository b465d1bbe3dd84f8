"""Reminders, promotion notices and registration nudges: planned in the outbox, rendered late.

The clock is injected everywhere: "now" is 24 Nov 2026, 10:00 WIB, and nothing sleeps.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from aiogram.fsm.storage.base import StorageKey
from sqlalchemy import select, update

from bot.delivery.templates import TemplateRenderer
from bot.privacy import PrivacyService
from bot.registration.personal_data import PersonalDataCipher
from bot.registration.service import RegistrationService
from bot.runtime.app import App, create_app
from bot.runtime.config import Settings
from bot.training.eligibility import EligibilityRules
from bot.training.enrollment import EnrollmentService
from bot.training.reminders import (
    ReminderPlan,
    due_times,
    plan_reminders,
    remind_abandoned,
)
from handlers.delivery.templates import notice_renderer
from storage.database import Database
from storage.fsm import TrackedStorage
from storage.models import Blk, Enrollment, OutboxMessage
from tests.clock import NOW, FixedClock
from tests.enrollment_setup import add_batch, add_blk, register

# Monday 7 December 2026, 08:00 in each of Indonesia's zones.
FIRST_DAY_0800 = {
    "32": datetime(2026, 12, 7, 1, 0, tzinfo=UTC),  # WIB, UTC+7
    "51": datetime(2026, 12, 7, 0, 0, tzinfo=UTC),  # WITA, UTC+8
    "91": datetime(2026, 12, 6, 23, 0, tzinfo=UTC),  # WIT, UTC+9
}


@pytest.fixture
def registrations(
    db: Database, cipher: PersonalDataCipher, clock: FixedClock
) -> RegistrationService:
    return RegistrationService(db, cipher, clock=clock)


@pytest.fixture
def enrollment(db: Database, cipher: PersonalDataCipher, clock: FixedClock) -> EnrollmentService:
    return EnrollmentService(db, cipher, EligibilityRules.from_toml(), clock=clock)


@pytest.fixture
async def app(
    database_url: str, redis_url: str | None, data_key: str, clock: FixedClock
) -> AsyncIterator[App]:
    """The services the render hook gets in `blk-bot run`, on the test database (and Redis)."""
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, database_url=database_url, redis_url=redis_url, data_key=data_key
    )
    application = create_app(settings, clock=clock)
    yield application
    await application.close()


def renderer(app: App) -> TemplateRenderer:
    return notice_renderer(app.services, app.i18n)


async def outbox(db: Database, chat_id: int, kind: str | None = None) -> list[OutboxMessage]:
    async with db.transaction() as session:
        stmt = select(OutboxMessage).where(OutboxMessage.chat_id == chat_id)
        if kind is not None:
            stmt = stmt.where(OutboxMessage.kind == kind)
        return list((await session.execute(stmt.order_by(OutboxMessage.not_before))).scalars())


def offsets(rows: list[OutboxMessage]) -> list[str]:
    return [json.loads(row.payload)["offset"] for row in rows]


async def enrollment_id_of(db: Database, batch_id: int, status: str = "active") -> int:
    async with db.transaction() as session:
        stmt = select(Enrollment.id).where(
            Enrollment.batch_id == batch_id, Enrollment.status == status
        )
        return (await session.execute(stmt)).scalar_one()


@pytest.mark.parametrize("province", ["32", "51", "91"])
async def test_reminders_fall_at_08_00_in_the_blk_time_zone(
    db: Database,
    registrations: RegistrationService,
    enrollment: EnrollmentService,
    province: str,
) -> None:
    starts = FIRST_DAY_0800[province]
    batch = await add_batch(db, await add_blk(db, province=province), 5, starts_in=starts - NOW)
    await register(registrations, 1, serial=1)
    await enrollment.enroll(1, batch, waitlist=False)

    rows = await outbox(db, 1, "reminder")
    assert [(row.not_before, json.loads(row.payload)["offset"]) for row in rows] == [
        (starts - timedelta(days=3), "3d"),  # e.g. 4 Dec 08:00 WITA = 4 Dec 00:00 UTC
        (starts - timedelta(days=1), "1d"),
        (starts - timedelta(hours=2), "2h"),
    ]
    enrolled = await enrollment_id_of(db, batch)
    for row in rows:
        assert row.expires_at == starts  # late but once; never after the start
        assert row.enrollment_id == enrolled and row.status == "pending"
        assert row.dedupe_key == f"reminder:{enrolled}:{json.loads(row.payload)['offset']}"
        assert json.loads(row.payload)["template"] == "reminder"


def test_day_offsets_count_calendar_days_of_the_blk() -> None:
    """A batch starting 06:00 WITA is 5 Dec 22:00 UTC: its reminders are on WITA days."""
    plan = ReminderPlan(days_before=(1,), hours_before=(2,))
    starts = datetime(2026, 12, 6, 22, 0, tzinfo=UTC)
    assert [(d.offset, d.at) for d in due_times(plan, starts, "Asia/Makassar")] == [
        ("1d", datetime(2026, 12, 6, 0, 0, tzinfo=UTC)),
        ("2h", datetime(2026, 12, 6, 20, 0, tzinfo=UTC)),
    ]


async def test_planning_twice_queues_each_reminder_once(
    db: Database, registrations: RegistrationService, enrollment: EnrollmentService
) -> None:
    batch = await add_batch(db, await add_blk(db), 5)
    await register(registrations, 1, serial=1)
    await enrollment.enroll(1, batch, waitlist=False)
    async with db.transaction() as session:
        seat = await session.get(Enrollment, await enrollment_id_of(db, batch))
        assert await plan_reminders(session, seat, 1, ReminderPlan(), NOW) == 0
    assert offsets(await outbox(db, 1)) == ["3d", "1d", "2h"]


async def test_reminders_already_due_are_not_planned(
    db: Database, registrations: RegistrationService, enrollment: EnrollmentService
) -> None:
    """Enrolled two days ahead: the 3-day reminder would be in the past."""
    batch = await add_batch(
        db, await add_blk(db), 5, starts_in=timedelta(days=2), deadline_in=timedelta(days=1)
    )
    await register(registrations, 1, serial=1)
    await enrollment.enroll(1, batch, waitlist=False)
    assert offsets(await outbox(db, 1)) == ["1d", "2h"]


async def test_waitlist_gets_reminders_only_when_promoted(
    db: Database, registrations: RegistrationService, enrollment: EnrollmentService
) -> None:
    batch = await add_batch(db, await add_blk(db), 1)
    for user in (1, 2):
        await register(registrations, user, serial=user)
    await enrollment.enroll(1, batch, waitlist=True)
    await enrollment.enroll(2, batch, waitlist=True)
    assert await outbox(db, 2) == []
    first = await outbox(db, 1)
    async with db.transaction() as session:  # one reminder already went out
        await session.execute(
            update(OutboxMessage).where(OutboxMessage.id == first[0].id).values(status="sent")
        )

    assert (await enrollment.cancel(1)).promoted_telegram_id == 2

    assert [row.status for row in await outbox(db, 1)] == ["sent"]
    promoted = await enrollment_id_of(db, batch)
    [notice] = await outbox(db, 2, "promotion")
    assert json.loads(notice.payload) == {"template": "promotion", "enrollment_id": promoted}
    assert notice.enrollment_id == promoted and notice.not_before == NOW
    assert offsets(await outbox(db, 2, "reminder")) == ["3d", "1d", "2h"]


async def test_reschedule_moves_the_reminders_to_the_new_batch(
    db: Database, registrations: RegistrationService, enrollment: EnrollmentService
) -> None:
    blk = await add_blk(db)
    old = await add_batch(db, blk, 5)
    new = await add_batch(db, blk, 5, starts_in=timedelta(days=60))
    await register(registrations, 1, serial=1)
    await enrollment.enroll(1, old, waitlist=False)
    old_seat = await enrollment_id_of(db, old)

    await enrollment.reschedule(1, new)

    new_seat = await enrollment_id_of(db, new)
    rows = await outbox(db, 1)
    assert {row.enrollment_id for row in rows} == {new_seat} != {old_seat}
    view = await enrollment.batch(new)
    assert [row.not_before for row in rows][-1] == view.starts_at - timedelta(hours=2)
    assert offsets(rows) == ["3d", "1d", "2h"]


async def test_erasure_drops_reminders_and_tells_the_promoted(
    db: Database,
    registrations: RegistrationService,
    enrollment: EnrollmentService,
    privacy: PrivacyService,
) -> None:
    batch = await add_batch(db, await add_blk(db), 1)
    for user in (1, 2):
        await register(registrations, user, serial=user)
    await enrollment.enroll(1, batch, waitlist=False)
    await enrollment.enroll(2, batch, waitlist=True)
    await privacy.erase(1)
    assert await outbox(db, 1) == []
    assert len(await outbox(db, 2, "promotion")) == 1


async def _seat_in_wita_batch(app: App, capacity: int = 5) -> int:
    blk = await add_blk(app.db, "blk-mataram", province="51")
    async with app.db.transaction() as session:
        (await session.get(Blk, blk)).address = "Jl. Majapahit No. 3"
    batch = await add_batch(
        app.db, blk, capacity, starts_in=FIRST_DAY_0800["51"] - NOW, title="Kuliner & Kopi"
    )
    await register(app.services.registrations, 1, serial=1)
    await app.services.enrollment.enroll(1, batch, waitlist=False)
    return batch


async def test_reminder_in_indonesian_with_buttons(app: App, clock: FixedClock) -> None:
    await _seat_in_wita_batch(app)
    rows = await outbox(app.db, 1, "reminder")
    clock.set(rows[1].not_before)  # sent on time, 1 day before
    outgoing = await renderer(app)(rows[1])
    assert outgoing is not None and outgoing.method == "sendMessage"
    text = outgoing.params["text"]
    assert "pelatihan Anda dimulai besok" in text
    assert "<b>Kuliner &amp; Kopi</b>" in text and "BLK blk-mataram" in text
    assert "📍 Jl. Majapahit No. 3, R51" in text
    assert "Senin, 7 Desember 2026, 08.00 WITA" in text
    buttons = [b for row in outgoing.params["reply_markup"]["inline_keyboard"] for b in row]
    seat = rows[1].enrollment_id
    assert [(b["text"], b["callback_data"]) for b in buttons] == [
        ("✅ Saya akan hadir", f"at1:yes:{seat}"),
        ("❌ Tidak bisa hadir", f"at1:no:{seat}"),
        ("📍 Lokasi BLK", "b1:map:blk-mataram"),
    ]


async def test_reminder_in_the_recipients_language_and_late(app: App, clock: FixedClock) -> None:
    """English for someone who chose it; sent late (bot was down) it still counts right."""
    await _seat_in_wita_batch(app)
    await app.services.preferences.set_locale(1, "en")
    rows = await outbox(app.db, 1, "reminder")
    clock.set(FIRST_DAY_0800["51"] - timedelta(hours=1))
    outgoing = await renderer(app)(rows[0])  # the 3-day reminder, three days late
    assert outgoing is not None
    assert "your training starts today" in outgoing.params["text"]
    assert "Monday, 7 December 2026, 08.00 WITA" in outgoing.params["text"]
    assert "Will you attend?" in outgoing.params["text"]


async def test_reminder_is_skipped_once_irrelevant(app: App, clock: FixedClock) -> None:
    batch = await _seat_in_wita_batch(app)
    rows = await outbox(app.db, 1, "reminder")
    render = renderer(app)
    clock.set(FIRST_DAY_0800["51"] + timedelta(minutes=1))
    assert await render(rows[-1]) is None  # the batch started
    assert rows[-1].expires_at == FIRST_DAY_0800["51"]
    clock.set(NOW)
    async with app.db.transaction() as session:  # cancelled after the row was claimed
        await session.execute(
            update(Enrollment).where(Enrollment.batch_id == batch).values(status="cancelled")
        )
    assert await render(rows[0]) is None


async def test_promotion_notice_in_the_promoted_persons_language(app: App) -> None:
    batch = await _seat_in_wita_batch(app, capacity=1)
    await register(app.services.registrations, 2, serial=2)
    await app.services.enrollment.enroll(2, batch, waitlist=True)
    await app.services.preferences.set_locale(2, "en")
    await app.services.enrollment.cancel(1)
    [notice] = await outbox(app.db, 2, "promotion")
    outgoing = await renderer(app)(notice)
    assert outgoing is not None
    assert "Good news" in outgoing.params["text"]
    assert "Kuliner &amp; Kopi" in outgoing.params["text"]
    await app.services.enrollment.cancel(2)  # gave it up before the notice went out
    assert await renderer(app)(notice) is None


async def test_abandoned_registration_is_nudged_once(app: App, clock: FixedClock) -> None:
    """Found through the conversation activity, so the same with Redis (TEST_REDIS_URL)."""
    db, storage = app.db, app.storage
    assert isinstance(storage, TrackedStorage)
    long_ago, lately = NOW - timedelta(hours=25), NOW - timedelta(hours=2)

    async def answered(user: int, state: str | None, at: datetime, chat: int | None = None) -> None:
        clock.set(at)
        await storage.set_state(StorageKey(bot_id=42, chat_id=chat or user, user_id=user), state)

    await answered(700, "Registration:phone", long_ago)
    await answered(701, "Registration:nik", lately)
    await answered(702, "NearestBlk:place", long_ago)
    await answered(703, "Registration:review", long_ago)
    await answered(704, "Registration:nik", long_ago, chat=-100)  # a group, not a private chat
    await register(app.services.registrations, 703, serial=3)  # editing with /ubah, not abandoned

    assert await remind_abandoned(db, NOW) == 1
    assert await remind_abandoned(db, NOW + timedelta(hours=1)) == 0
    [row] = await outbox(db, 700)
    assert (row.kind, json.loads(row.payload)) == ("abandoned", {"template": "abandoned"})
    assert row.dedupe_key == f"abandoned:700:{long_ago.date().isoformat()}"
    assert [r.chat_id for r in await _all_rows(db)] == [700]

    outgoing = await renderer(app)(row)
    assert outgoing is not None and "/daftar" in outgoing.params["text"]
    assert "belum selesai" in outgoing.params["text"]

    # Came back two days later, answered one more question, and stopped again.
    await answered(700, "Registration:province", NOW + timedelta(days=2))
    assert await remind_abandoned(db, NOW + timedelta(days=3)) == 1

    await answered(700, None, NOW + timedelta(days=3))  # finished or left with /batal since
    assert await renderer(app)(row) is None


async def _all_rows(db: Database) -> list[OutboxMessage]:
    async with db.transaction() as session:
        return list((await session.execute(select(OutboxMessage))).scalars())
