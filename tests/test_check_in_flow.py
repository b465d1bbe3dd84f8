"""End to end: attendance check-in through the fake Bot API.

A Jakarta Selatan batch trains from Thursday 26 November to Tuesday 1 December 2026, 10.00-18.00
WIB (tolerance 60 minutes). The coordinator opens today's attendance from the roster,
gets the code and the QR code; participants check in by typed code and by the deep link
read from the QR picture as a phone's camera reads it; each refusal is met; the
coordinator marks someone without a phone by hand.
"""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from bot.coordinators.roles import Scope
from handlers.common.callbacks import CheckInAction, CheckInCb
from storage.models import AuditEntry, CheckIn, Enrollment, Registration
from tests.enrollment_setup import add_batch, register
from tests.fake_bot_api import ApiCall, FakeBotAPI
from tests.harness import ADMIN_ID, Chat, RunningBot
from tests.qr import qr_in_png, start_payload
from tests.test_training_flow import JAKSEL

STAFF, BUDI, SITI, ANDI, CITRA = 7101, 5101, 5102, 5103, 5104


def code_in(text: str) -> str:
    match = re.search(r"<code>([2-9A-Z]{6})</code>", text)
    assert match, text
    return match[1]


async def check_ins(running_bot: RunningBot) -> list[tuple[int, str, bool, str]]:
    """(whose, day, present, how) of every check-in, oldest first."""
    stmt = (
        select(Registration.telegram_id, CheckIn.day, CheckIn.present, CheckIn.method)
        .join(Enrollment, CheckIn.enrollment_id == Enrollment.id)
        .join(Registration, Enrollment.registration_id == Registration.id)
        .order_by(CheckIn.id)
    )
    async with running_bot.app.db.transaction() as session:
        rows = (await session.execute(stmt)).all()
    return [(person, day.isoformat(), present, method) for person, day, present, method in rows]


async def class_qr(fake_api: FakeBotAPI, staff: Chat, day: ApiCall, code: str) -> str:
    """The coordinator shows the day's QR code to the class: the /start payload a phone
    reads from the picture; the caption gives the link and the day's code to type."""
    staff.press_on(day, "Kode QR untuk kelas")
    photo = await fake_api.wait_call("sendPhoto", chat_id=STAFF)
    link = qr_in_png(photo.params["photo"].content)
    assert link in photo.params["caption"] and code in photo.params["caption"]
    return start_payload(link, fake_api.bot_username)


async def test_check_in_by_code_and_link_with_every_refusal(
    fake_api: FakeBotAPI, running_bot: RunningBot
) -> None:
    app, clock = running_bot.app, running_bot.clock
    # NOW is Tuesday 24 Nov 10.00 WIB: the batch starts in two days.
    batch = await add_batch(
        app.db, JAKSEL, 5, starts_in=timedelta(days=2), deadline_in=timedelta(days=1)
    )
    other = await add_batch(
        app.db, JAKSEL, 5, starts_in=timedelta(days=2), deadline_in=timedelta(days=1),
        title="Kewirausahaan Digital",
    )  # fmt: skip
    for serial, person in enumerate((BUDI, SITI, ANDI, CITRA), start=1):
        await register(app.services.registrations, person, serial)
    for person, target in ((BUDI, batch), (SITI, other), (CITRA, batch)):
        await app.services.enrollment.enroll(person, target, waitlist=False)
    await app.services.roles.grant(ADMIN_ID, STAFF, Scope.blk(JAKSEL))
    staff, budi, siti, andi = (Chat(fake_api, p) for p in (STAFF, BUDI, SITI, ANDI))

    # Before the first day there is no attendance to take.
    await staff.send("/peserta", "Kewirausahaan Kuliner")
    await staff.press("Kewirausahaan Kuliner", "Kewirausahaan Kuliner")
    staff.press_on(staff.last, "Absensi hari ini")
    await staff.expect("bukan hari pelatihan")

    # Thursday 26 Nov, 11.00 WIB: the first training day.
    first_day = app.clock.now() + timedelta(days=2, hours=1)
    clock.set(first_day)
    await staff.send("/peserta", "Kewirausahaan Kuliner")
    await staff.press("Kewirausahaan Kuliner", "Kewirausahaan Kuliner")
    day = await staff.press(
        "Absensi hari ini", "Kamis, 26 November 2026", "10.00–18.00 WIB", "Hadir 0 dari 2"
    )
    code = code_in(day.text)
    payload = await class_qr(fake_api, staff, day, code)
    keys = app.services.check_ins.keys
    assert keys.read_payload(payload) == (batch, first_day.date())

    # Budi types: not a code, another day's code, then today's in lower case with a dash.
    await budi.send("/hadir", "Ketik <b>kode kehadiran</b>")
    await budi.send("abc", "6 huruf dan angka", "Ketik <b>kode kehadiran</b>")
    tomorrow = keys.code_for(batch, first_day.date() + timedelta(days=1))
    await budi.send(tomorrow, "hari pelatihan yang lain", "Ketik <b>kode kehadiran</b>")
    await budi.send(f"{code[:3].lower()}-{code[3:].lower()}", "Kehadiran Anda tercatat")
    await budi.send(f"/hadir {code}", "sudah tercatat sebelumnya")

    # Siti holds a seat in another batch; Andi holds none.
    await siti.send(f"/start {payload}", "gelombang lain")
    await siti.send(f"/hadir {code}", "gelombang lain")
    await andi.send(f"/hadir {code}", "tidak terdaftar dengan kursi")
    await andi.send(f"/start {payload[:-1]}0", "tidak terdaftar")  # a forged link

    # The coordinator sees who is in and marks Citra, who has no phone, by hand.
    staff.press_on(day, "Perbarui")
    day = await staff.expect("Hadir 1 dari 2", "belum absen 1", "✅ hadir", "⏳ belum absen")
    await staff.press("Tandai hadir: 2. Peserta 4", "Hadir 2 dari 2")
    await staff.press("Tandai tidak hadir: 2. Peserta 4", "Hadir 1 dari 2", "❌ tidak hadir")
    today = first_day.date().isoformat()
    assert await check_ins(running_bot) == [
        (BUDI, today, True, "code"),
        (CITRA, today, False, "staff"),
    ]
    async with app.db.transaction() as session:
        marks = (
            await session.execute(select(AuditEntry).where(AuditEntry.action == "check_in.marked"))
        ).scalars()
        assert [entry.actor_id for entry in marks] == [STAFF, STAFF]

    # The next day's QR code, shown at 08.30 WIB: scanned too early then, accepted at
    # 09.30, too late after 19.00.
    second = first_day + timedelta(days=1)
    clock.set(second - timedelta(hours=2, minutes=30))
    await staff.send("/peserta", "Kewirausahaan Kuliner")
    await staff.press("Kewirausahaan Kuliner", "Kewirausahaan Kuliner")
    friday = await staff.press("Absensi hari ini", "Jumat, 27 November 2026")
    link = await class_qr(fake_api, staff, friday, keys.code_for(batch, second.date()))
    assert link == keys.payload_for(batch, second.date())
    await budi.send(f"/start {link}", "mulai pukul 09.00 WIB")
    clock.set(second - timedelta(hours=1, minutes=30))
    await budi.send(f"/start {link}", "Kehadiran Anda tercatat", "Jumat, 27 November 2026")
    assert (await check_ins(running_bot))[-1] == (BUDI, second.date().isoformat(), True, "link")
    clock.set(second + timedelta(hours=8, minutes=1))
    await Chat(fake_api, CITRA).send(f"/start {link}", "sudah lewat", "sampai pukul 19.00 WIB")

    # Friday evening: Citra was in class on Thursday after all. The coordinator goes back
    # a day (no code shown for it, no day after today) and marks her there.
    await staff.send("/peserta", "Kewirausahaan Kuliner")
    await staff.press("Kewirausahaan Kuliner", "Kewirausahaan Kuliner")
    friday = await staff.press("Absensi hari ini", "Jumat, 27 November 2026", "Hadir 1 dari 2")
    assert "▶️" not in str(friday.buttons)
    thursday = await staff.press("◀️ 26 Nov 2026", "Kamis, 26 November 2026", "Hadir 1 dari 2")
    assert code not in (thursday.text or "") and "Kode QR" not in str(thursday.buttons)
    await staff.press("Tandai hadir: 2. Peserta 4", "Kamis, 26 November 2026", "Hadir 2 dari 2")
    await staff.press("27 Nov 2026 ▶️", "Jumat, 27 November 2026", "Hadir 1 dari 2")
    assert (CITRA, today, True, "staff") in await check_ins(running_bot)
    async with app.db.transaction() as session:
        last = await session.scalar(
            select(AuditEntry)
            .where(AuditEntry.action == "check_in.marked")
            .order_by(AuditEntry.id.desc())
        )
    assert last is not None and today in last.details
    saturday = (second + timedelta(days=1)).date().toordinal()  # a day still ahead
    forged = CheckInCb(action=CheckInAction.PRESENT, batch=batch, seat=1, day=saturday)
    await staff.answer_to(forged.pack())
    await staff.expect("bukan hari pelatihan")

    # After the last day, no code is taken.
    clock.set(first_day + timedelta(days=7))
    await budi.send(f"/hadir {code}", "bukan hari pelatihan")


async def test_wrong_codes_are_limited(fake_api: FakeBotAPI, running_bot: RunningBot) -> None:
    app, clock = running_bot.app, running_bot.clock
    batch = await add_batch(
        app.db, JAKSEL, 5, starts_in=timedelta(days=2), deadline_in=timedelta(days=1)
    )
    await register(app.services.registrations, BUDI, 1)
    await app.services.enrollment.enroll(BUDI, batch, waitlist=False)
    clock.set(app.clock.now() + timedelta(days=2, hours=1))
    code = app.services.check_ins.keys.code_for(batch, app.clock.today_in("Asia/Jakarta"))
    wrong = "222222" if code != "222222" else "333333"
    budi = Chat(fake_api, BUDI)
    limit = app.services.check_ins.rules.check_in_misses_per_hour
    await budi.send("/hadir", "Ketik <b>kode kehadiran</b>")
    for _ in range(limit):
        await budi.send(wrong, "tidak cocok", "Ketik <b>kode kehadiran</b>")
    await budi.send(code, "Terlalu banyak kode yang salah")
    clock.set(app.clock.now() + timedelta(hours=1, minutes=1))
    await budi.send(f"/hadir {code}", "Kehadiran Anda tercatat")
    assert len(await check_ins(running_bot)) == 1
