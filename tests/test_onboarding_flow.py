"""End to end: becoming a coordinator. /id for anyone; /koordinator by place name, with
choices when a name fits several places, and the BLK list with ids; staff's own "/" menu
and /bantuan.

The running bot has the packaged regions and BLK directory (Jawa Barat has BLK Kabupaten
Bekasi and BBPVP Bekasi, among others).
"""

from __future__ import annotations

from typing import Any

from bot.coordinators.roles import Scope
from bot.runtime.app import App
from tests.fake_bot_api import FakeBotAPI
from tests.harness import ADMIN_ID, Chat, RunningBot

PROVINCE_STAFF, BLK_STAFF = 7001, 7002


def menu(fake: FakeBotAPI, chat_id: int, language: str = "") -> list[str]:
    commands: list[dict[str, Any]] = fake.my_commands.get(("chat", chat_id, language), [])
    return [command["command"] for command in commands]


async def test_anyone_can_see_their_telegram_id(
    fake_api: FakeBotAPI, running_bot: RunningBot
) -> None:
    await Chat(fake_api, 5555).send("/id", "ID Telegram Anda: <code>5555</code>")
    english = Chat(fake_api, 5556, language="en")
    await english.send("/id", "Your Telegram id: <code>5556</code>")


async def test_admin_grants_by_name_and_staff_get_their_menu(
    fake_api: FakeBotAPI, running_bot: RunningBot
) -> None:
    app = running_bot.app
    assert isinstance(app, App)
    admin = Chat(fake_api, ADMIN_ID)
    assert menu(fake_api, ADMIN_ID)[:2] == ["koordinator", "peserta"]  # set at start

    # The future coordinator learns their id and tells the admin.
    await Chat(fake_api, PROVINCE_STAFF).send("/id", f"<code>{PROVINCE_STAFF}</code>")
    await admin.send(
        f"/koordinator tambah {PROVINCE_STAFF} provinsi jabar",
        f"<code>{PROVINCE_STAFF}</code> sekarang koordinator untuk: Provinsi Jawa Barat (32)",
    )
    staff_menu = menu(fake_api, PROVINCE_STAFF)
    assert staff_menu[:4] == ["peserta", "statistik", "siaran", "tiket"]
    assert "koordinator" not in staff_menu and "daftar" in staff_menu
    assert menu(fake_api, PROVINCE_STAFF, "en")[:2] == ["peserta", "statistik"]

    # "bekasi" fits two BLKs: the admin chooses; the person comes from the command.
    choices = await admin.send(
        f"/koordinator tambah {BLK_STAFF} bekasi",
        "Beberapa tempat cocok dengan «bekasi»",
        f"<code>{BLK_STAFF}</code>",
    )
    assert [label for label, _ in choices.buttons] == [
        "BLK Kabupaten Bekasi (Disnaker Kabupaten Bekasi)",
        "Balai Besar Pelatihan Vokasi dan Produktivitas (BBPVP) Bekasi",
    ]
    await admin.press(
        "BLK Kabupaten Bekasi",
        f"<code>{BLK_STAFF}</code> sekarang koordinator untuk: BLK Kabupaten Bekasi",
    )
    assert await app.services.roles.scope_of(BLK_STAFF) == Scope.blk("blk-kab-bekasi")
    await admin.send("/koordinator tambah 7003 xyzzy", "Tidak ada provinsi atau BLK yang cocok")

    listing = await admin.send(
        "/koordinator blk jabar", "<b>BLK di Jawa Barat (", "BLK Kabupaten Bekasi"
    )
    assert "<code>blk-kab-bekasi</code>" in (listing.text or "")
    coordinators = await admin.send("/koordinator", "<b>Koordinator (2)</b>")
    assert f"Budi (<code>{PROVINCE_STAFF}</code>) — Provinsi Jawa Barat (32)" in (
        coordinators.text or ""
    )

    # Staff's own help; a participant's stays as it was.
    staff_help = await Chat(fake_api, PROVINCE_STAFF).send("/bantuan", "Alat koordinator")
    assert "Alat administrator" not in (staff_help.text or "")
    await admin.send("/bantuan", "Alat koordinator", "Alat administrator", "/daftar")
    participant = await Chat(fake_api, 5555).send("/bantuan", "<b>Bantuan</b>")
    assert "Alat koordinator" not in (participant.text or "")

    # Revoked: back to everyone's menu.
    await admin.send(f"/koordinator hapus {BLK_STAFF}", f"<code>{BLK_STAFF}</code>")
    assert menu(fake_api, BLK_STAFF) == [] and menu(fake_api, BLK_STAFF, "en") == []


async def test_a_forged_place_choice_is_stale(
    fake_api: FakeBotAPI, running_bot: RunningBot
) -> None:
    admin = Chat(fake_api, ADMIN_ID)
    await admin.send("/koordinator", "Belum ada koordinator")
    # Under a message that answers no /koordinator command: nobody to grant.
    answer = await admin.answer_to("co2:b:blk-kab-bekasi")
    assert answer.params["text"] == "Tombol ini sudah tidak berlaku."
