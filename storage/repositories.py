"""Queries, one class per table, bound to a session; callers own the transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ConversationActivity, Registration, User
from storage.nik_check_repository import NikCheckRepository


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

    async def consented_before(self, cutoff: datetime, *, limit: int | None = None) -> list[int]:
        """Telegram ids of registrations whose retention period started before `cutoff`,
        oldest first, at most `limit`."""
        stmt = (
            select(Registration.telegram_id)
            .where(Registration.consent_at < cutoff)
            .order_by(Registration.consent_at, Registration.id)
            .limit(limit)
        )
        return list((await self.session.execute(stmt)).scalars())

    async def delete(self, telegram_id: int) -> int:
        result = await self.session.execute(
            delete(Registration).where(Registration.telegram_id == telegram_id)
        )
        return result.rowcount or 0


class ConversationRepository:
    """Open conversations as `storage.fsm.TrackedStorage` records them, whatever the storage."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, key: str, *, lock: bool = False) -> ConversationActivity | None:
        stmt = select(ConversationActivity).where(ConversationActivity.key == key)
        if lock:
            stmt = stmt.with_for_update()
        return (await self.session.execute(stmt)).scalar_one_or_none()

    def add(self, conversation: ConversationActivity) -> None:
        self.session.add(conversation)

    async def remove(self, conversation: ConversationActivity) -> None:
        await self.session.delete(conversation)

    async def of_user(self, telegram_id: int) -> list[ConversationActivity]:
        stmt = select(ConversationActivity).where(ConversationActivity.telegram_id == telegram_id)
        return list((await self.session.execute(stmt)).scalars())

    async def idle_since(
        self, cutoff: datetime, *, state_prefix: str | None = None, limit: int | None = None
    ) -> list[ConversationActivity]:
        """Conversations nobody touched since `cutoff`, optionally only in one state group,
        at most `limit`."""
        stmt = select(ConversationActivity).where(ConversationActivity.last_activity_at < cutoff)
        if state_prefix is not None:
            stmt = stmt.where(ConversationActivity.state.startswith(state_prefix, autoescape=True))
        stmt = stmt.order_by(ConversationActivity.key).limit(limit)
        return list((await self.session.execute(stmt)).scalars())

    async def delete(self, key: str) -> None:
        await self.session.execute(
            delete(ConversationActivity).where(ConversationActivity.key == key)
        )


class Repositories:
    """Every repository on one session, so one transaction can span tables."""

    def __init__(self, session: AsyncSession) -> None:
        self.users = UserRepository(session)
        self.registrations = RegistrationRepository(session)
        self.conversations = ConversationRepository(session)
        self.nik_checks = NikCheckRepository(session)
