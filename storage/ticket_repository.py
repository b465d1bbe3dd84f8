"""Queries behind "Tanya petugas": tickets, their messages, who should see them.

Callers own the transaction; nothing here commits. Only portable SQL (SQLite and
PostgreSQL alike).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.enrollment_repository import LIVE, PLACED
from storage.models import (
    Batch,
    Blk,
    Coordinator,
    Enrollment,
    PhkProfile,
    Regency,
    Registration,
    Ticket,
    TicketMessage,
)


@dataclass(frozen=True)
class Seat:
    """The asker's live enrollment: where a ticket is routed and what coordinators see."""

    blk_id: str
    blk_name: str
    province_code: str
    batch_title: str
    status: str


class TicketRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, ticket: Ticket) -> Ticket:
        self.session.add(ticket)
        await self.session.flush()
        return ticket

    async def add_message(self, message: TicketMessage) -> TicketMessage:
        self.session.add(message)
        await self.session.flush()
        return message

    async def get(self, ticket_id: int, *, lock: bool = False) -> Ticket | None:
        stmt = select(Ticket).where(Ticket.id == ticket_id)
        if lock:
            stmt = stmt.with_for_update()
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def message(self, message_id: int) -> TicketMessage | None:
        return await self.session.get(TicketMessage, message_id)

    async def messages(self, ticket_id: int) -> list[TicketMessage]:
        stmt = (
            select(TicketMessage)
            .where(TicketMessage.ticket_id == ticket_id)
            .order_by(TicketMessage.id)
        )
        return list((await self.session.execute(stmt)).scalars())

    async def all_of_user(self, telegram_id: int) -> list[Ticket]:
        """Every ticket of the asker, oldest first (their right of access)."""
        stmt = select(Ticket).where(Ticket.telegram_id == telegram_id).order_by(Ticket.id)
        return list((await self.session.execute(stmt)).scalars())

    async def of_user(self, telegram_id: int, limit: int) -> tuple[list[Ticket], int]:
        """The asker's tickets, newest first, at most `limit`, and how many there are."""
        where = Ticket.telegram_id == telegram_id
        stmt = select(Ticket).where(where).order_by(Ticket.id.desc()).limit(limit)
        rows = list((await self.session.execute(stmt)).scalars())
        return rows, await self._count(where)

    async def open_of_user(self, telegram_id: int) -> int:
        """How many of the asker's questions still wait for an answer."""
        return await self._count(Ticket.telegram_id == telegram_id, Ticket.status == "open")

    async def open_in(
        self, *, blk_id: str | None, province_code: str | None, limit: int
    ) -> tuple[list[Ticket], int]:
        """Open tickets, oldest wait first, of one BLK, one province, or (both None) all."""
        conditions = [Ticket.status == "open"]
        if blk_id is not None:
            conditions.append(Ticket.blk_id == blk_id)
        if province_code is not None:
            conditions.append(Ticket.province_code == province_code)
        stmt = (
            select(Ticket).where(*conditions).order_by(Ticket.waiting_since, Ticket.id).limit(limit)
        )
        rows = list((await self.session.execute(stmt)).scalars())
        return rows, await self._count(*conditions)

    async def due_for_escalation(self, cutoff: datetime, limit: int) -> list[int]:
        stmt = (
            select(Ticket.id)
            .where(
                Ticket.status == "open",
                Ticket.escalated_at.is_(None),
                Ticket.waiting_since <= cutoff,
            )
            .order_by(Ticket.waiting_since, Ticket.id)
            .limit(limit)
        )
        return list((await self.session.execute(stmt)).scalars())

    async def claim_escalation(self, ticket_id: int, now: datetime) -> bool:
        """Mark escalated unless someone did already (another process, an earlier run)."""
        result = await self.session.execute(
            update(Ticket)
            .where(Ticket.id == ticket_id, Ticket.escalated_at.is_(None))
            .values(escalated_at=now)
        )
        return result.rowcount == 1

    async def coordinators(self, scope_kind: str, scope_code: str | None) -> list[int]:
        stmt = select(Coordinator.telegram_id).where(Coordinator.scope_kind == scope_kind)
        if scope_code is not None:
            stmt = stmt.where(Coordinator.scope_code == scope_code)
        return list((await self.session.execute(stmt.order_by(Coordinator.telegram_id))).scalars())

    async def answerers(self, ticket_id: int) -> list[int]:
        stmt = (
            select(TicketMessage.author_id)
            .where(TicketMessage.ticket_id == ticket_id, TicketMessage.author_kind == "staff")
            .distinct()
        )
        return sorted((await self.session.execute(stmt)).scalars())

    async def registration(self, telegram_id: int) -> Registration | None:
        stmt = select(Registration).where(Registration.telegram_id == telegram_id)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def seat(self, registration_id: int) -> Seat | None:
        """The place held now, else the seat of the batch completed last (a question about
        a certificate goes to the BLK that trained the person)."""
        stmt = (
            select(Blk.id, Blk.name, Regency.province_code, Batch.title, Enrollment.status)
            .join(Batch, Enrollment.batch_id == Batch.id)
            .join(Blk, Batch.blk_id == Blk.id)
            .join(Regency, Blk.regency_code == Regency.code)
            .where(Enrollment.registration_id == registration_id, Enrollment.status.in_(PLACED))
            .order_by(case((Enrollment.status.in_(LIVE), 0), else_=1), Enrollment.id.desc())
            .limit(1)
        )
        row = (await self.session.execute(stmt)).first()
        return Seat(*row) if row else None

    async def blk_contact(self, blk_id: str) -> tuple[str, str] | None:
        """The BLK's name and its phone from the directory ("" when it has none)."""
        stmt = select(Blk.name, Blk.phone).where(Blk.id == blk_id)
        row = (await self.session.execute(stmt)).first()
        return (row[0], row[1]) if row else None

    async def has_phk_profile(self, telegram_id: int) -> bool:
        stmt = select(PhkProfile.telegram_id).where(PhkProfile.telegram_id == telegram_id)
        return (await self.session.execute(stmt)).first() is not None

    async def delete_for_user(self, telegram_id: int) -> int:
        """Erasure (UU PDP): the person's tickets and, by cascade, every message on them."""
        ids = select(Ticket.id).where(Ticket.telegram_id == telegram_id)
        await self.session.execute(delete(TicketMessage).where(TicketMessage.ticket_id.in_(ids)))
        result = await self.session.execute(delete(Ticket).where(Ticket.telegram_id == telegram_id))
        return result.rowcount or 0

    async def _count(self, *conditions: object) -> int:
        stmt = select(func.count()).select_from(Ticket).where(*conditions)  # type: ignore[arg-type]
        return int((await self.session.execute(stmt)).scalar_one())
