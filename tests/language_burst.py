"""A burst of language-button presses, each a database write and one answer, and what
became of it: answers lost, answers sent twice. The load of the fault tests and benches."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, select

from storage.database import Database
from storage.models import OutboxMessage
from storage.outbox_repository import REPLY
from tests.fake_bot_api import FakeBotAPI

CHOICES = ("en", "id")
ANSWERS = {"en": "Language changed to English.", "id": "Bahasa diubah ke Bahasa Indonesia."}


@dataclass
class Burst:
    """Who pressed what, in order, and the update id of the last press."""

    expected: dict[int, list[str]] = field(default_factory=dict)
    last_update: int = 0

    @property
    def size(self) -> int:
        return sum(len(answers) for answers in self.expected.values())


def press_languages(fake: FakeBotAPI, people: range, presses: int) -> Burst:
    """Queue `presses` rounds: everyone presses English, then Indonesian, and so on."""
    burst = Burst({person: [] for person in people})
    for press in range(presses):
        choice = CHOICES[press % 2]
        for person in people:
            burst.last_update = fake.callback(person, f"l1:{choice}", message_id=1)
            burst.expected[person].append(ANSWERS[choice])
    return burst


def answers(fake: FakeBotAPI, burst: Burst) -> list[tuple[int, str]]:
    """(chat, text) of every answer Telegram accepted for the burst's people."""
    return [
        (call.chat_id, call.text or "")
        for call in fake.calls
        if call.method == "sendMessage" and call.ok and call.chat_id in burst.expected
    ]


def lost_and_twice(fake: FakeBotAPI, burst: Burst) -> tuple[int, int]:
    """Answers missing, and answers beyond the one each press was owed."""
    got: dict[int, Counter[str]] = {person: Counter() for person in burst.expected}
    for chat_id, text in answers(fake, burst):
        got[chat_id][text] += 1
    lost = twice = 0
    for person, expected in burst.expected.items():
        want = Counter(expected)
        lost += sum((want - got[person]).values())
        twice += sum((got[person] - want).values())
    return lost, twice


async def reply_statuses(database_url: str) -> dict[str, int]:
    """The outbox rows of update answers by status: all "sent" once nothing is left over."""
    db = Database(database_url)
    try:
        async with db.transaction() as session:
            stmt = (
                select(OutboxMessage.status, func.count())
                .where(OutboxMessage.kind == REPLY)
                .group_by(OutboxMessage.status)
            )
            return dict((await session.execute(stmt)).all())
    finally:
        await db.close()
