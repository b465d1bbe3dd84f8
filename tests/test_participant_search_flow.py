"""End to end: finding a participant from the desk, their card, and its actions.

The world of tests/test_broadcasts.py (blk-a, blk-b in province 32; blk-c in 51) plus,
at blk-a: "A tiga" (1 seat) held by Budi Santoso with Siti Aminah waiting, "A empat"
with room, and "A penuh" whose one seat Agus holds. Notices go out through the outbox
sender, as in production.
"""

from __future__ import annotations

import json

import pytest
from aiogram import Bot
from sqlalchemy import select

from bot.coordinators.roles import Scope
from bot.delivery.sender import Sender
from bot.registration.participants import BusinessStatus, RegistrationForm, Sector
from bot.registration.service import NikTaken
from bot.runtime.app import App
from handlers.common.callbacks import PersonAction, PersonCb
from handlers.delivery.templates import notice_renderer
from storage.models import AuditEntry, Enrollment, Registration
from tests.enrollment_setup import NOW, add_batch, nik_for
from tests.fake_bot_api import FakeBotAPI
from tests.harness import ADMIN_ID, Chat, RunningBot
from tests.test_broadcasts import BLK_A, BLK_C, build_world

BLK_A_STAFF, BLK_C_STAFF = 7001, 7003
BUDI, SITI, AGUS, NEW_ACCOUNT = 301, 302, 303, 401
STALE = "Tombol ini sudah tidak berlaku."


def form(name: str, serial: int, phone: str) -> RegistrationForm:
    return RegistrationForm(
        full_name=name,
        nik=nik_for(serial),
        phone=phone,
        province_code="32",
        regency_code="32.01",
        business_status=BusinessStatus.MICRO,
        business_sector=Sector.FOOD,
        phk_affected=False,
        phk_month=None,
        consent_at=NOW,
    )


async def setup(running_bot: RunningBot) -> tuple[App, dict[str, int]]:
    app = running_bot.app
    assert app is not None
    world = await build_world(app.db, app.services.registrations, app.services.privacy)
    batches = {
        "tiga": await add_batch(app.db, BLK_A, 1, title="A tiga"),
        "empat": await add_batch(app.db, BLK_A, 5, title="A empat"),
        "penuh": await add_batch(app.db, BLK_A, 1, title="A penuh"),
        **world.batches,
    }
    people = (
        (BUDI, "Budi Santoso", 301, "+6285711112222", "tiga", False),
        (SITI, "Siti Aminah", 302, "+6285733334444", "tiga", True),
        (AGUS, "Agus Salim", 303, "+6285755556666", "penuh", False),
    )
    for telegram_id, name, serial, phone, batch, waitlist in people:
        await app.services.registrations.register(telegram_id, form(name, serial, phone))
        await app.services.enrollment.enroll(telegram_id, batches[batch], waitlist=waitlist)
    await app.services.roles.grant(ADMIN_ID, BLK_A_STAFF, Scope.blk(BLK_A))
    await app.services.roles.grant(ADMIN_ID, BLK_C_STAFF, Scope.blk(BLK_C))
    return app, batches


async def registration(app: App, telegram_id: int) -> Registration | None:
    async with app.db.transaction() as session:
        stmt = select(Registration).where(Registration.telegram_id == telegram_id)
        return (await session.execute(stmt)).scalar_one_or_none()


async def live_batch(app: App, telegram_id: int) -> tuple[int, str] | None:
    row = await registration(app, telegram_id)
    assert row is not None
    async with app.db.transaction() as session:
        stmt = select(Enrollment.batch_id, Enrollment.status).where(
            Enrollment.registration_id == row.id, Enrollment.status != "cancelled"
        )
        found = (await session.execute(stmt)).first()
        return (found[0], found[1]) if found else None


async def audit_of(app: App, action: str) -> list[dict[str, object]]:
    async with app.db.transaction() as session:
        stmt = select(AuditEntry.details).where(AuditEntry.action == action)
        return [json.loads(details) for details in (await session.execute(stmt)).scalars()]


async def deliver(app: App, bot: Bot, running_bot: RunningBot) -> None:
    render = notice_renderer(app.services, app.i18n)
    sender = Sender(app.db, bot, render=render, per_chat_interval=0, clock=running_bot.clock)
    await sender.run_once()


async def test_search_by_code_name_and_phone_stays_inside_the_scope(
    fake_api: FakeBotAPI, running_bot: RunningBot
) -> None:
    app, _ = await setup(running_bot)
    budi = await registration(app, BUDI)
    assert budi is not None
    code = budi.code
    staff = Chat(fake_api, BLK_A_STAFF)
    typed = f"  {code.lower().replace('-', ' ')} "
    found = await staff.send(f"/cari {typed}", "(kode pendaftaran): 1 peserta")
    assert next(label for label, _ in found.buttons) == f"Budi Santoso · {code}"
    card = await staff.press(f"Budi Santoso · {code}", "<b>Budi Santoso</b>", code)
    for fragment in ("📞 +6285711112222", "NIK: 3201********0301", "<b>A tiga</b>", "Dapat kursi"):
        assert fragment in (card.text or "")
    labels = [label for label, _ in card.buttons]
    assert "🔁 Pindahkan ke gelombang lain" in labels and "❌ Batalkan tempatnya" in labels
    assert not any("Lepaskan NIK" in label for label in labels)  # coordinators: no such button

    # From the desk, with a typo in the name.
    await staff.send("/peserta", "Peserta per gelombang")
    await staff.press("Cari peserta", "Cari peserta")
    found = await staff.send("budi santosa", "(nama)")
    assert next(label for label, _ in found.buttons) == f"Budi Santoso · {code}"
    found = await staff.send("/cari 0857-1111-2222", "(nomor HP): 1 peserta")
    assert next(label for label, _ in found.buttons) == f"Budi Santoso · {code}"

    # Another BLK's coordinator finds nobody for the same queries, and a forged card
    # button is stale.
    other = Chat(fake_api, BLK_C_STAFF)
    for query in (code, "budi santosa", "+62 857 1111 2222"):
        await other.send(f"/cari {query}", "tidak ada peserta di wilayah Anda")
    answer = await other.answer_to(PersonCb(action=PersonAction.CARD, person=budi.id).pack())
    assert answer.params["text"] == STALE
    assert not any("Budi" in text for text in fake_api.sent_texts(BLK_C_STAFF))
    views = await audit_of(app, "participant.viewed")
    assert views == [{"registration_id": budi.id, "scope": {"kind": "blk", "code": BLK_A}}]
    searches = await audit_of(app, "participant.searched")
    assert [(s["kind"], s["found"]) for s in searches] == [
        ("code", 1), ("name", 1), ("phone", 1), ("code", 0), ("name", 0), ("phone", 0)
    ]  # fmt: skip


async def test_cancel_and_move_from_the_card(
    fake_api: FakeBotAPI, running_bot: RunningBot, sender_bot: Bot
) -> None:
    app, batches = await setup(running_bot)
    staff = Chat(fake_api, BLK_A_STAFF)
    await staff.send("/cari Budi Santoso", "1 peserta")
    await staff.press("Budi Santoso", "<b>Budi Santoso</b>")
    await staff.press("Batalkan tempatnya", "Batalkan tempat <b>Budi Santoso</b>", "A tiga")
    await staff.press("Ya, batalkan", "dibatalkan", "orang pertama di daftar tunggu")
    assert await live_batch(app, BUDI) is None
    assert await live_batch(app, SITI) == (batches["tiga"], "active")
    await deliver(app, sender_bot, running_bot)
    await Chat(fake_api, BUDI).expect("membatalkan tempat Anda", "<b>A tiga</b>")
    await Chat(fake_api, SITI).expect("Kabar baik", "A tiga")

    # Siti now holds the seat: a move into a full batch keeps it.
    await staff.send("/cari siti aminah", "1 peserta")
    await staff.press("Siti Aminah", "<b>Siti Aminah</b>", "Dapat kursi")
    choices = await staff.press("Pindahkan", "dari <b>A tiga</b> ke gelombang mana?")
    assert not any("A tiga" in label for label, _ in choices.buttons)
    await staff.press("A penuh", "dari <b>A tiga</b> ke <b>A penuh</b>?")
    await staff.press("Ya, pindahkan", "sudah penuh", "tetap memegang tempatnya di <b>A tiga</b>")
    assert await live_batch(app, SITI) == (batches["tiga"], "active")

    staff.press_on(choices, "A empat")
    await staff.expect("ke <b>A empat</b>?")
    await staff.press("Ya, pindahkan", "sudah dipindahkan", "A empat")
    assert await live_batch(app, SITI) == (batches["empat"], "active")
    await deliver(app, sender_bot, running_bot)
    await Chat(fake_api, SITI).expect("memindahkan tempat Anda", "A empat")

    # The old confirmation is stale now: the seat on it is gone.
    answer = await staff.answer_to(choices.button_data("A penuh"))
    assert answer.params["text"] == STALE
    siti = await registration(app, SITI)
    assert siti is not None
    moves = await audit_of(app, "participant.moved")
    assert moves == [
        {
            "registration_id": siti.id,
            "from_batch": batches["tiga"],
            "to_batch": batches["empat"],
            "promoted": False,
            "scope": {"kind": "blk", "code": BLK_A},
        }
    ]
    assert len(await audit_of(app, "participant.seat_cancelled")) == 1


async def test_an_admin_releases_a_nik_for_a_new_account(
    fake_api: FakeBotAPI, running_bot: RunningBot, sender_bot: Bot
) -> None:
    app, batches = await setup(running_bot)
    budi = await registration(app, BUDI)
    assert budi is not None
    registrations = app.services.registrations
    with pytest.raises(NikTaken):
        await registrations.register(NEW_ACCOUNT, form("Budi Santoso", 301, "+6285799990000"))

    # A coordinator has no such button, and forging it changes nothing.
    staff = Chat(fake_api, BLK_A_STAFF)
    await staff.send(f"/cari {budi.code}", "1 peserta")
    card = await staff.press("Budi Santoso", "<b>Budi Santoso</b>")
    assert not any("NIK" in label for label, _ in card.buttons)
    for action in (PersonAction.RELEASE, PersonAction.RELEASE_CONFIRMED):
        answer = await staff.answer_to(PersonCb(action=action, person=budi.id).pack())
        assert answer.params["text"] == STALE
    assert await registration(app, BUDI) is not None

    admin = Chat(fake_api, ADMIN_ID)
    await admin.send(f"/cari {budi.code}", "1 peserta")
    await admin.press("Budi Santoso", "<b>Budi Santoso</b>")
    await admin.press("Lepaskan NIK", "dihapus seluruhnya", budi.code, "/daftar")
    await admin.press("Ya, hapus pendaftaran lama", "bisa dipakai lagi", budi.code)
    assert await registration(app, BUDI) is None
    assert await live_batch(app, SITI) == (batches["tiga"], "active")  # the seat moved up
    await deliver(app, sender_bot, running_bot)
    await Chat(fake_api, SITI).expect("Kabar baik")

    await registrations.check_nik(NEW_ACCOUNT, nik_for(301))  # no longer refused
    await registrations.register(NEW_ACCOUNT, form("Budi Santoso", 301, "+6285799990000"))
    assert await audit_of(app, "participant.nik_released") == [
        {"registration_id": budi.id, "telegram_id": BUDI, "promoted": True}
    ]
