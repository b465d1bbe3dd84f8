"""End to end: a participant who passed gets the certificate PDF (its text and its QR code
read back), anyone checks a real and a made-up number, by /cek and by the deep link a
phone reads from the QR code, and an administrator revokes it (audited)."""

from __future__ import annotations

import io
import re
from datetime import timedelta

from pypdf import PdfReader
from sqlalchemy import select

from bot.coordinators.roles import Scope
from bot.training.certificates import read_number
from storage.models import AuditEntry
from tests.enrollment_setup import add_batch, register
from tests.fake_bot_api import FakeBotAPI
from tests.harness import ADMIN_ID, Chat, RunningBot
from tests.qr import qr_in_pdf, start_payload
from tests.test_training_flow import JAKSEL

STAFF, BUDI, STRANGER = 7301, 5301, 5399


async def test_certificate_sent_checked_and_revoked(
    fake_api: FakeBotAPI, running_bot: RunningBot
) -> None:
    app, clock = running_bot.app, running_bot.clock
    batch = await add_batch(
        app.db, JAKSEL, 5, starts_in=timedelta(days=2), deadline_in=timedelta(days=1)
    )
    await register(app.services.registrations, BUDI, 1)
    await app.services.enrollment.enroll(BUDI, batch, waitlist=False)
    await app.services.roles.grant(ADMIN_ID, STAFF, Scope.blk(JAKSEL))
    first_day = clock.now() + timedelta(days=2, hours=1)  # Thursday 26 Nov, 11.00 WIB
    for day in range(6):
        clock.set(first_day + timedelta(days=day))
        [seat] = (await app.services.check_ins.day_sheet(STAFF, batch)).entries
        await app.services.check_ins.mark(STAFF, batch, seat.enrollment_id, present=True)
    clock.set(first_day + timedelta(days=6))
    assert await app.services.completion.complete_due() == 1

    budi = Chat(fake_api, BUDI)
    budi.fake.message(BUDI, "/sertifikat")
    document = await fake_api.wait_call("sendDocument", chat_id=BUDI)
    number = re.search(r"SRT-\d{4}-[2-9A-Z]{8}", document.params["caption"])[0]
    pdf = PdfReader(io.BytesIO(document.params["document"].content))
    text = " ".join(pdf.pages[0].extract_text().split())
    for shown in (
        "SERTIFIKAT",
        "Pelatihan Kewirausahaan",  # the batch's programme
        "Peserta 1",
        "Kewirausahaan Kuliner",
        "Pusat Pelatihan Kerja Daerah",
        "Kamis, 26 November 2026 – Selasa, 1 Desember 2026 · 48 jam pelatihan",
        f"Nomor: {number}",
        f"/cek {number}",
    ):
        assert shown in text, shown
    payload = start_payload(qr_in_pdf(pdf), fake_api.bot_username)
    assert payload == f"cek-{number}"

    stranger = Chat(fake_api, STRANGER)
    valid = (
        "berlaku",
        "Atas nama: Pe***** 1*",
        "Program: Pelatihan Kewirausahaan",
        "Pelatihan: Kewirausahaan Kuliner",
        "Kamis, 26 November",
    )
    await stranger.send(f"/cek {number.lower().replace('-', ' ')}", *valid)
    await stranger.send(f"/start {payload}", *valid)
    made_up = "SRT-2026-22222222" if number != "SRT-2026-22222222" else "SRT-2026-33333333"
    await stranger.send(f"/cek {made_up}", "tidak terdaftar")
    await stranger.send("/cek 12345", "Ketik /cek diikuti nomor sertifikat")
    await stranger.send(f"/cabutsertifikat {number}", "belum mengerti")  # not an admin

    admin = Chat(fake_api, ADMIN_ID)
    await admin.send(f"/cabutsertifikat {number}", "sudah dicabut")
    await stranger.send(f"/cek {number}", "sudah dicabut", "tidak berlaku")
    await stranger.send(f"/start {payload}", "sudah dicabut", "tidak berlaku")
    await budi.send("/sertifikat", "belum memiliki sertifikat yang berlaku")
    async with app.db.transaction() as session:
        stmt = select(AuditEntry).where(AuditEntry.action == "certificate.revoked")
        [entry] = (await session.scalars(stmt)).all()
    assert entry.actor_id == ADMIN_ID and number in entry.details
    await budi.send("/hapusdata", "Sertifikat Anda juga akan dihapus")


def test_numbers_are_read_in_any_spelling() -> None:
    assert read_number(" srt 2026 7k3qxp9a ") == "SRT-2026-7K3QXP9A"
    assert read_number("SRT-2026-7K3QXP9O") is None  # O is not used in numbers
    assert read_number("SRT-26-7K3QXP9A") is None
