"""The realistic mix of bench/update_path.py: what people do in their first minutes with
the bot, one journey per person, queued step by step so a getUpdates batch holds many
people (as after a broadcast) rather than one person's whole conversation.

A journey: /start, the menu's "Bantuan", a typed question (six wordings, clear and
unclear), the menu's "Jadwal saya", then registration — /daftar, the consent button, a
name, a valid NIK of their own, "Benar", a typed phone number, the province and regency
typed, business status and sector pressed: 14 updates (2 commands, 6 typed answers or
questions, 6 presses); `steps_of` cuts the journey short.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tests.enrollment_setup import nik_for
from tests.fake_bot_api import FakeBotAPI

QUESTIONS = (
    "apakah pelatihan ini berbayar?",
    "gmn cara daftarnya",
    "brp biayanya",
    "dokumen apa saja yang perlu dibawa",
    "kapan pelatihan dimulai",
    "apakah dapat modal usaha",
)


@dataclass(frozen=True)
class Step:
    """One update: a typed `text` or a button's `data` (pressed), for person number n."""

    text: Callable[[int], str] | None = None
    data: str | None = None

    def push(self, fake: FakeBotAPI, user_id: int, n: int) -> int:
        if self.data is not None:
            return fake.callback(user_id, self.data, message_id=1)
        assert self.text is not None
        return fake.message(user_id, self.text(n))


def typed(text: str) -> Step:
    return Step(text=lambda n: text)


JOURNEY: tuple[Step, ...] = (
    typed("/start"),
    Step(data="m1:help"),
    Step(text=lambda n: QUESTIONS[n % len(QUESTIONS)]),
    Step(data="m1:sched"),
    typed("/daftar"),
    Step(data="r1:cs:1"),
    typed("Budi Santoso"),
    Step(text=lambda n: nik_for(n % 9_999 + 1)),
    Step(data="r1:nc:1"),
    Step(text=lambda n: f"08123{n:07d}"),
    typed("jawa barat"),
    typed("kab bogor"),
    Step(data="r1:bs:micro"),
    Step(data="r1:sc:food"),
)


def variant(n: int) -> int:
    """People with the same variant get the same answers to their journey."""
    return n % len(QUESTIONS)


def steps_of(n: int, updates: int, people: int) -> int:
    """How many steps person n (0-based) takes: `updates` spread over `people`."""
    share, extra = divmod(updates, people)
    return share + (n < extra)


def queue_round(fake: FakeBotAPI, people: dict[int, int], step: int) -> dict[int, int]:
    """Person n (user id → n) takes journey step `step`; returns update id by user id."""
    return {user: JOURNEY[step].push(fake, user, n) for user, n in people.items()}
