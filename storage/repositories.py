"""Queries, one class per table, bound to a session; callers own the transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import FsmRecord, Registration, User


class UserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def locale(self, telegram_id: int) -> str | None:
        stmt = select(User.locale).where(User.telegram_id == telegram_id)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def set_locale(self, telegram_id: int, locale: str) -> None:
        user = await self.session.get(User, telegram_id)
        if user is None:
            self.session.add(User(telegram_id=telegram_id, locale=locale))
        else:
            user.locale = locale

    async def get(self, telegram_id: int) -> User | None:
        return await self.session.get(User, telegram_id)

    async def delete(self, telegram_id: int) -> None:
        await self.session.execute(delete(User).where(User.telegram_id == telegram_id))


class RegistrationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def by_telegram_id(self, telegram_id: int, *, lock: bool = False) -> Registration | None:
        stmt = select(Registration).where(Registration.telegram_id == telegram_id)
        if lock:
            stmt = stmt.with_for_update()
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def owner_of_fingerprint(self, fingerprint: str) -> int | None:
        stmt = select(Registration.telegram_id).where(Registration.nik_fingerprint == fingerprint)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def code_exists(self, code: str) -> bool:
        stmt = select(Registration.id).where(Registration.code == code)
        return (await self.session.execute(stmt)).first() is not None

    def add(self, registration: Registration) -> None:
        self.session.add(registration)

    async def consented_before(self, cutoff: datetime) -> list[int]:
        """Telegram ids of registrations whose retention period started before `cutoff`."""
        stmt = select(Registration.telegram_id).where(Registration.consent_at < cutoff)
        return list((await self.session.execute(stmt)).scalars())

    async def delete(self, telegram_id: int) -> int:
        result = await self.session.execute(
            delete(Registration).where(Registration.telegram_id == telegram_id)
        )
        return result.rowcount or 0


class ConversationRepository:
    """Stored FSM records; keys end with the chat and user ids (see DefaultKeyBuilder)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def delete_for_user(self, telegram_id: int) -> None:
        # Keys are fsm:bot:chat:user:destiny; in a private chat, chat id == user id.
        pattern = f"%:{telegram_id}:{telegram_id}:%"
        await self.session.execute(delete(FsmRecord).where(FsmRecord.key.like(pattern)))

    async def delete_idle_since(self, cutoff: datetime) -> int:
        """Conversations nobody touched since `cutoff` (unfinished registrations hold a NIK)."""
        result = await self.session.execute(delete(FsmRecord).where(FsmRecord.updated_at < cutoff))
        return result.rowcount or 0


class Repositories:
    """Every repository on one session, so one transaction can span tables."""

    def __init__(self, session: AsyncSession) -> None:
        self.users = UserRepository(session)
        self.registrations = RegistrationRepository(session)
        self.conversations = ConversationRepository(session)
