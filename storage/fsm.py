"""FSM storages that survive a restart, with the answers encrypted at rest, and the
wrapper that records in the database who is in which conversation, whichever is used."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, Protocol

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, StateType, StorageKey
from sqlalchemy import select

from storage.database import Database
from storage.models import ConversationActivity, FsmRecord
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
    encrypted with the same cipher as the registration columns.
    """

    def __init__(self, db: Database, seal: Seal, unseal: Seal) -> None:
        self._db = db
        self._seal = seal
        self._unseal = unseal

    async def _load(self, key: StorageKey) -> FsmRecord | None:
        async with self._db.transaction() as session:
            return await session.get(FsmRecord, KEYS.build(key))

    async def _save(self, key: StorageKey, **values: Any) -> None:
        async with self._db.transaction() as session:
            record_key = KEYS.build(key)
            stmt = select(FsmRecord).where(FsmRecord.key == record_key).with_for_update()
            record = (await session.execute(stmt)).scalar_one_or_none()
            if record is None:
                if all(value is None for value in values.values()):
                    return
                record = FsmRecord(key=record_key)
                session.add(record)
            for name, value in values.items():
                setattr(record, name, value)
            if record.state is None and record.data is None:
                await session.delete(record)

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        await self._save(key, state=_state_name(state))

    async def get_state(self, key: StorageKey) -> str | None:
        record = await self._load(key)
        return record.state if record else None

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        sealed = self._seal(json.dumps(dict(data), ensure_ascii=False)) if data else None
        await self._save(key, data=sealed)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        record = await self._load(key)
        if record is None or not record.data:
            return {}
        return json.loads(self._unseal(record.data))

    async def close(self) -> None:
        """The database is closed by its owner."""


def redis_storage(url: str, seal: Seal, unseal: Seal) -> BaseStorage:
    """Redis storage for several bot instances, with the same encryption of answers."""
    from aiogram.fsm.storage.redis import RedisStorage

    return RedisStorage.from_url(
        url,
        key_builder=KEYS,
        json_dumps=lambda data: seal(json.dumps(data, ensure_ascii=False)),
        json_loads=lambda raw: json.loads(unseal(raw)),
    )


class TrackedStorage(BaseStorage):
    """Any FSM storage, plus a database row per open conversation: whose, in which
    state, when it started and when it last changed (`ConversationActivity`).

    Jobs that look for abandoned or idle conversations, and erasure, go through these
    rows, so they work the same whether conversations live in the database or in Redis,
    where no SQL query can see them.
    """

    def __init__(self, inner: BaseStorage, db: Database, clock: Clock) -> None:
        self.inner = inner
        self._db = db
        self.clock = clock

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        await self.inner.set_state(key, state)
        await self._record(key, state=_state_name(state))

    async def get_state(self, key: StorageKey) -> str | None:
        return await self.inner.get_state(key)

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await self.inner.set_data(key, data)
        await self._record(key, has_data=bool(data))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        return await self.inner.get_data(key)

    async def close(self) -> None:
        await self.inner.close()

    async def forget_user(self, telegram_id: int) -> int:
        """Clear every conversation of the person (erasure); returns how many there were."""
        async with self._db.transaction() as session:
            rows = await ConversationRepository(session).of_user(telegram_id)
        return await self._forget(rows)

    async def answers_of(self, row: ConversationActivity) -> dict[str, Any]:
        """What a conversation holds so far (right of access: a draft may hold a NIK)."""
        return await self.inner.get_data(_key_of(row))

    async def forget_idle(self, cutoff: datetime, *, limit: int | None = None) -> int:
        """Clear conversations nobody touched since `cutoff` (retention), at most `limit`;
        returns how many."""
        async with self._db.transaction() as session:
            rows = await ConversationRepository(session).idle_since(cutoff, limit=limit)
        return await self._forget(rows)

    async def _forget(self, rows: list[ConversationActivity]) -> int:
        # Outside the read's transaction: the database storage opens its own, and on
        # SQLite a second writer would wait for the first.
        for row in rows:
            key = _key_of(row)
            await self.inner.set_state(key, None)
            await self.inner.set_data(key, {})
            async with self._db.transaction() as session:
                await ConversationRepository(session).delete(row.key)
        return len(rows)

    async def _record(self, key: StorageKey, **values: Any) -> None:
        """Note the change; the row goes once neither a state nor data is left."""
        async with self._db.transaction() as session:
            conversations = ConversationRepository(session)
            row = await conversations.get(KEYS.build(key), lock=True)
            now = self.clock.now()
            if row is None:
                if not any(values.values()):
                    return
                row = ConversationActivity(
                    key=KEYS.build(key),
                    bot_id=key.bot_id,
                    chat_id=key.chat_id,
                    telegram_id=key.user_id,
                    thread_id=key.thread_id,
                    destiny=key.destiny,
                    state=None,
                    has_data=False,
                    started_at=now,
                )
                conversations.add(row)
            for name, value in values.items():
                setattr(row, name, value)
            if row.state is None and not row.has_data:
                await conversations.remove(row)
                return
            row.last_activity_at = now


def _key_of(row: ConversationActivity) -> StorageKey:
    """aiogram's key of the conversation a row tracks."""
    return StorageKey(
        bot_id=row.bot_id,
        chat_id=row.chat_id,
        user_id=row.telegram_id,
        thread_id=row.thread_id,
        destiny=row.destiny,
    )
