"""Fuzz: thousands of random updates through the real bot, over the fake Bot API.

Each example is a few people (new, registered, a coordinator, and the admin) acting
in rounds: one update each per round, all sent at once, then the test waits until
the bot confirmed them. An action is pressing one of the buttons the bot just sent (so
real conversation states are reached), typing a plausible answer, or abuse: random,
huge and invisible-character texts, commands with garbage, forged, stale and other
people's button data, stickers, photos, voice, files, other people's contacts, places at
sea or off the globe, edits, group messages and channel posts. Whatever routers are
registered are covered, since the real dispatcher handles every update.

After every round: no ERROR was logged (the errors router logs every unhandled
exception), every Bot API call was valid (the fake checks the schema), and someone who
just erased their data has no rows left. After every example: the database invariants.

The world persists across examples (a fresh database per run, new people per example),
so states pile up as in production. `FUZZ_UPDATES` scales the run (default 2,500
updates; the count sent is printed). With `CI` set the examples are derandomized, so a
failure in CI is the same failure on a laptop; locally they are random and hypothesis
keeps failing examples in `.hypothesis/` and prints a `@reproduce_failure` blob.
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiogram.filters.callback_data import CallbackData
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import Table, func, select, text

from bot.coordinators.roles import COUNTRY, Scope
from bot.runtime.app import App
from handlers.common.callbacks import BlkAction, BlkCb  # and every other CallbackData subclass
from handlers.common.commands import COMMANDS
from storage.models import Base
from tests.enrollment_setup import add_batch, register
from tests.fake_bot_api import FakeBotAPI
from tests.harness import ADMIN_ID, RunningBot, make_settings

UPDATES = int(os.environ.get("FUZZ_UPDATES", "2500"))
ROUNDS = 10
NEW, REGISTERED, COORDINATORS = 4, 2, 1  # per example, plus the admin
PEOPLE = NEW + REGISTERED + COORDINATORS + 1
PER_EXAMPLE = ROUNDS * PEOPLE
EXAMPLES = max(1, math.ceil(UPDATES / PER_EXAMPLE))

ODD_CHARACTERS = [
    "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff",  # zero-width
    "\u200e", "\u200f", "\u202e", "\u202d", "\u2066",  # direction marks and overrides
    "🇮🇩", "👍🏽", "👨‍👩‍👧", "é", "e\u0301", "ﷺ", "𝓑𝓾𝓭𝓲", "<b>", "</a>", "&amp;", "&", "<", ">", '"',
]  # fmt: skip
PLAUSIBLE = [
    "Budi Santoso", "Siti Nurhaliza", "3201011201900001", "3201 0112 0190", "081234567890",
    "+6281234567890", "kab bogor", "jakarta selatan", "Surabya", "jogja", "Cibinong",
    "12/01/1990", "Januari 2025", "ya", "tidak", "1", "0", "-", "batal", "semua",
    "32", "blk", '<b>x</b><a href="http://evil">y</a>',
]  # fmt: skip
EXTRA_COMMANDS = ["start", "help", "koordinator", "siaran", "bahasa", "unknown", "Start"]
GARBAGE_ARGS = [
    "", " xyz", " 0", " -1", " 99999999999999999999", " tambah 7001 negara", " hapus 7001",
    " tambah 5 provinsi 99", " tambah 5 blk ../../etc", " " + "a" * 300, " \u202e\u200b",
]  # fmt: skip
BOGOR = (-6.6, 106.8)
PREFIXES = sorted({cls.__prefix__ for cls in CallbackData.__subclasses__()})


class ErrorLog(logging.Handler):
    """ERROR records from anywhere in the process: the errors router logs exceptions here."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def report(self) -> str:
        formatter = logging.Formatter("%(name)s: %(message)s")
        return "\n".join(formatter.format(record) for record in self.records)


@dataclass
class Person:
    user_id: int
    language: str
    opening: str  # the first update: a command, "location" (Bogor) or "batches" (a BLK's)
    buttons: list[tuple[int, str]] = field(default_factory=list)  # (message id, data)
    reply_texts: list[str] = field(default_factory=list)


@dataclass
class World:
    running: RunningBot
    fake: FakeBotAPI
    errors: ErrorLog
    next_user: int = 100_000
    seen_calls: int = 0
    updates_sent: int = 0
    all_buttons: list[tuple[int, int, str]] = field(default_factory=list)  # (chat, msg, data)
    blk_ids: list[str] = field(default_factory=list)  # the BLKs with batches

    @property
    def app(self) -> App:
        assert self.running.app is not None
        return self.running.app


@pytest.fixture
async def world(
    fake_api: FakeBotAPI, database_url: str, redis_url: str | None, data_key: str
) -> AsyncIterator[World]:
    """The bot on a fresh database, answering as fast as it can: pacing is not under test."""
    settings = make_settings(fake_api, database_url, redis_url, data_key)
    running_bot = RunningBot(settings.model_copy(update={"outbox_rate": 1000}))
    await running_bot.start()
    errors = ErrorLog()
    logging.getLogger().addHandler(errors)
    app = running_bot.app
    assert app is not None
    # Small batches near Bogor, where registered people live and locations point to:
    # seats run out and the waitlist is used.
    world = World(running_bot, fake_api, errors)
    for near in await app.services.directory.nearest_blks(*BOGOR, limit=2):
        await add_batch(app.db, near.blk.id, capacity=1)
        await add_batch(app.db, near.blk.id, capacity=2, title="Pemasaran Digital")
        world.blk_ids.append(near.blk.id)
    try:
        yield world
        print(f"\nfuzz: {world.updates_sent} updates sent; rows: {await row_counts(app)}")
    finally:
        logging.getLogger().removeHandler(errors)
        await running_bot.stop()


async def row_counts(app: App) -> dict[str, int]:
    """How far people got, for whoever tunes the strategies (the regions are left out)."""
    skip = {"provinces", "regencies", "districts", "blks", "processed_updates"}
    async with app.db.transaction() as session:
        counts = {
            table.name: await session.scalar(select(func.count()).select_from(table))
            for table in Base.metadata.sorted_tables
            if table.name not in skip
        }
    return {name: count for name, count in counts.items() if count}


# -- what people do ------------------------------------------------------------------------

odd_text = st.lists(
    st.one_of(st.sampled_from(ODD_CHARACTERS), st.text(max_size=8)), max_size=12
).map("".join)
huge_text = st.builds(
    lambda piece, n: (piece * n)[: 4096 + n % 50], st.sampled_from(["a", "é", "🇮🇩", "x y ", "<"]),
    st.integers(4000, 4200),
)  # fmt: skip
command = st.builds(
    lambda name, args: f"/{name}{args}",
    st.sampled_from(sorted(COMMANDS) + EXTRA_COMMANDS),
    st.one_of(st.sampled_from(GARBAGE_ARGS), odd_text.map(lambda t: " " + t)),
)
any_text = st.one_of(
    st.sampled_from(PLAUSIBLE),
    command,
    odd_text,
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")),
    huge_text,
)
short_bytes_data = st.text(min_size=1, max_size=64).map(
    lambda s: s.encode()[:64].decode(errors="ignore") or "x"
)
WRONG_VALUES = ["", "0", "-1", "1", "999999999", "x", "True", "🇮🇩", "32"]
forged_data = st.builds(
    lambda prefix, parts: ":".join([prefix, *parts])[:64],
    st.sampled_from(PREFIXES),
    st.lists(st.sampled_from(WRONG_VALUES), max_size=4),
)
document_bytes = st.binary(max_size=300) | any_text.map(
    lambda t: f"id,blk_id,title,start_date\n{t}".encode()
)
FILE_NAMES = ["batches.csv", "blk.csv", "x.exe", "data.json"]
phone_text = st.sampled_from(["081234567890", "+6281234567890", "12", "+1 555 0100"]) | st.text(
    min_size=1, max_size=20
)
point = st.sampled_from(
    [BOGOR, (-6.2, 106.85), (0.0, 0.0), (-8.0, 95.0), (95.0, 200.0), (-90.0, -180.0)]
) | st.tuples(st.floats(-90, 90), st.floats(-180, 180))
# Each person opens with a step into a journey, then follows buttons more often than not.
OPENINGS = {
    "new": ["/daftar", "/start", "/kelayakan", "/blk", "/bantuan"],
    "registered": ["batches", "batches", "location", "/jadwal", "/status", "/hapusdata"],
    "coordinator": ["/siaran", "/start"],
    "admin": ["/koordinator", "/siaran"],
}
ACTIONS = [
    *["press"] * 10, "reply_button", "text", "text", "command",
    "foreign_press", "forged_press", "random_press", "sticker", "photo", "voice", "document",
    "own_contact", "other_contact", "location", "edit", "group", "channel",
]  # fmt: skip


def press(world: World, user_id: int, payload: str, message_id: int | None = None) -> int:
    """A button press on `message_id`, else on the bot's last message in the chat, else on
    a message too old to read (Telegram always says which message a button was on)."""
    if message_id is None and user_id not in world.fake.last_bot_message:
        message_id = 0
    return world.fake.callback(user_id, payload, message_id=message_id)


def pick(items: list[Any], index: int, fallback: Any) -> Any:
    """An item chosen by a drawn index, so what is drawn never depends on the bot's replies."""
    return items[index % len(items)] if items else fallback


async def act(world: World, person: Person, data: st.DataObject) -> int:
    """One update from `person`; returns its update id."""
    fake, uid, lang = world.fake, person.user_id, person.language
    action = data.draw(st.sampled_from(ACTIONS), label="action")
    index = data.draw(st.integers(0, 2**16), label="index")
    stale = f"{PREFIXES[index % len(PREFIXES)]}:{index}"
    match action:
        case "press":
            message_id, payload = pick(person.buttons, index, (None, stale))
            return press(world, uid, payload, message_id)
        case "reply_button":
            label = pick(person.reply_texts, index, PLAUSIBLE[index % len(PLAUSIBLE)])
            return fake.message(uid, label, language_code=lang)
        case "foreign_press":
            chat, message_id, payload = pick(world.all_buttons, index, (0, None, stale))
            return press(world, uid, payload, message_id if chat == uid else None)
        case "forged_press":
            return press(world, uid, data.draw(forged_data, label="forged"))
        case "random_press":
            return press(world, uid, data.draw(short_bytes_data, label="random data"))
        case "sticker":
            return fake.sticker(uid)
        case "photo":
            return fake.photo(uid, caption=data.draw(st.none() | any_text, label="caption"))
        case "voice":
            return fake.voice(uid)
        case "document":
            content = data.draw(document_bytes, label="file")
            return fake.document(uid, content, FILE_NAMES[index % len(FILE_NAMES)])
        case "own_contact" | "other_contact":
            phone = data.draw(phone_text, label="phone")
            owner = uid if action == "own_contact" else data.draw(st.none() | st.integers(1, 2**40))
            return fake.contact(uid, phone, contact_user_id=owner)
        case "location":
            return fake.location(uid, *data.draw(point, label="location"))
        case "edit":
            return fake.edited_message(uid, data.draw(any_text, label="edit"))
        case "group":
            return fake.group_message(-100_123, uid, data.draw(any_text, label="group"))
        case "channel":
            return fake.channel_post(-1_000_000_000_777, data.draw(any_text, label="post"))
        case "command":
            return fake.message(uid, data.draw(command, label="command"), language_code=lang)
    return fake.message(uid, data.draw(any_text, label="text"), language_code=lang)


def read_replies(world: World, people: dict[int, Person]) -> list[Any]:
    """Remember the buttons each person was just sent; returns the new calls."""
    calls = world.fake.calls[world.seen_calls :]
    world.seen_calls = len(world.fake.calls)
    for call in calls:
        person = people.get(call.chat_id or 0)
        if person is None or not call.ok or call.method == "answerCallbackQuery":
            continue
        message_id = call.params.get("message_id") or (
            call.result.get("message_id") if isinstance(call.result, dict) else None
        )
        kind = call.keyboard_kind
        if kind == "inline" and message_id:
            person.buttons = [(message_id, d) for _, d in call.buttons if d]
            world.all_buttons += [(person.user_id, message_id, d) for _, d in call.buttons if d]
        elif kind == "reply":
            person.reply_texts = [label for label, _ in call.buttons]
        elif kind == "remove":
            person.reply_texts = []
    return calls


def opening(world: World, person: Person) -> int:
    if person.opening == "location":
        return world.fake.location(person.user_id, *BOGOR)
    if person.opening == "batches":  # the "Gelombang" button of the BLK list
        button = BlkCb(action=BlkAction.BATCHES, blk=world.blk_ids[person.user_id % 2])
        return press(world, person.user_id, button.pack())
    return world.fake.message(person.user_id, person.opening, language_code=person.language)


async def round_of(
    world: World, people: dict[int, Person], data: st.DataObject, *, first: bool = False
) -> None:
    fake = world.fake
    sent = [
        opening(world, person) if first else await act(world, person, data)
        for person in people.values()
    ]
    world.updates_sent += len(sent)
    taken = {u["update_id"] for u in fake.deliverable()} & set(sent)
    if taken:
        await fake.wait_confirmed(max(taken))
    calls = read_replies(world, people)
    assert not world.errors.records, world.errors.report() + "\n" + fake.dump()
    assert not fake.violations, fake.dump()
    await check_erasures(world, calls)


# -- what must always hold -----------------------------------------------------------------


async def check_erasures(world: World, calls: list[Any]) -> None:
    """Right after "all your data is deleted", nothing personal of that person is left."""
    i18n = world.app.i18n
    done = {i18n.gettext("erase-done", locale=locale) for locale in i18n.available_locales}
    erased = {call.chat_id for call in calls if call.text in done}
    if not erased:
        return
    personal = [t for t in Base.metadata.sorted_tables if "telegram_id" in t.c]
    async with world.app.db.transaction() as session:
        for table in personal:
            if table.name == "coordinators":  # a role, not the person's data
                continue
            for user_id in erased:
                left = select(func.count()).select_from(table).where(table.c.telegram_id == user_id)
                assert await session.scalar(left) == 0, f"{table.name} keeps erased {user_id}"


async def orphans(session: Any, table: Table) -> list[str]:
    """Rows whose foreign key points at nothing (whatever helpers added tables since)."""
    found = []
    for fk in table.foreign_keys:
        child, parent = fk.parent, fk.column
        query = (
            select(func.count())
            .select_from(table.outerjoin(parent.table, child == parent))
            .where(child.is_not(None), parent.is_(None))
        )
        if count := await session.scalar(query):
            found.append(f"{count} {table.name}.{child.name} -> {parent.table.name}")
    return found


INVARIANTS = {
    "seats beyond capacity or below zero": (
        "SELECT id FROM batches WHERE seats_taken > capacity OR seats_taken < 0"
    ),
    "seats_taken differs from the active enrollments": (
        "SELECT b.id FROM batches b WHERE b.seats_taken != (SELECT COUNT(*) FROM enrollments e"
        " WHERE e.batch_id = b.id AND e.status = 'active')"
    ),
    "two live enrollments for one registration": (
        "SELECT registration_id FROM enrollments WHERE status != 'cancelled'"
        " GROUP BY registration_id HAVING COUNT(*) > 1"
    ),
    "a registration without consent": (
        "SELECT id FROM registrations WHERE consent_at IS NULL OR consent_version IS NULL"
        " OR consent_version = ''"
    ),
    "an empty conversation row": "SELECT key FROM fsm_records WHERE state IS NULL AND data IS NULL",
    "a pending reminder of a cancelled enrollment": (
        "SELECT o.id FROM outbox o JOIN enrollments e ON e.id = o.enrollment_id"
        " WHERE e.status = 'cancelled' AND o.status = 'pending' AND o.kind = 'reminder'"
    ),
}


async def check_invariants(app: App) -> None:
    async with app.db.transaction() as session:
        broken = [
            f"{name}: {rows}"
            for name, sql in INVARIANTS.items()
            if (rows := list((await session.execute(text(sql))).scalars()))
        ]
        for table in Base.metadata.sorted_tables:
            broken += await orphans(session, table)
    assert not broken, "\n".join(broken)


# -- the test ------------------------------------------------------------------------------


async def new_people(world: World, data: st.DataObject) -> dict[int, Person]:
    """New people, registered ones, a coordinator (country or province), and the admin."""
    app = world.app
    ids = list(range(world.next_user, world.next_user + PEOPLE - 1))
    world.next_user += PEOPLE - 1
    for user_id in ids[NEW : NEW + REGISTERED]:
        await register(app.services.registrations, user_id, serial=user_id % 10_000)
    for user_id in ids[NEW + REGISTERED :]:
        scope = data.draw(st.sampled_from([COUNTRY, Scope.province("32")]), label="scope")
        await app.services.roles.grant(ADMIN_ID, user_id, scope)
    roles = ["new"] * NEW + ["registered"] * REGISTERED + ["coordinator"] * COORDINATORS
    people = {}
    for user_id, role in zip([*ids, ADMIN_ID], [*roles, "admin"], strict=True):
        language = data.draw(st.sampled_from(["id", "en"]), label="language")
        first = data.draw(st.sampled_from(OPENINGS[role]), label="opening")
        people[user_id] = Person(user_id, language, first)
    return people


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=bool(os.environ.get("CI")),
    print_blob=True,
    # No shrinking: the world persists, so a smaller replay meets a different state and is
    # rarely the same failure; the failing example, its traceback and blob are reported.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,  # one bot for all examples, on purpose
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(data=st.data())
async def test_random_updates_never_crash_the_bot_or_break_the_data(
    world: World, data: st.DataObject
) -> None:
    world.errors.records.clear()  # a failing example's records must not fail the next
    world.fake.violations.clear()
    people = await new_people(world, data)
    for number in range(ROUNDS):
        await round_of(world, people, data, first=number == 0)
    await check_invariants(world.app)
