"""FSM storages that survive a restart, with the answers encrypted at rest."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, StateType, StorageKey
from sqlalchemy import select

from storage.database import Database
from storage.models import FsmRecord

Seal = Callable[[str], str]


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
        self._keys = DefaultKeyBuilder(with_destiny=True, with_bot_id=True)

    async def _load(self, key: StorageKey) -> FsmRecord | None:
        async with self._db.transaction() as session:
            return await session.get(FsmRecord, self._keys.build(key))

    async def _save(self, key: StorageKey, **values: Any) -> None:
        async with self._db.transaction() as session:
            record_key = self._keys.build(key)
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
        key_builder=DefaultKeyBuilder(with_destiny=True, with_bot_id=True),
        json_dumps=lambda data: seal(json.dumps(data, ensure_ascii=False)),
        json_loads=lambda raw: json.loads(unseal(raw)),
    )
