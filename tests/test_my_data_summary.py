"""The /datasaya summary on its own: a long history is cut between sections, each
message within Telegram's limit in UTF-16 units, nothing left out; a waitlist place is
shown with its number; dates of a batch are in its BLK's zone."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.places.regions import default_directory
from bot.runtime.i18n import create_i18n
from bot.telegram_text import MESSAGE_LIMIT, utf16_length
from bot.training.placements import BatchView, Placement
from handlers.privacy.summary import code_legend, summary_messages

START = datetime(2027, 1, 10, 17, 30, tzinfo=UTC)  # 11 January in WIT (UTC+9), 00.30 WIB
TITLE = "🧵 Menjahit " * 16  # 192 characters, 208 UTF-16 units


def seat(number: int, status: str, zone: str = "Asia/Jakarta") -> dict[str, Any]:
    return {
        "id": number,
        "batch_id": number,
        "batch": f"{TITLE}{number}",
        "blk": "🏫" * 100,
        "blk_timezone": zone,
        "starts_at": START.isoformat(),
        "ends_at": START.isoformat(),
        "status": status,
        "since": START.isoformat(),
        "attendance": "no",
        "attendance_answered_at": START.isoformat(),
        "check_ins": [],
        "result": None,
        "surveys": [],
    }


def export(seats: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "telegram_id": 1,
        "language": "en",
        "registration": None,
        "training": seats,
        "phk_pathway": None,
        "questions_to_coordinators": [],
        "open_conversations": [],
    }


def test_a_long_history_is_split_between_sections_within_the_limit() -> None:
    seats = [seat(n, "cancelled") for n in range(1, 41)]
    with create_i18n("id").context():
        messages = summary_messages(
            export(seats), None, None, None, default_directory(), "Asia/Jakarta"
        )
    assert len(messages) > 1
    assert all(utf16_length(message) <= MESSAGE_LIMIT for message in messages)
    text = "\n".join(messages)
    assert all(f"{TITLE}{n}</b>" in text for n in range(1, 41))
    assert text.count("Jawaban kehadiran: tidak bisa hadir") == 40
    assert "Bahasa: English" in messages[-1]


def test_a_waitlist_place_and_the_blks_own_zone() -> None:
    waiting = seat(7, "waitlisted", zone="Asia/Jayapura")
    batch = BatchView(7, "blk", "BLK", "x", START, START, START, 20, 0, "open", "Asia/Jayapura")
    with create_i18n("id").context():
        [message] = summary_messages(
            export([waiting]),
            None,
            Placement("waitlisted", 3, batch),
            None,
            default_directory(),
            "Asia/Jakarta",
        )
        legend = code_legend()
    assert "Status: dalam daftar tunggu" in message
    assert "Urutan Anda di daftar tunggu: 3" in message
    assert "Senin, 11 Januari 2027" in message  # the first day where the BLK is (WIT)
    assert "11 Jan 2027 00.30 WIB" in message  # moments in the programme's zone
    assert legend["training.status"]["waitlisted"] == "dalam daftar tunggu"
