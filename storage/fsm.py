"""FSM storages that survive a restart, with the answers encrypted at rest, and the
wrapper that records in the database who is in which conversation, whichever is used."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, StateType, StorageKey
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from storage.database import Database
from storage.models import ConversationActivity, FsmRecord, utcnow
from storage.repositories import ConversationRepository

Seal = Callable[[str], str]


class Clock(Protocol):
    """The app's one clock (`bot.clock.Clock`) as storage sees it: storage imports no `bot`."""

    def now(self) -> datetime: ...


# One key format for both storages and the activity rows: "fsm:<bot>:<chat>:<user>:<destiny>".
KEYS = DefaultKeyBuilder(with_destiny=True, with_bot_id=True)


def _state_name(state: StateType) -> str | None:
    return state.state if isinstance(state, State) else state


class SqlStorage(BaseStorage):
    """aiogram storage on our database: conversations continue after a restart.

    The data dict holds answers such as the NIK before they are saved, so it is
    encrypted with the same cipher as the registration columns. Wrapped in
    `TrackedStorage`, an update reads a conversation once (`read`) and writes it once
    (`write`), in its own transaction.
    """

    def __init__(self, db: Database, seal: Seal, unseal: Seal) -> None:
        self._db = db
        self._seal = seal
        self._unseal = unseal

    async def read(self, key: StorageKey) -> tuple[str | None, dict[str, Any]]:
        """State and data in one query."""
        stmt = select(FsmRecord.state, FsmRecord.data).where(FsmRecord.key == KEYS.build(key))
        async with self._db.joined() as session:
            row = (await session.execute(stmt)).one_or_none()
        if row is None:
            return None, {}
        return row.state, json.loads(self._unseal(row.data)) if row.data else {}

    async def write(self, key: StorageKey, state: str | None, data: Mapping[str, Any]) -> None:
        """Both at once, in one statement; the row goes once neither is left."""
        record_key = KEYS.build(key)
        async with self._db.joined() as session:
            if state is None and not data:
                await session.execute(delete(FsmRecord).where(FsmRecord.key == record_key))
                return
            values = {
                "state": state,
                "data": self._seal(json.dumps(dict(data), ensure_ascii=False)) if data else None,
                "updated_at": utcnow(),
            }
            insert = _insert_of(self._db)(FsmRecord).values(key=record_key, **values)
            await session.execute(insert.on_conflict_do_update(index_elements=["key"], set_=values))

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        await self.write(key, _state_name(state), (await self.read(key))[1])

    async def get_state(self, key: StorageKey) -> str | None:
        return (await self.read(key))[0]

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await self.write(key, (await self.read(key))[0], data)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        return (await self.read(key))[1]

    async def close(self) -> None:
        """The database is closed by its owner."""


def _insert_of(db: Database) -> Callable[..., Any]:
    """The dialect's INSERT, which has ON CONFLICT DO UPDATE on both."""
    return sqlite_insert if db.is_sqlite else postgresql_insert


def redis_storage(url: str, seal: Seal, unseal: Seal) -> BaseStorage:
    """Redis storage for several bot instances, with the same encryption of answers."""
    from aiogram.fsm.storage.redis import RedisStorage

    return RedisStorage.from_url(
        url,
        key_builder=KEYS,
        json_dumps=lambda data: seal(json.dumps(data, ensure_ascii=False)),
        json_loads=lambda raw: json.loads(unseal(raw)),
    )


@dataclass
class _Held:
    """A conversation as the update being handled sees it."""

    state: str | None
    data: str | None = None  # JSON text, so every reader gets a dict of its own; None: unread
    changed: bool = False


class TrackedStorage(BaseStorage):
    """Any FSM storage, plus a database row per open conversation: whose, in which
    state, when it started and when it last changed (`ConversationActivity`).

    Jobs that look for abandoned or idle conversations, and erasure, go through these
    rows, so they work the same whether conversations live in the database or in Redis,
    where no SQL query can see them.

    Inside an update (`Database.unit_of_work`) a conversation is read once and its row
    written once, just before the update commits; in the database storage the
    conversation itself too. Redis is written at every change, as before: its per-user
    lock (the event isolation) ends with the handler, before the commit.
    """

    def __init__(self, inner: BaseStorage, db: Database, clock: Clock) -> None:
        self.inner = inner
        self._db = db
        self.clock = clock
        self._sql = inner if isinstance(inner, SqlStorage) else None

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        async with self._holding(key) as held:
            held.state, held.changed = _state_name(state), True
            if self._sql is None:
                await self.inner.set_state(key, state)

    async def get_state(self, key: StorageKey) -> str | None:
        async with self._holding(key) as held:
            return held.state

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        async with self._holding(key) as held:
            held.data, held.changed = json.dumps(dict(data), ensure_ascii=False), True
            if self._sql is None:
                await self.inner.set_data(key, data)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        async with self._holding(key) as held:
            return json.loads(await self._data_of(key, held))

    async def close(self) -> None:
        await self.inner.close()

    async def forget_user(self, telegram_id: int) -> int:
        """Clear every conversation of the person (erasure); returns how many there were."""
        async with self._db.transaction() as session:
            rows = await ConversationRepository(session).of_user(telegram_id)
        return await self._forget(rows)

    async def answers_of(self, row: ConversationActivity) -> dict[str, Any]:
        """What a conversation holds so far (right of access: a draft may hold a NIK)."""
        return await self.get_data(_key_of(row))

    async def forget_idle(self, cutoff: datetime, *, limit: int | None = None) -> int:
        """Clear conversations nobody touched since `cutoff` (retention), at most `limit`;
        returns how many."""
        async with self._db.transaction() as session:
            rows = await ConversationRepository(session).idle_since(cutoff, limit=limit)
        return await self._forget(rows)

    async def _forget(self, rows: list[ConversationActivity]) -> int:
        # Outside the read's transaction: the database storage opens its own, and on
        # SQLite a second writer would wait for the first.
        unit = self._db.unit()
        for row in rows:
            key = _key_of(row)
            if unit is not None:  # what the update holds must not come back at its commit
                unit.held.get(self, {}).pop(row.key, None)
            if self._sql is not None:
                await self._sql.write(key, None, {})
            else:
                await self.inner.set_state(key, None)
                await self.inner.set_data(key, {})
            async with self._db.transaction() as session:
                await ConversationRepository(session).delete(row.key)
        return len(rows)

    @asynccontextmanager
    async def _holding(self, key: StorageKey) -> AsyncIterator[_Held]:
        """The update's copy of the conversation, written before it commits; outside an
        update, a copy for this one call, written at once."""
        unit = self._db.unit()
        if unit is None:
            held = await self._read(key)
            yield held
            await self._write({key: held})
            return
        conversations: dict[str, tuple[StorageKey, _Held]] | None = unit.held.get(self)
        if conversations is None:
            conversations = unit.held[self] = {}
            unit.before_commit(lambda: self._write(dict(conversations.values())))
        record_key = KEYS.build(key)
        if record_key not in conversations:
            conversations[record_key] = (key, await self._read(key))
        yield conversations[record_key][1]

    async def _read(self, key: StorageKey) -> _Held:
        if self._sql is None:
            return _Held(await self.inner.get_state(key))
        state, data = await self._sql.read(key)
        return _Held(state, json.dumps(data, ensure_ascii=False))

    async def _data_of(self, key: StorageKey, held: _Held) -> str:
        if held.data is None:
            held.data = json.dumps(await self.inner.get_data(key), ensure_ascii=False)
        return held.data

    async def _write(self, conversations: dict[StorageKey, _Held]) -> None:
        """The database storage's rows, then the activity rows, of what changed."""
        for key, held in conversations.items():
            if not held.changed:
                continue
            data = json.loads(await self._data_of(key, held))
            if self._sql is not None:
                await self._sql.write(key, held.state, data)
            await self._record(key, held.state, bool(data))

    async def _record(self, key: StorageKey, state: str | None, has_data: bool) -> None:
        """Note the change in one statement; the row goes once neither a state nor data
        is left."""
        record_key = KEYS.build(key)
        async with self._db.joined() as session:
            if state is None and not has_data:
                await ConversationRepository(session).delete(record_key)
                return
            now = self.clock.now()
            changed = {"state": state, "has_data": has_data, "last_activity_at": now}
            insert = _insert_of(self._db)(ConversationActivity).values(
                key=record_key,
                bot_id=key.bot_id,
                chat_id=key.chat_id,
                telegram_id=key.user_id,
                thread_id=key.thread_id,
                destiny=key.destiny,
                started_at=now,
                **changed,
            )
            await session.execute(
                insert.on_conflict_do_update(index_elements=["key"], set_=changed)
            )


def _key_of(row: ConversationActivity) -> StorageKey:
    """aiogram's key of the conversation a row tracks."""
    return StorageKey(
        bot_id=row.bot_id,
        chat_id=row.chat_id,
        user_id=row.telegram_id,
        thread_id=row.thread_id,
        destiny=row.destiny,
    )
