"""Fuzz every button factory: well-formed data with hostile values, pressed by a
participant, a coordinator and an administrator through the real bot.

The factories are found, not listed: every handlers module is imported and every
`CallbackData` subclass defined under `handlers` is pressed, so a new factory is covered
the day it is written. Each field gets values of its own type and beyond it: real ids
and huge or negative ones, enum values and invalid ones, "0"/"1" and other booleans, NUL
characters and long emoji in text fields; data longer than Telegram's 64 bytes is left
out (Telegram never delivers it).

Every press must be answered (answerCallbackQuery, so no button spins), log no error
and make no call the fake's schema check rejects. A press that must be refused changes
no row of enrollments, tickets or broadcasts: data its factory does not accept, any press
by a coordinator whose BLK has nobody in it, and, for the participant, any row not their
own. The administrator may legitimately change anything; their presses must still be
answered without an error. Derandomized with a fixed number of examples, so CI presses
the same few hundred buttons every run.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from enum import Enum
from typing import Any

import pytest
from aiogram.filters.callback_data import CallbackData
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

import handlers
from bot.coordinators.audiences import Audience, AudienceKind
from bot.coordinators.broadcasts import Draft
from bot.coordinators.roles import Scope
from bot.runtime.app import App
from bot.tickets.rules import Origin
from storage.models import Broadcast, Enrollment, Registration, Ticket
from tests.enrollment_setup import add_batch, add_blk, register
from tests.fake_bot_api import FakeBotAPI
from tests.harness import ADMIN_ID, Chat, RunningBot, make_settings
from tests.test_fuzz_updates import ErrorLog

EXAMPLES = 4  # × every factory × three people: a few hundred presses per database
PARTICIPANT, SEATED, WAITING, COORDINATOR = 5003, 5001, 5002, 7001
BLK_A, BLK_B = "fz-a", "fz-b"  # the participants' BLK; the coordinator's, with nobody in it


def button_factories() -> list[type[CallbackData]]:
    """Every CallbackData subclass defined in the handlers package, after importing it all."""
    for module in pkgutil.walk_packages(handlers.__path__, prefix="handlers."):
        importlib.import_module(module.name)
    found: list[type[CallbackData]] = []
    pending = [CallbackData]
    while pending:
        for cls in pending.pop().__subclasses__():
            pending.append(cls)
            if cls.__module__.startswith("handlers."):
                found.append(cls)
    return sorted(found, key=lambda cls: cls.__prefix__)


FACTORIES = button_factories()

# Each example first puts each person somewhere (a conversation state, a list on screen),
# so buttons that only count inside a conversation are reached too.
OPENINGS = {
    PARTICIPANT: ["/ubah", "/tanya", "/phk", "/kelayakan", "/jadwal", "/tiket", "/faq", "/start"],
    COORDINATOR: ["/siaran", "/peserta", "/statistik", "/cari Peserta", "/tiket", "/start"],
    ADMIN_ID: ["/siaran", "/peserta", "/koordinator tambah 7002", "/cari 1", "/statistik"],
}
EDGE_INTS = [0, -1, 1, 2, 3, 2**31 - 1, 2**31, 2**53 + 1, 2**63 - 1, 2**63, 2**64 + 1, -(2**63)]
KNOWN_WORDS = [
    BLK_A, BLK_B, "32", "51", "32.01", "p", "b", "c", "g", "faq", "phk", "menu", "cmd", "id",
    "en", "save", "blk", "bs", "pk", "0", "1", "", "biaya", "x" * 48,
]  # fmt: skip
# Any text a field may hold in packed data: no ":" (the separator), NUL and emoji welcome.
field_text = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters=":"), max_size=20
)
emoji_text = st.builds(
    lambda piece, n: piece * n,
    st.sampled_from(["🇮🇩", "👨‍👩‍👧", "é", "\x00", "𝓑"]),
    st.integers(1, 40),
)
any_word = st.one_of(st.sampled_from(KNOWN_WORDS), field_text, emoji_text)
ids = st.integers(0, 6)  # the world's rows have small ids, so real rows are often named
any_int = st.one_of(ids, ids, ids, st.sampled_from(EDGE_INTS), st.integers(-(2**80), 2**80))
odd_int = st.sampled_from(["", "1e3", "0x10", " 1", "1.0", "١"])


def values_for(annotation: Any) -> st.SearchStrategy[str]:
    """Packed values of one field: mostly valid ones of its type (so that handlers, not
    only the factories' parsing, are reached), often invalid ones."""
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        valid = st.sampled_from([str(member.value) for member in annotation])
        return st.one_of(valid, valid, valid, any_word)
    if annotation is bool:
        return st.sampled_from(["0", "1", "0", "1", "2", "-1", "true", ""])
    if annotation is int:
        return st.one_of(any_int.map(str), any_int.map(str), any_int.map(str), odd_int)
    return any_word


def packed(factory: type[CallbackData]) -> st.SearchStrategy[str]:
    """Data in the factory's layout (prefix, then one value per field) within 64 bytes."""
    fields = [values_for(info.annotation) for info in factory.model_fields.values()]
    return (
        st.tuples(*fields)
        .map(lambda values: ":".join([factory.__prefix__, *values]))
        .filter(lambda data: len(data.encode()) <= 64)
    )


def accepted(factory: type[CallbackData], data: str) -> bool:
    """Whether the factory accepts the data (types, enum values, id ranges)."""
    try:
        factory.unpack(data)
    except (ValueError, TypeError):
        return False
    return True


@dataclass
class World:
    running: RunningBot
    fake: FakeBotAPI
    errors: ErrorLog
    participant_registration: int
    presses: int = 0

    @property
    def app(self) -> App:
        assert self.running.app is not None
        return self.running.app


@pytest.fixture
async def world(
    fake_api: FakeBotAPI, database_url: str, redis_url: str | None, data_key: str
) -> AsyncIterator[World]:
    """A seated participant, one waiting, one with nothing, a ticket, a broadcast, and a
    coordinator of another BLK; the bot answers as fast as it can."""
    settings = make_settings(fake_api, database_url, redis_url, data_key)
    running = RunningBot(settings.model_copy(update={"outbox_rate": 1000}))
    await running.start()
    app = running.app
    assert app is not None
    await add_blk(app.db, BLK_A, "32")
    await add_blk(app.db, BLK_B, "51")
    small = await add_batch(app.db, BLK_A, capacity=1)
    await add_batch(app.db, BLK_A, capacity=5, title="Pemasaran Digital")
    await add_batch(app.db, BLK_B, capacity=5)
    services = app.services
    for serial, user_id in enumerate((SEATED, WAITING, PARTICIPANT), start=1):
        await register(services.registrations, user_id, serial=serial)
    await services.enrollment.enroll(SEATED, small, waitlist=False)
    await services.enrollment.enroll(WAITING, small, waitlist=True)
    await services.tickets.ask(SEATED, "Kapan mulai?", Origin.MENU)
    await services.tickets.ask(PARTICIPANT, "Apakah gratis?", Origin.MENU)
    await services.roles.grant(ADMIN_ID, COORDINATOR, Scope.blk(BLK_B))
    await services.broadcasts.create(ADMIN_ID, Draft("Info"), Audience(AudienceKind.BLK, BLK_A))
    async with app.db.transaction() as session:
        own = await session.scalar(
            select(Registration.id).where(Registration.telegram_id == PARTICIPANT)
        )
    assert own is not None
    for user_id in (PARTICIPANT, COORDINATOR, ADMIN_ID):  # presses come from private chats
        await Chat(fake_api, user_id).send("/id", str(user_id))
    errors = ErrorLog()
    logging.getLogger().addHandler(errors)
    world = World(running, fake_api, errors, own)
    try:
        yield world
        print(f"\ncallback fuzz: {world.presses} presses of {len(FACTORIES)} factories")
    finally:
        logging.getLogger().removeHandler(errors)
        await running.stop()


async def rows_not_of(world: World, user_id: int) -> list[tuple[Any, ...]]:
    """Enrollments, tickets and broadcasts, column by column, except `user_id`'s own."""
    enrollments, tickets = select(Enrollment), select(Ticket)
    if user_id == PARTICIPANT:
        enrollments = enrollments.where(
            Enrollment.registration_id != world.participant_registration
        )
        tickets = tickets.where(Ticket.telegram_id != PARTICIPANT)
    async with world.app.db.transaction() as session:
        found: list[tuple[Any, ...]] = []
        for query in (enrollments, tickets, select(Broadcast)):
            for row in (await session.execute(query)).scalars():
                found.append(tuple(getattr(row, c.key) for c in row.__table__.columns))
    return sorted(found, key=repr)


async def press(world: World, user_id: int, data: str) -> None:
    """Press `data` as `user_id`: answered, no error logged, no invalid call."""
    fake = world.fake
    update_id = fake.callback(user_id, data)
    query_id = next(reversed(fake.callback_queries))
    await fake.wait_call(
        "answerCallbackQuery", predicate=lambda c: c.params["callback_query_id"] == query_id
    )
    await fake.wait_confirmed(update_id)
    world.presses += 1
    assert not world.errors.records, f"{data!r} by {user_id}:\n{world.errors.report()}"
    assert not fake.violations, fake.dump()


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    # The world persists between examples, so a shrunk replay meets another state.
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,  # one bot for all examples, on purpose
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
@given(data=st.data())
async def test_every_button_factory_survives_hostile_data(
    world: World, data: st.DataObject
) -> None:
    world.errors.records.clear()
    world.fake.violations.clear()
    for user_id, openings in OPENINGS.items():
        opening = data.draw(st.sampled_from(openings), label=f"opening of {user_id}")
        await world.fake.wait_confirmed(world.fake.message(user_id, opening))
    for factory in FACTORIES:
        pressed = data.draw(packed(factory), label=factory.__name__)
        refusable = not accepted(factory, pressed)
        for user_id in (PARTICIPANT, COORDINATOR, ADMIN_ID):
            guarded = refusable or user_id != ADMIN_ID
            before = await rows_not_of(world, user_id) if guarded else []
            await press(world, user_id, pressed)
            if guarded:
                after = await rows_not_of(world, user_id)
                assert after == before, f"{pressed!r} by {user_id} changed rows"


def test_every_factory_is_found() -> None:
    prefixes = {factory.__prefix__ for factory in FACTORIES}
    assert len(prefixes) == len(FACTORIES) >= 27
    assert {"r1", "pc1", "bf1", "fq2", "co2"} <= prefixes
